"""Routing (B3): a point or an address goes to exactly one grid, and from there up to the city.

The grid index (jiceng.core.geo.grid_index.GridIndex over every grid polygon) lives in the process. Before
each use the process reads one row by primary key, `GeometryVersion` (version, changed_at), and rebuilds
the index when it differs from the row the index was built from.

That row is bumped by the database itself: triggers on orgs_unit (network migration 0002, PostgreSQL
and SQLite) bump it whenever a grid is inserted or deleted or its geometry changes, whatever code path
does it (`jiceng.orgs.services.unit_update` / `unit_create`, bulk creates, imports, raw updates); the
network import services bump it too. So several processes stay consistent without a message bus. (A
first version compared MAX(updated_at) over the ~2,000 grid rows: correct, but 0.8 ms per request on a
busy PostgreSQL; the row read is ~0.05 ms.)

`locate_point` is optimistic: it routes with the index it has and reads the unit chain together with
the version row in one query; only when the version differs is the index rebuilt and the point routed
again. Only grid ids and polygons are kept in the index; the chain comes from the database on each
answer, so a unit renamed or moved is never shown stale. `locate_many` and points outside every grid
read the version row first. `NETWORK_INDEX_CHECK_SECONDS` (setting, default 0 = always) lets those
paths check less often.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time

import numpy as np
import shapely
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from jiceng.core.errors import ValidationFailed
from jiceng.core.geo import coords
from jiceng.core.geo.address import address_key, normalize_address
from jiceng.core.geo.grid_index import GridIndex
from jiceng.network.models import GazetteerEntry, GeometryVersion
from jiceng.orgs.models import Unit

DEFAULT_TOLERANCE_M = 200.0
MAX_BATCH = 10_000


def default_tolerance_m() -> float:
    return float(getattr(settings, "NETWORK_TOLERANCE_M", DEFAULT_TOLERANCE_M))


@dataclasses.dataclass
class LocateResult:
    grid: Unit | None  # None: outside the jurisdiction
    distance_m: float  # 0 inside a grid; metres to the grid when within the tolerance; inf outside
    chain: list[Unit]  # city → … → grid (empty outside)
    # (grid and chain are light Unit objects: id, kind, code, name, parent_id, path, depth; no geometry)
    lat: float  # the point in WGS-84
    lng: float

    @property
    def inside(self) -> bool:
        return self.grid is not None and self.distance_m == 0.0


@dataclasses.dataclass
class AddressResult:
    building: Unit | None
    grid: Unit | None
    chain: list[Unit]
    key: str  # the normalized lookup key of the query
    matched: str  # the gazetteer address that matched ("" when none)
    exact: bool  # the whole key matched (else a leading part did, e.g. building of a room address)
    candidates: list = dataclasses.field(default_factory=list)  # buildings sharing the best key (>1: ambiguous)


# ------------------------------------------------------------------------------------------------
# The per-process index


@dataclasses.dataclass
class _State:
    fingerprint: tuple
    index: GridIndex | None
    paths: dict  # grid id -> path when the index was built
    prefixes: tuple  # normalized names of city, counties, streets, communities (address prefixes)
    built_at: float
    checked_at: float


_lock = threading.Lock()
_state: _State | None = None


def _fingerprint() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version, changed_at FROM {connection.ops.quote_name(GeometryVersion._meta.db_table)} "  # nosec B608  # identifiers from model metadata, values bound as parameters
                       "WHERE id = 1")
        row = cursor.fetchone()
    return _as_fingerprint(row[0], row[1]) if row else (0, "")


def _as_fingerprint(version, changed_at) -> tuple:
    """The same tuple from the row read alone or joined to the chain (raw values, one form per backend)."""
    return (0, "") if version is None else (int(version), str(changed_at))


def _build(fingerprint: tuple) -> _State:
    rows = list(Unit.objects.filter(kind="grid", geom__isnull=False).order_by("id")
                .values_list("id", "path", "geom"))
    prefixes = normalized_prefixes(Unit.objects.filter(kind__in=["city", "county", "street", "community"])
                                   .values_list("name", flat=True))
    index = None
    if rows:
        geoms = shapely.from_wkb([bytes(r[2]) for r in rows])
        units = [(r[0], g) for r, g in zip(rows, geoms, strict=True)
                 if g is not None and not g.is_empty and g.geom_type in ("Polygon", "MultiPolygon")]
        if units:
            index = GridIndex(units, validate=False)  # units were validated when saved
    now = time.monotonic()
    return _State(fingerprint=fingerprint, index=index, paths={r[0]: r[1] for r in rows}, prefixes=prefixes,
                  built_at=now, checked_at=now)


def current_state(fingerprint: tuple | None = None) -> _State:
    """The process's index, rebuilt first when the database's geometry fingerprint moved.

    `fingerprint`: one the caller has just read (saves the query)."""
    global _state
    state = _state
    if fingerprint is None:
        interval = float(getattr(settings, "NETWORK_INDEX_CHECK_SECONDS", 0))
        if state is not None and interval > 0 and time.monotonic() - state.checked_at < interval:
            return state
        fingerprint = _fingerprint()
    if state is not None and state.fingerprint == fingerprint:
        state.checked_at = time.monotonic()
        return state
    with _lock:
        if _state is not None and _state.fingerprint == fingerprint:
            return _state
        _state = _build(fingerprint)
        return _state


def reset_index() -> None:
    """Forget the process's index (tests that swap databases)."""
    global _state
    with _lock:
        _state = None


# ------------------------------------------------------------------------------------------------
# Input checks (clear messages for the API and the pages)


def check_crs(crs: str | None) -> str:
    try:
        return coords._check_crs(crs or "wgs84")
    except ValueError:
        raise ValidationFailed(
            _("Unknown coordinate system “%(crs)s”: use wgs84, gcj02 or bd09.") % {"crs": crs},
            code="unknown_crs", field="crs") from None


def check_lat_lng(lat, lng) -> tuple[float, float]:
    try:
        flat, flng = float(lat), float(lng)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Latitude and longitude must be numbers."), code="bad_coordinates") from None
    if not math.isfinite(flat) or not -90.0 <= flat <= 90.0:
        raise ValidationFailed(_("Latitude %(lat)s is out of range: it must lie between -90 and 90.")
                               % {"lat": lat}, code="lat_out_of_range", field="lat")
    if not math.isfinite(flng) or not -180.0 <= flng <= 180.0:
        raise ValidationFailed(_("Longitude %(lng)s is out of range: it must lie between -180 and 180.")
                               % {"lng": lng}, code="lng_out_of_range", field="lng")
    return flat, flng


def check_tolerance(tolerance_m) -> float:
    if tolerance_m is None:
        return default_tolerance_m()
    t = float(tolerance_m)
    if not math.isfinite(t) or t < 0 or t > 5000:
        raise ValidationFailed(_("The tolerance must be between 0 and 5,000 metres."), field="tolerance_m")
    return t


# ------------------------------------------------------------------------------------------------
# Points


def _chain_rows(grid_id: int, cached_path: str | None) -> tuple[list[Unit], tuple]:
    """Grid and ancestors (by the cached path) and the geometry fingerprint: one query, no ORM compiling
    (this is the hot path of GET /locate)."""
    codes = [c for c in (cached_path or "").split("/") if c]
    if not codes:
        return [], _fingerprint()
    qn = connection.ops.quote_name
    sql = (f"SELECT v.version, v.changed_at, u.id, u.kind, u.code, u.name, u.parent_id, u.path, u.depth "  # nosec B608  # identifiers from model metadata, values bound as parameters
           f"FROM (SELECT 1 AS one) AS x LEFT JOIN {qn(GeometryVersion._meta.db_table)} v ON v.id = 1 "
           f"LEFT JOIN {qn(Unit._meta.db_table)} u ON u.code IN ({', '.join(['%s'] * len(codes))})")
    with connection.cursor() as cursor:
        cursor.execute(sql, codes)
        rows = cursor.fetchall()
    fingerprint = _as_fingerprint(rows[0][0], rows[0][1]) if rows else (0, "")
    units = [Unit(id=r[2], kind=r[3], code=r[4], name=r[5], parent_id=r[6], path=r[7], depth=r[8])
             for r in rows if r[2] is not None]
    return units, fingerprint


CHAIN_FIELDS = ("id", "kind", "code", "name", "parent_id", "path", "depth")


def _chain_from(units: list, grid_id: int) -> list[Unit]:
    grid = next((u for u in units if u.pk == grid_id), None)
    if grid is None:  # the grid was moved (new code) since the index was built
        grid = Unit.objects.filter(pk=grid_id).only(*CHAIN_FIELDS).first()
        if grid is None:
            return []
    by_code = {u.code: u for u in units}
    wanted = grid.ancestor_codes
    if any(c not in by_code for c in wanted):  # a unit above was moved since the index was built
        by_code.update({u.code: u for u in Unit.objects.filter(code__in=wanted).only(*CHAIN_FIELDS)})
    return [by_code[c] for c in wanted if c in by_code]


def chain_for(grid_id: int, cached_path: str | None = None) -> list[Unit]:
    """City → grid for a grid id: one query when the cached path is still right, two otherwise."""
    return _chain_from(_chain_rows(grid_id, cached_path)[0], grid_id)


def locate_point(lat: float, lng: float, crs: str = "wgs84", tolerance_m: float | None = None) -> LocateResult:
    """Route one point given in `crs` to its grid (within `tolerance_m`, default 200 m), with the chain.

    Optimistic: the point is routed with the process's index, and the chain is read together with the
    geometry fingerprint (one query); only when that fingerprint differs from the index's is the index
    rebuilt and the point routed again. A point outside every grid reads the fingerprint alone first.
    """
    key = check_crs(crs)
    flat, flng = check_lat_lng(lat, lng)
    tol = check_tolerance(tolerance_m)
    wlat, wlng = coords.to_wgs84(flat, flng, key)
    state = _state if _state is not None else current_state()
    for _attempt in range(3):
        grid_id, distance = state.index.locate(wlat, wlng, tolerance_m=tol) if state.index else (None, math.inf)
        if grid_id is None:
            fresh = current_state()
            if fresh is not state:
                state = fresh
                continue
            return LocateResult(None, math.inf, [], wlat, wlng)
        rows, fingerprint = _chain_rows(int(grid_id), state.paths.get(int(grid_id)))
        if fingerprint != state.fingerprint:
            state = current_state(fingerprint)
            continue
        chain = _chain_from(rows, int(grid_id))
        if not chain:
            return LocateResult(None, math.inf, [], wlat, wlng)
        return LocateResult(chain[-1], float(distance), chain, wlat, wlng)
    raise RuntimeError("grid geometry kept changing while routing a point")


def locate_many(lats, lngs, crs: str = "wgs84", tolerance_m: float | None = None):
    """Route many points at once: (grid ids as int64 with -1 outside, distances in metres, inf outside)."""
    key = check_crs(crs)
    tol = check_tolerance(tolerance_m)
    lat = np.asarray(lats, dtype=np.float64).ravel()
    lng = np.asarray(lngs, dtype=np.float64).ravel()
    if lat.shape != lng.shape:
        raise ValidationFailed(_("There must be as many latitudes as longitudes."), code="bad_coordinates")
    bad_lat = ~(np.isfinite(lat) & (np.abs(lat) <= 90))
    if bad_lat.any():
        i = int(np.flatnonzero(bad_lat)[0])
        raise ValidationFailed(_("Latitude of point %(i)d is out of range: it must lie between -90 and 90.")
                               % {"i": i}, code="lat_out_of_range", field="lat")
    bad_lng = ~(np.isfinite(lng) & (np.abs(lng) <= 180))
    if bad_lng.any():
        i = int(np.flatnonzero(bad_lng)[0])
        raise ValidationFailed(_("Longitude of point %(i)d is out of range: it must lie between -180 and 180.")
                               % {"i": i}, code="lng_out_of_range", field="lng")
    if key != "wgs84":
        lat, lng = coords.to_wgs84_array(lat, lng, key)
    state = current_state()
    if state.index is None or lat.size == 0:
        return np.full(lat.size, -1, dtype=np.int64), np.full(lat.size, np.inf)
    ids, dist = state.index.locate_many(lat, lng, tolerance_m=tol)
    return np.asarray(ids, dtype=np.int64), np.asarray(dist, dtype=np.float64)


# ------------------------------------------------------------------------------------------------
# Addresses


def normalized_prefixes(names) -> tuple[str, ...]:
    """Administrative names normalized once, longest first (address_key would redo this per call)."""
    return tuple(sorted({normalize_address(n) for n in names if n} - {""}, key=len, reverse=True))


def lookup_key(text: str, norm_prefixes: tuple[str, ...]) -> str:
    """`address_key(text, prefixes)` with the prefixes already normalized. Raises ValueError when empty."""
    key = address_key(text)
    changed = True
    while changed:
        changed = False
        for p in norm_prefixes:
            if key.startswith(p) and len(key) > len(p):
                key = key[len(p):]
                changed = True
                break
    return key


def normalize_query(address: str, norm_prefixes=()) -> str:
    if address is None or not str(address).strip():
        raise ValidationFailed(_("The address is empty."), code="empty_address", field="address")
    try:
        return lookup_key(str(address), tuple(norm_prefixes))
    except ValueError:
        raise ValidationFailed(_("The address is empty."), code="empty_address", field="address") from None


def address_lookup(address: str) -> AddressResult:
    """Find the building (and grid) of an address through the gazetteer, tolerantly.

    Both sides are reduced with `address_key` (full/half-width digits, 号/栋/幢/座 and 单元/室 variants,
    Chinese numerals, administrative prefixes). The longest gazetteer key that the query starts with
    wins, so a room address (…1号楼2单元301室) finds its building (…1号楼). One query.
    """
    state = _state if _state is not None else current_state()  # only its address prefixes are used here
    key = normalize_query(address, state.prefixes)
    candidates = {key[:i] for i in range(len(key), min(3, len(key)) - 1, -1)}
    entries = sorted(GazetteerEntry.objects.filter(key__in=candidates).select_related("building", "grid"),
                     key=lambda e: (-len(e.key), e.pk))
    if not entries:
        return AddressResult(None, None, [], key, "", False)
    best = entries[0]
    candidates = list({e.building_id: e.building for e in entries if e.key == best.key}.values())
    chain = chain_for(best.grid_id, best.grid.path)
    return AddressResult(best.building, best.grid, chain, key, best.address, best.key == key, candidates)


def grid_codes(ids) -> dict[int, str]:
    """Codes of the grids in a locate_many answer: one query."""
    wanted = {int(i) for i in np.unique(np.asarray(ids)) if int(i) >= 0}
    if not wanted:
        return {}
    return dict(Unit.objects.filter(pk__in=wanted).values_list("id", "code"))
