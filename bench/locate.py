"""Benchmark: server time of `GET /api/v1/locate` on the demo city (issue 3).

    python bench/locate.py [--requests N] [--keep]

Builds the demo city's units and the network step (grid staff) in a PostgreSQL database of its own
(`jiceng_bench_locate` on the server of `DATABASE_URL` or the local one, created and dropped
here; see `_common.bench_url`), logs in a grid worker, and times N requests through Django's full request cycle (middleware,
session authentication, django-ninja, the geometry fingerprint query, the grid and chain query, the
on-duty staff query, JSON) in process, so the figure is server time without the network. The points
are representative points of random grids, a third each in WGS-84, GCJ-02 and BD-09. Prints one JSON
object as its last line: name, p50_ms (wall), p95_ms, p50_cpu_ms, load_average_1m, …
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import bench_main, build_units  # noqa: E402

NAME = "locate"


def main(argv=None):
    return bench_main(NAME, _measure, options=[("--requests", {"type": int, "default": 3000})], argv=argv)


def _measure(args, url):
    build_units(("orgs", "network"))
    import random

    import shapely
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jiceng.accounts.services import grant_create, user_create
    from jiceng.core.geo import coords
    from jiceng.orgs.models import Unit

    settings.ALLOWED_HOSTS = ["*"]
    grids = list(Unit.objects.filter(kind="grid").values_list("code", "geom"))
    rng = random.Random(7)  # nosec B311  # seeded generator for synthetic data, not a secret
    city = Unit.objects.get(kind="city")
    user = user_create(actor=None, username="bench-locate", password="bench-locate-pass")  # nosec B106  # password of a throw-away benchmark user in its own database
    grant_create(actor=None, user=user, role="city_admin", unit=city)
    client = Client()
    client.force_login(user)
    crs_list = ["wgs84", "gcj02", "bd09"]
    urls, expected = [], []
    for i in range(args.requests):
        code, geom = rng.choice(grids)
        p = shapely.from_wkb(bytes(geom)).representative_point()
        crs = crs_list[i % 3]
        lat, lng = coords.from_wgs84(p.y, p.x, crs)
        urls.append(f"/api/v1/locate?lat={lat:.7f}&lng={lng:.7f}&crs={crs}")
        expected.append(code)
    t0 = time.perf_counter()
    client.get(urls[0])  # builds the process's grid index
    first_ms = (time.perf_counter() - t0) * 1000
    for u in urls[:200]:
        client.get(u)
    times, cpu, wrong = [], [], 0
    for u, code in zip(urls, expected, strict=True):
        t0, c0 = time.perf_counter(), time.thread_time()
        response = client.get(u)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
        if response.status_code != 200 or response.json()["grid"]["code"] != code:
            wrong += 1
    with CaptureQueriesContext(connection) as ctx:
        client.get(urls[1])
    times.sort()
    return {
        "name": NAME,
        "requests": len(times),
        "p50_ms": round(statistics.median(times), 3),
        "p95_ms": round(times[int(0.95 * len(times)) - 1], 3),
        "p99_ms": round(times[int(0.99 * len(times)) - 1], 3),
        "mean_ms": round(statistics.fmean(times), 3),
        # CPU time of this process per request (excludes waiting for PostgreSQL): shows how much of the
        # wall time is the database's when the machine is shared.
        "p50_cpu_ms": round(statistics.median(cpu), 3),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "first_request_ms": round(first_ms, 1),
        "queries_per_request": len(ctx.captured_queries),
        "wrong_grid": wrong,
        "target_p50_ms": 5,
        "ok": statistics.median(times) <= 5 and wrong == 0,
        "database": connection.vendor,
    }


if __name__ == "__main__":
    main()
