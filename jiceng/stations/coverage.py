"""The 15-minute service circle (G3): walking time from every building to the nearest open position on
the walking network, residents weighted (TD/T 1062-2021's 15-minute life circle; 1.2 m/s by default,
so 15 minutes is 1,080 m). One `CoverageRun` row says when; `BuildingCoverage` holds one row per
building, replaced as a whole in one transaction by `coverage_compute` (the background task)."""

import time

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from jiceng.core.scope import subtree_q
from jiceng.orgs.models import Unit, UnitTally
from jiceng.stations import walknet
from jiceng.stations.models import BuildingCoverage, CoverageRun, ServicePosition, State

CIRCLE_MINUTES = 15


def walk_speed() -> float:
    return float(getattr(settings, "JICENG_WALK_SPEED_M_S", 1.2))


def circle_seconds() -> float:
    return CIRCLE_MINUTES * 60.0


def circle_metres() -> float:
    return circle_seconds() * walk_speed()


def open_positions():
    return list(ServicePosition.objects.filter(state=State.OPEN).order_by("id").values_list("id", "lat", "lng"))


def building_rows():
    """(building id, path, lat, lng, residents) of every building with a location."""
    # Residents under each building: the tally row orgs keeps current with every registration and move.
    residents = dict(UnitTally.objects.filter(unit__kind="building").values_list("unit_id", "residents"))
    rows = Unit.objects.filter(kind="building", lat__isnull=False, lng__isnull=False).order_by("id") \
        .values_list("id", "path", "lat", "lng")
    return [(bid, path, lat, lng, residents.get(bid, 0)) for bid, path, lat, lng in rows]


def walk_times(graph, positions, lats, lngs, speed: float):
    """Seconds from each point to the nearest position (inf = no path) and that position's index."""
    if not positions:
        return np.full(len(lats), np.inf), np.full(len(lats), -1)
    p_nodes, p_off = graph.snap([p[1] for p in positions], [p[2] for p in positions])
    dist, which = walknet.multi_source(graph, p_nodes, p_off)
    b_nodes, b_off = graph.snap(lats, lngs)
    return (dist[b_nodes] + b_off) / speed, which[b_nodes]


def coverage_compute() -> CoverageRun | None:
    """Recompute every building's walking time and replace the stored coverage (one transaction)."""
    started = time.perf_counter()
    graph = walknet.active_graph()
    positions = open_positions()
    buildings = building_rows()
    speed = walk_speed()
    if graph is None or not buildings:
        seconds = np.full(len(buildings), np.inf)
        which = np.full(len(buildings), -1)
    else:
        seconds, which = walk_times(graph, positions, [b[2] for b in buildings], [b[3] for b in buildings], speed)
    objs = [BuildingCoverage(building_id=b[0], unit_path=b[1], lat=b[2], lng=b[3], residents=b[4],
                             walk_s=float(s) if np.isfinite(s) else None,
                             position_id=positions[w][0] if w >= 0 and np.isfinite(s) else None)
            for b, s, w in zip(buildings, seconds, which, strict=True)]
    with transaction.atomic():
        BuildingCoverage.objects.all().delete()
        BuildingCoverage.objects.bulk_create(objs, batch_size=5000)
        run = CoverageRun.objects.create(as_of=timezone.now(), network_id=graph.network_id if graph else None,
                                         speed_m_s=speed, positions=len(positions), buildings=len(buildings),
                                         seconds=round(time.perf_counter() - started, 3))
        CoverageRun.objects.exclude(pk=run.pk).delete()
    return run


def latest_run() -> CoverageRun | None:
    return CoverageRun.objects.order_by("-as_of", "-id").first()


def shares(path: str) -> dict:
    """Residents and compounds within the circle under a unit path (residents weighted; a compound
    counts when all its buildings with residents are within the circle)."""
    limit = circle_seconds()
    qs = BuildingCoverage.objects.filter(subtree_q(path, "unit_path"))
    agg = qs.aggregate(total=Sum("residents"), inside=Sum("residents", filter=Q(walk_s__lte=limit)))
    total, inside = agg["total"] or 0, agg["inside"] or 0
    compounds = compound_coverage(qs)
    return {"residents": total, "residents_within": inside,
            "residents_share": round(inside / total, 4) if total else None,
            "compounds": len(compounds), "compounds_within": sum(compounds.values()),
            "compounds_share": round(sum(compounds.values()) / len(compounds), 4) if compounds else None}


def compound_coverage(qs) -> dict[str, bool]:
    limit = circle_seconds()
    out: dict[str, bool] = {}
    for path, walk_s, _residents in qs.filter(residents__gt=0).values_list("unit_path", "walk_s", "residents"):
        compound = path.rstrip("/").rsplit("/", 1)[0] + "/"
        ok = walk_s is not None and walk_s <= limit
        out[compound] = out.get(compound, True) and ok
    return out


def shares_by_child(unit: Unit, children) -> dict[str, dict]:
    return {c.path: shares(c.path) for c in children}


def isochrone(position: ServicePosition, *, minutes=(5, 10, 15)) -> dict:
    """Nodes reachable from a position within each time band as a GeoJSON FeatureCollection of
    convex-ish hulls (concave hulls of the reached nodes) for drawing on its page."""
    import shapely

    graph = walknet.active_graph()
    if graph is None:
        return {"type": "FeatureCollection", "features": []}
    speed = walk_speed()
    node, off = graph.snap([position.lat], [position.lng])
    dist, _w = walknet.multi_source(graph, node, off, limit=max(minutes) * 60 * speed)
    features = []
    for m in sorted(minutes, reverse=True):
        reach = np.flatnonzero(dist <= m * 60 * speed)
        if len(reach) < 3:
            continue
        pts = shapely.multipoints(np.column_stack([graph.lng[reach], graph.lat[reach]]))
        hull = shapely.concave_hull(pts, ratio=0.3)
        features.append({"type": "Feature", "properties": {"minutes": m, "nodes": int(len(reach))},
                         "geometry": shapely.geometry.mapping(hull)})
    return {"type": "FeatureCollection", "features": features}


def buildings_geojson(unit: Unit) -> dict:
    """Buildings under a unit with their walking time, covered or not, as GeoJSON points."""
    limit = circle_seconds()
    rows = BuildingCoverage.objects.filter(subtree_q(unit.path, "unit_path")).order_by("unit_path").values_list(
        "building_id", "lat", "lng", "residents", "walk_s")[:20000]
    names = dict(Unit.objects.filter(id__in=[r[0] for r in rows]).values_list("id", "address"))
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lng, lat]},
                 "properties": {"name": names.get(bid, ""), "residents": residents,
                                "minutes": round(walk_s / 60, 1) if walk_s is not None else None,
                                "covered": walk_s is not None and walk_s <= limit}}
                for bid, lat, lng, residents, walk_s in rows]
    return {"type": "FeatureCollection", "features": features}
