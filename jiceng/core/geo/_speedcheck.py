"""Timing check for GridIndex: ``python -m jiceng.core.geo._speedcheck [--points N] [--json]``.

Builds a synthetic 1,910-grid tiling (city -> 209 communities -> 1,910 grids with tiling.py), routes
N (default 1,000,000) uniformly random points drawn over the city's bounding box (so about a quarter
fall outside, some of them within the 200 m tolerance), and compares with the plain per-point shapely
loop (``naive_locate_loop``) on a 10,000-point sample. Also checks that both agree on that sample.
The benchmark proper is bench/routing.py (`make bench B=routing`), not part of this package.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from .grid_index import GridIndex, naive_locate_loop
from .tiling import allocate_counts, demo_city_outline, split_many, split_polygon


def build_grids(seed: int = 1) -> list:
    city = demo_city_outline()
    communities = split_polygon(city, 209, seed)
    counts = allocate_counts(1910, [p.area for p in communities])
    return [g for gs in split_many(communities, counts, seed + 1) for g in gs], city


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--loop-points", type=int, default=10_000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3, help="best of N timed runs")
    ap.add_argument("--json", action="store_true", help="print one JSON object only")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    grids, city = build_grids()
    t_tiling = time.perf_counter() - t0
    t0 = time.perf_counter()
    index = GridIndex([(i + 1, g) for i, g in enumerate(grids)], threads=args.threads)
    t_build = time.perf_counter() - t0

    rng = np.random.default_rng(2024)
    minx, miny, maxx, maxy = city.bounds
    lats = rng.uniform(miny, maxy, args.points)
    lngs = rng.uniform(minx, maxx, args.points)

    index.locate_many(lats[:1000], lngs[:1000])  # warm-up
    best = float("inf")
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        ids, dist = index.locate_many(lats, lngs, tolerance_m=200)
        best = min(best, time.perf_counter() - t0)
    pps = args.points / best

    # the exact path alone (bulk STRtree query, no raster pre-pass), on a 200,000-point sample
    m = min(200_000, args.points)
    t0 = time.perf_counter()
    index._exact_parallel(lngs[:m], lats[:m], np.zeros(m, dtype=bool), 200.0)
    strtree_pps = m / (time.perf_counter() - t0)

    k = min(args.loop_points, args.points)
    t0 = time.perf_counter()
    naive = naive_locate_loop(grids, lats[:k], lngs[:k])
    t_loop = time.perf_counter() - t0
    loop_pps = k / t_loop
    pos0, _ = index.locate_positions(lats[:k], lngs[:k], tolerance_m=0)
    agree = bool(np.array_equal(pos0, naive))

    result = {
        "polygons": len(grids),
        "points": args.points,
        "threads": args.threads,
        "cpu_count": os.cpu_count(),
        "tiling_s": round(t_tiling, 3),
        "index_build_s": round(t_build, 3),
        "raster_shape": list(index.raster_shape),
        "boundary_cell_share": round(index.boundary_cell_share, 4),
        "locate_many_s": round(best, 4),
        "points_per_second": round(pps),
        "strtree_bulk_points_per_second": round(strtree_pps),
        "loop_points": k,
        "loop_points_per_second": round(loop_pps),
        "ratio_to_loop": round(pps / loop_pps, 1),
        "loop_agrees": agree,
        "share_inside": round(float((dist == 0).mean()), 4),
        "share_within_tolerance": round(float(((dist > 0) & np.isfinite(dist)).mean()), 4),
        "share_outside": round(float(np.isinf(dist).mean()), 4),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>24}: {value}")
    return result


if __name__ == "__main__":
    main()
