"""The platform's own base map (issue 18, item 2): when no tile server is configured (JICENG_MAP_TILES
unset, as on most intranets), every page map draws the city from the platform's data instead of a grey
box: roads (the walking network when one is imported, else the edges of grids and compounds), the
outlines of communities, grids, compounds and buildings, and their names at suitable zooms.

What is served is public base geometry only: units from the street down to the building (outlines,
names, label points). Never a household, a resident or anything hung on them.

The map asks by tile: `tile_features(z, x, y)` returns the features for display zoom `z` whose outline
meets the slippy tile (x, y) of zoom z - 1 (512 px at zoom z); a unit met by several tiles carries its
code so the browser draws it once (road segments belong to the tile of their midpoint). Geometry is
simplified to about a pixel at zoom z. Tiles are cached for a few minutes, keyed by the geometry
version (jiceng/network/models.py GeometryVersion).

Roads: apps above network (stations holds the walking network) register a provider with
`roads_register(fn)`; `fn(south, west, north, east, z)` returns a list of lines ([[lng, lat], ...]) or
None when it has no network, and the grid and compound edges are drawn as streets instead.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import numpy as np
import shapely
from django.core.cache import cache

from jiceng.network.models import GeometryVersion
from jiceng.orgs.models import Unit

MIN_ZOOM, MAX_ZOOM = 8, 19
MAX_FEATURES = 1500  # per tile; past it the finest units are left out and the tile says "truncated"
MAX_CANDIDATES = 6000  # rows read for a tile before the outlines are tested against it
# How far a unit's point may lie from its outline's far side: a tile reads the units within this margin.
MARGIN_M = {"street": 15000.0, "community": 5000.0, "grid": 3000.0, "compound": 800.0, "building": 200.0}
MAX_ROADS = 3000  # road segments per tile
CACHE_SECONDS = 300

# Which units a display zoom draws, and from which zoom their names show.
KINDS_BY_ZOOM = (
    (8, ("street",)),
    (12, ("community",)),
    (13, ("community", "grid")),
    (15, ("community", "grid", "compound")),
    (16, ("grid", "compound", "building")),
)
LABEL_FROM = {"street": 8, "community": 12, "grid": 14, "compound": 15, "building": 17}
PUBLIC_KINDS = frozenset({"street", "community", "grid", "compound", "building"})  # never households

_roads: list[Callable] = []


def roads_register(fn: Callable) -> None:
    """Register a road provider (an app above network; see the module docstring)."""
    if fn not in _roads:
        _roads.append(fn)


def kinds_for(z: int) -> tuple[str, ...]:
    kinds: tuple[str, ...] = ()
    for start, ks in KINDS_BY_ZOOM:
        if z >= start:
            kinds = ks
    assert PUBLIC_KINDS.issuperset(kinds)  # noqa: S101 - a guard against a household slipping in
    return kinds


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(south, west, north, east) of slippy tile (x, y) at zoom z (Web Mercator)."""
    n = 2 ** z

    def lat(yy):
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * yy / n))))

    return lat(y + 1), x / n * 360.0 - 180.0, lat(y), (x + 1) / n * 360.0 - 180.0


def valid_tile(z: int, x: int, y: int) -> bool:
    return MIN_ZOOM <= z <= MAX_ZOOM and 0 <= x < 2 ** (z - 1) and 0 <= y < 2 ** (z - 1)


def geometry_version() -> str:
    row = GeometryVersion.objects.filter(pk=1).values_list("version", "changed_at").first()
    return f"{row[0]}-{row[1].timestamp() if row[1] else 0}" if row else "0"


def tile_json(z: int, x: int, y: int) -> bytes:
    """The tile's GeoJSON as bytes, from the cache when the geometry has not changed."""
    key = f"basemap:{geometry_version()}:{z}:{x}:{y}"
    data = cache.get(key)
    if data is None:
        data = json.dumps(tile_features(z, x, y), ensure_ascii=False, separators=(",", ":")).encode()
        cache.set(key, data, CACHE_SECONDS)
    return data


def _round(geom, decimals: int):
    return shapely.transform(geom, lambda xy: np.round(xy, decimals))


def _candidates_q(kinds, south, west, north, east):
    """Units of `kinds` whose point lies within the kind's margin of the box (a unit is at most that far
    from its outline), as one OR of per-kind boxes: the outlines are then tested against the tile itself."""
    from django.db.models import Q

    from jiceng.core.geo.distance import box_deg

    q = Q()
    for kind in kinds:
        dlat, dlng = box_deg((south + north) / 2, MARGIN_M[kind])
        q |= Q(kind=kind, lat__gte=south - dlat, lat__lt=north + dlat, lng__gte=west - dlng, lng__lt=east + dlng)
    return q


def tile_features(z: int, x: int, y: int) -> dict:
    """A FeatureCollection for display zoom z of the tile (x, y) at zoom z - 1 (see the docstring): every
    unit of the zoom's kinds whose outline meets the tile (a large one is in several tiles: `c`, its code,
    lets the map draw it once). Properties: `k` kind (a unit kind or "road"), `c` the unit's code, `n` the
    name when it shows at this zoom, `at` [lat, lng] of the label."""
    south, west, north, east = tile_bounds(z - 1, x, y)
    tolerance = 360.0 / (256 * 2 ** z)  # about a pixel at zoom z
    decimals = min(7, max(3, 1 - math.floor(math.log10(tolerance))))
    kinds = kinds_for(z)
    rows = list(Unit.objects.filter(_candidates_q(kinds, south, west, north, east)).exclude(geom=None)
                .order_by("depth", "path").values_list("kind", "code", "name", "lat", "lng", "geom")
                [:MAX_CANDIDATES])
    truncated = len(rows) >= MAX_CANDIDATES
    features = []
    if rows:
        tile = shapely.box(west, south, east, north)
        geoms = shapely.from_wkb([bytes(r[5]) for r in rows])
        hit = shapely.intersects(geoms, tile)
        picked = [(r, g) for r, g, h in zip(rows, geoms, hit, strict=True) if h]
        truncated = truncated or len(picked) > MAX_FEATURES
        picked = picked[:MAX_FEATURES]
        simple = shapely.simplify([g for _r, g in picked], tolerance, preserve_topology=True) if picked else []
        for (kind, code, name, lat, lng, _g), geom in zip([r for r, _g in picked], simple, strict=True):
            if geom is None or geom.is_empty:
                continue
            props = {"k": kind, "c": code, "at": [round(lat, 6), round(lng, 6)] if lat is not None else None}
            if z >= LABEL_FROM[kind] and lat is not None:
                props["n"] = name
            features.append({"type": "Feature", "geometry": json.loads(shapely.to_geojson(_round(geom, decimals))),
                             "properties": props})
    roads = None
    if z >= 13:
        for provider in _roads:
            roads = provider(south, west, north, east, z)
            if roads is not None:
                break
    if roads:
        truncated = truncated or len(roads) > MAX_ROADS
        for line in roads[:MAX_ROADS]:
            features.append({"type": "Feature", "properties": {"k": "road"},
                             "geometry": {"type": "LineString",
                                          "coordinates": [[round(a, decimals), round(b, decimals)] for a, b in line]}})
    return {"type": "FeatureCollection", "features": features, "roads": "network" if roads else "edges",
            "truncated": truncated}


ADDRESS_RADIUS_M = 150.0


def address_near(lat: float, lng: float) -> dict:
    """The address to show for a pin: the nearest gazetteer address of a building within 150 m in the
    pin's grid, else the names of the pin's community and grid; {} outside the city. Two queries
    (the grid's chain, the gazetteer rows near the point)."""
    from jiceng.core.geo.distance import box_deg, plane_m
    from jiceng.network.models import GazetteerEntry
    from jiceng.network.routing import locate_point

    found = locate_point(lat, lng)
    if found.grid is None:
        return {}
    names = [u.name for u in found.chain if u.kind in ("street", "community", "grid")]
    place = " ".join(names)
    dlat, dlng = box_deg(lat, ADDRESS_RADIUS_M)
    rows = (GazetteerEntry.objects.filter(grid_id=found.grid.id, building__lat__range=(lat - dlat, lat + dlat),
                                          building__lng__range=(lng - dlng, lng + dlng))
            .order_by("id").values_list("address", "building__lat", "building__lng")[:200])
    best = None
    for address, blat, blng in rows:
        d = plane_m(lat, lng, blat, blng)
        if d <= ADDRESS_RADIUS_M and (best is None or d < best[0]):
            best = (d, address)
    if best is None:
        return {"address": "", "place": place, "distance_m": None}
    return {"address": best[1], "place": place, "distance_m": round(best[0])}
