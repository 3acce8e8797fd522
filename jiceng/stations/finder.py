"""The courier and rider finder (G4): from a phone's location, the nearest stations open now that have
a chosen amenity, by walking distance on the network, with walking time and today's hours.

Open positions with their hours and amenities are kept in the process and reloaded when any position
changed (one aggregate query per request); the walk from the phone is one bounded Dijkstra."""

from __future__ import annotations

import dataclasses
import datetime
import threading

import numpy as np
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.cases.deadlines import holiday_calendar
from jiceng.core.errors import ValidationFailed
from jiceng.stations import coverage, walknet
from jiceng.stations import hours as hours_mod
from jiceng.stations.models import Amenity, OpeningHours, ServicePosition, State
from jiceng.stations.services import to_city_point

SEARCH_M = 5000.0
MAX_RESULTS = 10


@dataclasses.dataclass
class _Positions:
    stamp: tuple
    network_id: int
    rows: list  # dicts
    nodes: np.ndarray
    offsets: np.ndarray


_lock = threading.Lock()
_cache: dict = {}


def _holiday_calendar() -> dict:
    return holiday_calendar()


def _positions(graph) -> _Positions:
    stamp = tuple(ServicePosition.objects.filter(state=State.OPEN).aggregate(
        m=Max("updated_at"), n=Count("id")).values()) + (Amenity.objects.filter(active=True).count(),)
    with _lock:
        cached = _cache.get("positions")
        if cached is not None and cached.stamp == stamp and cached.network_id == graph.network_id:
            return cached
    rows = list(ServicePosition.objects.filter(state=State.OPEN).order_by("id")
                .values("id", "name", "level", "address", "lat", "lng", "contact_phone"))
    amen: dict[int, list] = {}
    through = ServicePosition.amenities.through
    names = dict(Amenity.objects.filter(active=True).values_list("id", "code"))
    for pid, aid in through.objects.filter(serviceposition__state=State.OPEN).values_list(
            "serviceposition_id", "amenity_id"):
        if aid in names:
            amen.setdefault(pid, []).append(names[aid])
    hours: dict[int, list] = {}
    for pid, day, opens, closes in OpeningHours.objects.filter(position__state=State.OPEN).values_list(
            "position_id", "day", "opens", "closes"):
        hours.setdefault(pid, []).append((day, opens, closes))
    for r in rows:
        r["amenities"] = set(amen.get(r["id"], ()))
        r["hours"] = hours.get(r["id"], [])
    if rows:
        nodes, offsets = graph.snap([r["lat"] for r in rows], [r["lng"] for r in rows])
    else:
        nodes, offsets = np.zeros(0, np.int64), np.zeros(0)
    value = _Positions(stamp=stamp, network_id=graph.network_id, rows=rows, nodes=nodes, offsets=offsets)
    with _lock:
        _cache["positions"] = value
    return value


def find(*, lat, lng, crs: str = "wgs84", amenity: str = "", open_now: bool = True, now=None,
         limit: int = 5) -> dict:
    from scipy.sparse.csgraph import dijkstra

    wlat, wlng = to_city_point(lat, lng, crs)
    amenity = (amenity or "").strip()
    if amenity and not Amenity.objects.filter(code=amenity, active=True).exists():
        raise ValidationFailed(_("Unknown amenity “%(code)s”.") % {"code": amenity[:40]}, field="amenity",
                               code="unknown_amenity")
    if not 1 <= int(limit) <= MAX_RESULTS:
        raise ValidationFailed(_("Ask for 1 to %(n)d stations.") % {"n": MAX_RESULTS}, field="limit")
    graph = walknet.active_graph()
    if graph is None:
        raise ValidationFailed(_("The walking network has not been imported yet."), code="no_network")
    now = timezone.localtime(now or timezone.now())
    calendar = _holiday_calendar()
    pos = _positions(graph)
    picked = [i for i, r in enumerate(pos.rows)
              if (not amenity or amenity in r["amenities"])
              and (not open_now or hours_mod.is_open(r["hours"], now.replace(tzinfo=None), calendar))]
    speed = coverage.walk_speed()
    results = []
    if picked:
        node, off = graph.snap([wlat], [wlng])
        dist = dijkstra(graph.csr, directed=False, indices=int(node[0]), limit=SEARCH_M)
        idx = np.asarray(picked)
        total = dist[pos.nodes[idx]] + pos.offsets[idx] + off[0]
        order = np.argsort(total, kind="stable")
        for k in order[: int(limit)]:
            if not np.isfinite(total[k]):
                break
            r = pos.rows[idx[k]]
            results.append({
                "id": r["id"], "name": r["name"], "level": r["level"], "address": r["address"],
                "lat": r["lat"], "lng": r["lng"], "distance_m": round(float(total[k])),
                "walk_min": int(np.ceil(total[k] / speed / 60)),
                "today_hours": hours_mod.format_periods(hours_mod.periods_on(r["hours"], now.date(), calendar)),
                "amenities": sorted(r["amenities"]), "contact_phone": r["contact_phone"]})
    return {"lat": wlat, "lng": wlng, "at": now.isoformat(), "amenity": amenity, "results": results}


def today(now: datetime.datetime | None = None) -> datetime.date:
    return timezone.localdate(now)
