"""Deterministic, realistic polygon tilings for the demo city.

``split_polygon(poly, n, seed)`` cuts a polygon into ``n`` compact pieces: seeded random points inside
the polygon are relaxed a few times (Lloyd's algorithm) so that the pieces have similar sizes, the
Voronoi diagram of the points is clipped to the polygon, and any fragment of a clipped cell that is cut
off from its seed (possible when the parent is not convex) is merged into the neighbour that shares
the longest border with it. The result is exactly ``n`` Polygons whose union is the parent and which
do not overlap. Used recursively: city -> county -> street -> community -> grid -> compound.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon

from jiceng.core.geo.distance import offset_deg

__all__ = ["allocate_counts", "demo_city_outline", "split_polygon", "split_many"]

_LLOYD_ITERATIONS = 3


def _random_points_in(poly: Polygon, n: int, rng: np.random.Generator) -> np.ndarray:
    minx, miny, maxx, maxy = poly.bounds
    target = shapely.from_wkb(shapely.to_wkb(poly))  # private copy, so preparing it touches no input
    shapely.prepare(target)
    out: list[np.ndarray] = []
    have = 0
    frac = max(poly.area / max((maxx - minx) * (maxy - miny), 1e-300), 1e-3)
    while have < n:
        m = int((n - have) / frac * 1.3) + 16
        xs = rng.uniform(minx, maxx, m)
        ys = rng.uniform(miny, maxy, m)
        inside = shapely.contains_xy(target, xs, ys)
        pts = np.column_stack([xs[inside], ys[inside]])
        out.append(pts)
        have += len(pts)
    return np.concatenate(out)[:n]


def _voronoi_cells(poly: Polygon, pts: np.ndarray) -> list:
    """Voronoi cells of ``pts`` (in input order) clipped to ``poly``."""
    mp = shapely.multipoints(pts)
    vor = shapely.voronoi_polygons(mp, extend_to=poly, ordered=True)
    cells = list(shapely.get_parts(vor))
    if len(cells) != len(pts):  # duplicate seed points collapse; should not happen with floats
        raise RuntimeError("voronoi_polygons returned an unexpected number of cells")
    return list(shapely.intersection(np.array(cells, dtype=object), poly))


def _seed_piece(cell, seed_xy) -> tuple[Polygon, list[Polygon]]:
    """Split a clipped cell into the part containing its seed and the cut-off fragments."""
    parts = [p for p in shapely.get_parts(cell) if isinstance(p, Polygon) and not p.is_empty]
    if not parts:
        return Polygon(), []
    if len(parts) == 1:
        return parts[0], []
    pt = shapely.Point(seed_xy)
    dists = [p.distance(pt) for p in parts]
    k = int(np.argmin(dists))
    return parts[k], [p for i, p in enumerate(parts) if i != k]


def split_polygon(poly: Polygon | MultiPolygon, n: int, seed: int) -> list[Polygon]:
    """Split ``poly`` into ``n`` compact, non-overlapping, gap-free Polygons (deterministic in seed).

    The pieces are returned in reading order (north to south in bands, then west to east).
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if isinstance(poly, MultiPolygon):
        if len(poly.geoms) == 1:
            poly = poly.geoms[0]
        else:
            raise ValueError("split_polygon needs a single Polygon, got a MultiPolygon with several parts")
    if not isinstance(poly, Polygon) or poly.is_empty or not poly.is_valid:
        raise ValueError("split_polygon needs a valid, non-empty Polygon")
    if n == 1:
        return [poly]
    rng = np.random.default_rng(seed)
    pts = _random_points_in(poly, n, rng)
    for _ in range(_LLOYD_ITERATIONS):
        cells = _voronoi_cells(poly, pts)
        new_pts = pts.copy()
        for i, cell in enumerate(cells):
            piece, _frags = _seed_piece(cell, pts[i])
            if piece.is_empty:
                continue
            c = piece.centroid
            if not piece.contains(c):
                c = piece.representative_point()
            new_pts[i] = (c.x, c.y)
        pts = new_pts
    cells = _voronoi_cells(poly, pts)
    pieces: list = []
    fragments: list = []
    for i, cell in enumerate(cells):
        piece, frags = _seed_piece(cell, pts[i])
        pieces.append(piece)
        fragments.extend(frags)
    if fragments:
        pieces = _merge_fragments(pieces, fragments)
    pieces = [_as_polygon(p) for p in pieces]
    return _reading_order(pieces, poly.area, n)


def _merge_fragments(pieces: list, fragments: list) -> list:
    """Merge each fragment into the piece sharing the longest border with it.

    A fragment may border only other fragments; such fragments wait for a later round, after their
    neighbours have been merged into pieces.
    """
    out = list(pieces)
    pending = list(fragments)
    while pending:
        tree = shapely.STRtree(out)
        additions: dict[int, list] = {}
        waiting = []
        for frag in pending:
            best, best_len = None, 0.0
            for j in tree.query(frag, predicate="intersects"):
                shared = shapely.length(
                    shapely.intersection(shapely.boundary(frag), shapely.boundary(out[j]))
                )
                if shared > best_len:
                    best, best_len = int(j), shared
            if best is None:
                waiting.append(frag)
            else:
                additions.setdefault(best, []).append(frag)
        if not additions:  # nothing borders the pieces: the parent is not connected
            raise RuntimeError("fragments not connected to any piece")
        for j, frags in additions.items():
            out[j] = shapely.union_all([out[j], *frags])
        pending = waiting
    return out


def _as_polygon(geom) -> Polygon:
    """Return a Polygon; drop numerically negligible extra parts that a union may leave."""
    if isinstance(geom, Polygon):
        return geom
    parts = sorted(
        (p for p in shapely.get_parts(geom) if isinstance(p, Polygon)), key=lambda p: p.area, reverse=True
    )
    if not parts:
        raise RuntimeError("tiling produced an empty piece")
    lost = sum(p.area for p in parts[1:])
    if lost > 1e-12 * parts[0].area:
        raise RuntimeError("tiling produced a piece in several parts")
    return parts[0]


def _reading_order(pieces: list[Polygon], total_area: float, n: int) -> list[Polygon]:
    band = math.sqrt(total_area / n)
    keys = []
    for i, p in enumerate(pieces):
        c = p.representative_point()
        cx, cy = c.x, c.y
        keys.append((-math.floor(cy / band), cx, i))
    keys.sort()
    return [pieces[k[2]] for k in keys]


def allocate_counts(total: int, weights: Sequence[float]) -> list[int]:
    """Split an integer ``total`` across parts in proportion to ``weights`` (largest remainder).

    Every part with a positive weight gets at least one when ``total`` allows it.
    """
    w = np.asarray(weights, dtype=float)
    if len(w) == 0:
        return []
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError("weights must be non-negative with a positive sum")
    raw = w / w.sum() * total
    counts = np.floor(raw).astype(int)
    if total >= int((w > 0).sum()):
        counts[(w > 0) & (counts == 0)] = 1
    diff = total - int(counts.sum())
    order = np.argsort(-(raw - np.floor(raw)), kind="stable")
    i = 0
    while diff != 0:
        j = order[i % len(order)]
        if diff > 0:
            counts[j] += 1
            diff -= 1
        elif counts[j] > 1:
            counts[j] -= 1
            diff += 1
        i += 1
    return [int(c) for c in counts]


def split_many(polys: Sequence[Polygon], counts: Sequence[int], seed: int) -> list[list[Polygon]]:
    """Split each polygon into its count, with a seed derived deterministically per parent."""
    if len(polys) != len(counts):
        raise ValueError("polys and counts must have the same length")
    return [
        split_polygon(p, int(k), seed * 1_000_003 + i)
        for i, (p, k) in enumerate(zip(polys, counts, strict=True))
    ]


def demo_city_outline(
    center_lat: float = 36.088, center_lng: float = 111.519, radius_km: float = 22.0, seed: int = 17
) -> Polygon:
    """An irregular, star-shaped outline of a city around (center_lat, center_lng) in WGS-84 lng/lat.

    The default centre is Linfen's; the shape is smooth random noise on a circle, deterministic in seed.
    """
    rng = np.random.default_rng(seed)
    k = 96
    ang = np.linspace(0.0, 2 * math.pi, k, endpoint=False)
    r = np.ones(k)
    for freq in range(2, 7):
        r += rng.uniform(-0.09, 0.09) * np.cos(freq * ang + rng.uniform(0, 2 * math.pi))
    r *= radius_km * 1000.0
    dlat, dlng = offset_deg(center_lat, r * np.sin(ang), r * np.cos(ang))
    poly = Polygon(np.column_stack([center_lng + dlng, center_lat + dlat]))
    return shapely.make_valid(poly) if not poly.is_valid else poly
