"""Benchmark: batch routing of 1,000,000 points into the 1,910 demo grids (issue 3).

    python bench/routing.py [--points N] [--keep]

Builds the demo city's units (the orgs demo step: 1,910 grids) in a PostgreSQL database of its own
(`jiceng_bench_routing` on the server of `DATABASE_URL` or the local one, created and dropped
here), then routes N points through
`jiceng.network.routing.locate_many` (the web layer's path: geometry fingerprint check, the
process's GridIndex, 200 m tolerance), best of 3. 90 % of the points lie in the bounding box of a
random grid (inside or near a grid), 10 % anywhere in the bounding box of all grids. The baseline is a plain per-point shapely loop
(`naive_locate_loop`) on a 10,000-point sample in the same run; both must agree on that sample.
Prints one JSON object as its last line: name, points_per_second, ratio_to_loop, …
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
NAME = "routing"

from _common import bench_main, build_units  # noqa: E402


def main(argv=None):
    return bench_main(NAME, _measure, options=[("--points", {"type": int, "default": 1_000_000}),
                                                 ("--loop-points", {"type": int, "default": 10_000})], argv=argv)


def _measure(args, url):
    t0 = time.perf_counter()
    build_units()
    t_demo = time.perf_counter() - t0

    import numpy as np
    import shapely

    from jiceng.core.geo.grid_index import naive_locate_loop
    from jiceng.network import routing
    from jiceng.orgs.models import Unit

    t0 = time.perf_counter()
    state = routing.current_state()
    t_index = time.perf_counter() - t0
    grids = list(Unit.objects.filter(kind="grid").order_by("id").values_list("id", "geom"))
    polys = shapely.from_wkb([bytes(g[1]) for g in grids])
    minx, miny, maxx, maxy = shapely.total_bounds(polys)
    # Realistic load: 90 % of the points fall in the bounding box of a random grid (so inside a grid or
    # near one, many on boundary cells), 10 % anywhere in the bounding box of all grids.
    rng = np.random.default_rng(2024)
    bounds = shapely.bounds(polys)
    near = int(args.points * 0.9)
    pick = rng.integers(0, len(polys), near)
    b = bounds[pick]
    lngs = np.concatenate([rng.uniform(b[:, 0], b[:, 2]), rng.uniform(minx, maxx, args.points - near)])
    lats = np.concatenate([rng.uniform(b[:, 1], b[:, 3]), rng.uniform(miny, maxy, args.points - near)])
    order = rng.permutation(args.points)
    lats, lngs = lats[order], lngs[order]

    routing.locate_many(lats[:1000], lngs[:1000])
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        ids, dist = routing.locate_many(lats, lngs)
        best = min(best, time.perf_counter() - t0)
    pps = args.points / best

    k = min(args.loop_points, args.points)
    t0 = time.perf_counter()
    naive = naive_locate_loop(list(polys), lats[:k], lngs[:k])
    loop_pps = k / (time.perf_counter() - t0)
    exact_ids, _d = routing.locate_many(lats[:k], lngs[:k], tolerance_m=0)
    grid_ids = np.array([g[0] for g in grids])
    naive_ids = np.where(naive >= 0, grid_ids[np.maximum(naive, 0)], -1)
    del state
    return {
        "name": NAME,
        "points": args.points,
        "grids": len(grids),
        "points_per_second": round(pps),
        "seconds": round(best, 3),
        "loop_points": k,
        "loop_points_per_second": round(loop_pps),
        "ratio_to_loop": round(pps / loop_pps, 1),
        "loop_agrees": bool(np.array_equal(exact_ids, naive_ids)),
        "share_inside": round(float((dist == 0).mean()), 3),
        "share_outside": round(float((ids < 0).mean()), 3),
        "index_build_s": round(t_index, 2),
        "demo_units_s": round(t_demo, 1),
        "target_points_per_second": 400_000,
        "ok": pps >= 400_000,
        "cpu_count": os.cpu_count(),
        "database": "postgresql" if url.startswith("postgres") else url.split(":", 1)[0],
    }


if __name__ == "__main__":
    main()
