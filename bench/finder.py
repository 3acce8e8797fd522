"""Benchmark: server time of the courier finder `GET /api/v1/stations/finder` (issue 12).

    python bench/finder.py [--requests N] [--keep]

Builds the demo city's units and the stations step (positions, the generated walking network) in a
PostgreSQL database of its own (`DATABASE_URL`, default postgres://postgres@127.0.0.1:5432/jiceng_bench_finder,
created and dropped here) and times N anonymous requests through Django's full request cycle in process,
from random buildings' locations (half in GCJ-02, as a Chinese map app sends them), each asking for one
amenity, open now. Prints one JSON object as its last line: name, p50_ms, p95_ms, found_share, …
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

NAME = "finder"


def main(argv=None):
    return bench_main(NAME, _measure, options=[("--requests", {"type": int, "default": 2000})], argv=argv)


def _measure(args, url):
    build_units(("orgs",))
    import random

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jiceng.core.geo import coords
    from jiceng.demo.runner import DemoContext
    from jiceng.orgs.models import Unit
    from jiceng.stations import demo
    from jiceng.stations.models import ServicePosition

    settings.ALLOWED_HOSTS = ["*"]
    if not ServicePosition.objects.exists():
        demo.build(DemoContext(quiet=True, scale=0.05))
    rng = random.Random(11)  # nosec B311  # seeded generator for synthetic data, not a secret
    buildings = list(Unit.objects.filter(kind="building", lat__isnull=False).values_list("lat", "lng"))
    amenities = ["hot_water", "charging", "rest", "toilet", "repair", ""]
    urls = []
    for i in range(args.requests):
        lat, lng = rng.choice(buildings)
        crs = "gcj02" if i % 2 else "wgs84"
        lat, lng = coords.from_wgs84(lat, lng, crs)
        urls.append(f"/api/v1/stations/finder?lat={lat:.7f}&lng={lng:.7f}&crs={crs}"
                    f"&amenity={amenities[i % len(amenities)]}&open_now=false")
    client = Client()
    t0 = time.perf_counter()
    client.get(urls[0])  # loads the process's walking graph and positions
    first_ms = (time.perf_counter() - t0) * 1000
    for u in urls[:100]:
        client.get(u)
    times, cpu, found, bad = [], [], 0, 0
    for u in urls:
        t0, c0 = time.perf_counter(), time.thread_time()
        response = client.get(u)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
        if response.status_code != 200:
            bad += 1
        elif response.json()["results"]:
            found += 1
    with CaptureQueriesContext(connection) as ctx:
        client.get(urls[1])
    times.sort()
    return {
        "name": NAME, "requests": len(times),
        "p50_ms": round(statistics.median(times), 3),
        "p95_ms": round(times[int(0.95 * len(times)) - 1], 3),
        "p50_cpu_ms": round(statistics.median(cpu), 3),
        "first_request_ms": round(first_ms, 1), "queries_per_request": len(ctx.captured_queries),
        "found_share": round(found / len(times), 3), "errors": bad,
        "load_average_1m": round(os.getloadavg()[0], 2), "target_p50_ms": 20,
        "ok": statistics.median(times) <= 20 and bad == 0, "database": connection.vendor,
    }


if __name__ == "__main__":
    main()
