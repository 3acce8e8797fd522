"""Fast, exact routing of WGS-84 points to the unit (grid) polygon that contains them.

``GridIndex`` answers "which grid is this point in?" for one point or for a million at once:

1. A raster pre-pass. The bounding box of all polygons is cut into up to a few million cells of roughly
   equal size in metres. Every cell that any polygon boundary touches is marked (conservatively: the
   boundaries are densified to steps shorter than a cell, and every cell in the bounding box of each
   step is marked). The remaining cells fall into 4-connected components that no boundary crosses, so
   every point of a component lies in the same polygons: one exact point-in-polygon test per component
   labels all of its cells. A point in such a cell is answered by an array lookup.
2. Points in boundary cells take the exact path: shapely 2 ``STRtree.query(points, "intersects")`` in
   bulk. A point in several polygons (on a shared edge, or where polygons overlap) goes to the polygon
   with the lowest index, deterministically.
3. Points inside no polygon go to the nearest polygon within ``tolerance_m``. Candidates come from
   ``STRtree.query(points, "dwithin", distance)``, the distance in degrees being converted from metres
   conservatively (so no polygon within the tolerance is missed); exact metres are then computed in a
   local equirectangular projection centred on each point. Whole outside cells whose lower-bound
   distance to every polygon (from a Euclidean distance transform of the raster) exceeds the tolerance
   are answered "outside" without any geometry.

No Django imports: the web layer builds one index per geometry version and keeps it per process.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import shapely
from scipy import ndimage
from shapely.geometry import MultiPolygon, Polygon

__all__ = ["EARTH_RADIUS_M", "GridIndex", "naive_locate_loop"]

from jiceng.core.geo.distance import EARTH_RADIUS_M, M_PER_DEG

_EPS_CELL = 1e-9  # slack (in cell units) when marking boundary cells
_OUTSIDE = -1
_BOUNDARY = -2
_THREAD_MIN = 50_000  # exact-path batches at least this large are split across threads


def _cos_deg(lat_abs_max: float) -> float:
    return math.cos(math.radians(min(lat_abs_max, 89.999)))


class GridIndex:
    """Point -> unit lookup over a fixed list of (unit_id, Polygon | MultiPolygon) in WGS-84 lng/lat."""

    def __init__(
        self,
        units: Iterable[tuple[object, Polygon | MultiPolygon]],
        *,
        max_cells: int | None = None,
        threads: int = 2,
        validate: bool = True,
    ):
        """``max_cells`` caps the raster (default: 2,048 cells per polygon, between 65,536 and 4,194,304);
        ``threads`` splits large exact-path batches; ``validate`` rejects invalid polygons (ValueError)."""
        unit_list = list(units)
        if not unit_list:
            raise ValueError("GridIndex needs at least one unit polygon")
        ids, geoms = [], []
        for uid, geom in unit_list:
            if not isinstance(geom, Polygon | MultiPolygon) or geom.is_empty:
                raise ValueError(f"unit {uid!r}: geometry must be a non-empty Polygon or MultiPolygon")
            if validate and not geom.is_valid:
                reason = shapely.is_valid_reason(geom)
                raise ValueError(
                    f"unit {uid!r}: invalid geometry ({reason}); repair it with shapely.make_valid"
                )
            ids.append(uid)
            geoms.append(geom)
        self.unit_ids: list = ids
        self._geoms = np.empty(len(geoms), dtype=object)
        self._geoms[:] = geoms
        self.threads = max(1, int(threads))
        self._int_ids = all(isinstance(u, int | np.integer) and not isinstance(u, bool) for u in ids)
        self._id_array = np.asarray(ids, dtype=np.int64) if self._int_ids else np.asarray(ids, dtype=object)
        self._tree = shapely.STRtree(self._geoms)
        self._build_raster(max_cells)

    def __len__(self) -> int:
        return len(self.unit_ids)

    # ----------------------------------------------------------------------------------------------
    # Raster construction

    def _build_raster(self, max_cells: int | None) -> None:
        minx, miny, maxx, maxy = (float(v) for v in shapely.total_bounds(self._geoms))
        pad = 1e-9 * max(1.0, abs(minx), abs(miny))
        minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
        n = len(self._geoms)
        cells = max_cells if max_cells else int(min(max(2048 * n, 1 << 16), 1 << 22))
        mid_lat = (miny + maxy) / 2.0
        w_m = (maxx - minx) * M_PER_DEG * _cos_deg(abs(mid_lat))
        h_m = (maxy - miny) * M_PER_DEG
        cell_m = math.sqrt(w_m * h_m / cells)
        nx = max(1, math.ceil(w_m / cell_m))
        ny = max(1, math.ceil(h_m / cell_m))
        dx = (maxx - minx) / nx
        dy = (maxy - miny) / ny
        self._minx, self._miny, self._maxx, self._maxy = minx, miny, maxx, maxy
        self._nx, self._ny = nx, ny
        self._inv_dx, self._inv_dy = 1.0 / dx, 1.0 / dy
        self._lat_abs_max = max(abs(miny), abs(maxy))
        lat_abs_min = 0.0 if miny <= 0.0 <= maxy else min(abs(miny), abs(maxy))

        # 1. mark every cell touched by a polygon boundary
        boundary = np.zeros((ny, nx), dtype=bool)
        lines = shapely.get_parts(shapely.boundary(self._geoms))
        dense = shapely.segmentize(lines, 0.99 * min(dx, dy))
        coords, line_idx = shapely.get_coordinates(dense, return_index=True)
        if len(coords) > 1:
            same = line_idx[1:] == line_idx[:-1]
            fx = (coords[:, 0] - minx) * self._inv_dx
            fy = (coords[:, 1] - miny) * self._inv_dy
            x0, x1 = fx[:-1][same], fx[1:][same]
            y0, y1 = fy[:-1][same], fy[1:][same]
            i_lo = np.clip(np.floor(np.minimum(x0, x1) - _EPS_CELL), 0, nx - 1).astype(np.int64)
            i_hi = np.clip(np.floor(np.maximum(x0, x1) + _EPS_CELL), 0, nx - 1).astype(np.int64)
            j_lo = np.clip(np.floor(np.minimum(y0, y1) - _EPS_CELL), 0, ny - 1).astype(np.int64)
            j_hi = np.clip(np.floor(np.maximum(y0, y1) + _EPS_CELL), 0, ny - 1).astype(np.int64)
            span = max(int((i_hi - i_lo).max(initial=0)), int((j_hi - j_lo).max(initial=0)))
            for di in range(span + 1):
                ii = np.minimum(i_lo + di, i_hi)
                for dj in range(span + 1):
                    jj = np.minimum(j_lo + dj, j_hi)
                    boundary[jj, ii] = True

        # 2. label boundary-free components with one exact test each
        comp, ncomp = ndimage.label(~boundary)
        flat = comp.ravel()
        _, first = np.unique(flat, return_index=True)
        reps = first[flat[first] > 0]  # one cell per component, in component order 1..ncomp
        rep_x = minx + (reps % nx + 0.5) * dx
        rep_y = miny + (reps // nx + 0.5) * dy
        comp_poly = np.full(ncomp + 1, _BOUNDARY, dtype=np.int32)
        comp_poly[flat[reps]] = self._exact_inside(rep_x, rep_y)
        self._cell_label = comp_poly[flat]  # -2 boundary, -1 outside, else polygon position

        # 3. lower bound (metres) of the distance from any point of an outside cell to any polygon
        outside = self._cell_label.reshape(ny, nx) == _OUTSIDE
        dx_m_min = dx * M_PER_DEG * _cos_deg(self._lat_abs_max)
        dx_m_max = dx * M_PER_DEG * math.cos(math.radians(lat_abs_min))
        dy_m = dy * M_PER_DEG
        if outside.any() and not outside.all():
            edt = ndimage.distance_transform_edt(outside, sampling=(dy_m, dx_m_min))
            lb = edt - math.hypot(dx_m_max, dy_m)
        else:
            lb = np.full((ny, nx), np.inf if outside.all() else 0.0)
        self._outside_lb_m = np.where(outside, lb, 0.0).astype(np.float32).ravel()
        self.raster_shape = (ny, nx)
        self.boundary_cell_share = float(boundary.mean())

    # ----------------------------------------------------------------------------------------------
    # Exact primitives

    def _exact_inside(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Position of the lowest-index polygon intersecting each point, -1 if none (exact)."""
        out = np.full(len(xs), _OUTSIDE, dtype=np.int32)
        if len(xs) == 0:
            return out
        pts = shapely.points(xs, ys)
        p_idx, g_idx = self._tree.query(pts, predicate="intersects")
        if len(p_idx):
            order = np.lexsort((g_idx, p_idx))
            p_sorted, g_sorted = p_idx[order], g_idx[order]
            first = np.ones(len(p_sorted), dtype=bool)
            first[1:] = p_sorted[1:] != p_sorted[:-1]
            out[p_sorted[first]] = g_sorted[first]
        return out

    def _exact_nearest(self, xs: np.ndarray, ys: np.ndarray, tolerance_m: float):
        """Nearest polygon within tolerance_m (metres, local equirectangular), else -1 / inf."""
        pos = np.full(len(xs), _OUTSIDE, dtype=np.int32)
        dist = np.full(len(xs), np.inf)
        if len(xs) == 0 or tolerance_m <= 0:
            return pos, dist
        lat_abs = float(np.max(np.abs(ys))) + tolerance_m / M_PER_DEG
        deg = tolerance_m / (M_PER_DEG * _cos_deg(lat_abs)) * (1.0 + 1e-9)
        pts = shapely.points(xs, ys)
        p_idx, g_idx = self._tree.query(pts, predicate="dwithin", distance=deg)
        if len(p_idx) == 0:
            return pos, dist
        cand = self._geoms[g_idx]
        _, cidx = shapely.get_coordinates(cand, return_index=True)
        lat0 = ys[p_idx][cidx]
        lng0 = xs[p_idx][cidx]
        kx = np.cos(np.radians(lat0)) * M_PER_DEG

        def to_local(c: np.ndarray) -> np.ndarray:
            return np.column_stack([(c[:, 0] - lng0) * kx, (c[:, 1] - lat0) * M_PER_DEG])

        local = shapely.transform(cand, to_local)
        d = shapely.distance(local, shapely.points(0.0, 0.0))
        keep = d <= tolerance_m
        p_idx, g_idx, d = p_idx[keep], g_idx[keep], d[keep]
        if len(p_idx):
            order = np.lexsort((g_idx, d, p_idx))
            p_sorted = p_idx[order]
            first = np.ones(len(p_sorted), dtype=bool)
            first[1:] = p_sorted[1:] != p_sorted[:-1]
            pos[p_sorted[first]] = g_idx[order][first]
            dist[p_sorted[first]] = d[order][first]
        return pos, dist

    def _exact(self, xs, ys, known_outside, tolerance_m):
        pos = np.full(len(xs), _OUTSIDE, dtype=np.int32)
        dist = np.full(len(xs), np.inf)
        test = ~known_outside
        if test.any():
            pos[test] = self._exact_inside(xs[test], ys[test])
        hit = pos >= 0
        dist[hit] = 0.0
        miss = ~hit
        if miss.any() and tolerance_m > 0:
            pos[miss], dist[miss] = self._exact_nearest(xs[miss], ys[miss], tolerance_m)
        return pos, dist

    def _exact_parallel(self, xs, ys, known_outside, tolerance_m):
        n = len(xs)
        if self.threads < 2 or n < _THREAD_MIN:
            return self._exact(xs, ys, known_outside, tolerance_m)
        bounds = np.linspace(0, n, self.threads + 1).astype(int)
        chunks = [slice(bounds[k], bounds[k + 1]) for k in range(self.threads)]
        with ThreadPoolExecutor(self.threads) as ex:  # shapely releases the GIL in its vectorized calls
            parts = list(ex.map(lambda s: self._exact(xs[s], ys[s], known_outside[s], tolerance_m), chunks))
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    # ----------------------------------------------------------------------------------------------
    # Public API

    def locate_positions(self, lats, lngs, tolerance_m: float = 200.0) -> tuple[np.ndarray, np.ndarray]:
        """Like locate_many, but returns positions in the input list (-1 = outside) instead of ids."""
        tolerance_m = _check_tolerance(tolerance_m)
        lat = np.ascontiguousarray(lats, dtype=np.float64).ravel()
        lng = np.ascontiguousarray(lngs, dtype=np.float64).ravel()
        if lat.shape != lng.shape:
            raise ValueError(f"lats and lngs differ in length: {lat.size} != {lng.size}")
        _check_ranges(lat, lng)
        n = lat.size
        fx = (lng - self._minx) * self._inv_dx
        fy = (lat - self._miny) * self._inv_dy
        in_ext = (fx >= 0.0) & (fx < self._nx) & (fy >= 0.0) & (fy < self._ny)
        ix = np.clip(fx, 0, self._nx - 1).astype(np.int32)
        iy = np.clip(fy, 0, self._ny - 1).astype(np.int32)
        cell = iy.astype(np.int64) * self._nx + ix
        label = np.where(in_ext, self._cell_label[cell], _OUTSIDE).astype(np.int32)
        dist = np.where(label >= 0, 0.0, np.inf)

        # points that need geometry: boundary cells, and outside points that may be within tolerance
        need_exact = label == _BOUNDARY
        outside = label == _OUTSIDE
        if outside.any() and tolerance_m > 0:
            lb = np.where(in_ext, self._outside_lb_m[cell], 0.0)
            ext = ~in_ext & outside
            if ext.any():
                lb[ext] = self._bbox_lower_bound_m(lat[ext], lng[ext])
            near = outside & (lb <= tolerance_m)
            need_exact |= near
        if need_exact.any():
            sel = np.flatnonzero(need_exact)
            known_outside = outside[sel]
            label[sel], dist[sel] = self._exact_parallel(lng[sel], lat[sel], known_outside, tolerance_m)
        label[label < 0] = _OUTSIDE
        if label.shape != (n,):
            raise RuntimeError(f"grid index labelled {label.shape} points, not {n}")
        return label, dist

    def locate_many(self, lats, lngs, tolerance_m: float = 200.0) -> tuple[np.ndarray, np.ndarray]:
        """Route many points at once.

        Returns (ids, distance_m): ids holds the unit id of each point (-1 when the point is outside the
        jurisdiction, i.e. not within ``tolerance_m`` of any unit; for non-integer unit ids the array has
        dtype object and None marks outside); distance_m is 0 inside a unit, the distance in metres to
        the chosen unit when within the tolerance, and inf when outside.
        """
        pos, dist = self.locate_positions(lats, lngs, tolerance_m)
        if self._int_ids:
            ids = np.where(pos >= 0, self._id_array[np.maximum(pos, 0)], -1)
        else:
            ids = np.empty(pos.size, dtype=object)
            ok = pos >= 0
            ids[ok] = self._id_array[pos[ok]]
        return ids, dist

    def locate(self, lat: float, lng: float, tolerance_m: float = 200.0) -> tuple[object | None, float]:
        """Route one point: (unit_id, distance_m), or (None, inf) outside the jurisdiction."""
        pos, dist = self.locate_positions(
            np.array([lat], dtype=np.float64), np.array([lng], dtype=np.float64), tolerance_m
        )
        p = int(pos[0])
        return (self.unit_ids[p] if p >= 0 else None), float(dist[0])

    def _bbox_lower_bound_m(self, lat: np.ndarray, lng: np.ndarray) -> np.ndarray:
        dlat = np.maximum(np.maximum(self._miny - lat, lat - self._maxy), 0.0)
        dlng = np.maximum(np.maximum(self._minx - lng, lng - self._maxx), 0.0)
        lat_abs = np.maximum(np.abs(lat), self._lat_abs_max)
        kx = np.cos(np.radians(np.minimum(lat_abs, 89.999))) * M_PER_DEG
        return np.hypot(dlat * M_PER_DEG, dlng * kx)


def _check_tolerance(tolerance_m) -> float:
    t = float(tolerance_m)
    if not math.isfinite(t) or t < 0:
        raise ValueError(f"tolerance_m must be a finite number >= 0, got {tolerance_m!r}")
    return t


def _check_ranges(lat: np.ndarray, lng: np.ndarray) -> None:
    if not (np.isfinite(lat).all() and np.isfinite(lng).all()):
        raise ValueError("latitude and longitude must be finite numbers")
    if lat.size and (lat.min() < -90.0 or lat.max() > 90.0):
        raise ValueError("latitude out of range: it must be between -90 and 90 degrees")
    if lng.size and (lng.min() < -180.0 or lng.max() > 180.0):
        raise ValueError("longitude out of range: it must be between -180 and 180 degrees")


def naive_locate_loop(polys: Sequence[Polygon | MultiPolygon], lats, lngs) -> np.ndarray:
    """Baseline for benchmarks: one point at a time, one shapely call per point.

    Uses an STRtree for candidates (a loop over all polygons per point would be far slower still) and
    returns the position of the lowest-index polygon containing each point, -1 if none. No tolerance.
    """
    tree = shapely.STRtree(list(polys))
    out = np.full(len(lats), -1, dtype=np.int64)
    for k, (lat, lng) in enumerate(zip(lats, lngs, strict=True)):
        hits = tree.query(shapely.Point(float(lng), float(lat)), predicate="intersects")
        if len(hits):
            out[k] = int(hits.min())
    return out
