"""Benchmark: CPU time and queries of one `POST /api/v1/cases` in process (issue 4).

    python bench/intake_cpu.py [--requests N] [--profile] [--keep]

The machine running the HTTP benchmark is shared and loaded, so wall-clock throughput alone says
little; this measures the server's own cost of an intake: Django's full request cycle (middleware,
bearer-token authentication, django-ninja, the service, the audit append) through the test client,
CPU time (process_time) and queries per request. The city is the demo city's units (every grid of
the orgs step, 1,910 at scale 1) so that cases and their rollup rows spread over real grids; points
are representative points of random grids. A PostgreSQL database of its own (`jiceng_bench_intake_cpu` on
the server of DATABASE_URL or the local one), created and dropped here. `--profile` prints the top of a
cProfile of the measured requests to stderr. Last line: one JSON object (name, p50_cpu_ms,
mean_cpu_ms, queries_per_intake, p50_ms, load_average_1m, grids, requests).
"""

import cProfile
import json
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import bench_main, build_units  # noqa: E402

NAME = "intake_cpu"


def main(argv=None):
    return bench_main(NAME, _measure, options=[("--requests", dict(type=int, default=400)),
                                                 ("--profile", dict(action="store_true"))], argv=argv)


def _measure(args, url):
    build_units(("orgs",))
    import shapely
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jiceng.accounts.services import grant_create, token_create, user_create
    from jiceng.core.audit import audit_verify
    from jiceng.orgs.models import Unit

    settings.ALLOWED_HOSTS = ["*"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    grids = list(Unit.objects.filter(kind="grid").exclude(geom=None).values_list("geom", flat=True))
    rng = random.Random(7)  # nosec B311  # seeded generator for synthetic data, not a secret
    points = []
    for geom in grids:
        pt = shapely.from_wkb(bytes(geom)).representative_point()
        points.append((pt.y, pt.x))
    if not points:
        raise SystemExit("no grid geometry")
    city = Unit.objects.get(kind="city")
    user = user_create(actor=None, username=f"bench-intake-{os.getpid()}", password="bench-intake-pass")  # nosec B106  # password of a throw-away benchmark user in its own database
    grant_create(actor=None, user=user, role="city_admin", unit=city)
    _tok, key = token_create(user=user, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    from django.conf import settings

    # One API user reports thousands of cases here: the per-user hourly limit (issue 10) is lifted for this
    # process only; the throttle's upsert still runs on every request, so its cost stays in the figure.
    settings.JICENG_INTAKE_MAX_PER_USER_HOUR = 10**9

    def post(i):
        lat, lng = rng.choice(points)
        body = {"category": "E0101", "description": "基准测试上报", "source": "api", "lat": lat, "lng": lng}
        resp = client.post("/api/v1/cases", data=json.dumps(body), content_type="application/json",
                           headers={"Idempotency-Key": f"cpu-{os.getpid()}-{i}"})
        if resp.status_code != 201:
            raise RuntimeError(resp.content[:300])

    for i in range(30):  # warm: imports, grid index, caches
        post(-1 - i)
    cpu, wall, queries = [], [], []
    prof = cProfile.Profile(time.process_time) if args.profile else None
    for i in range(args.requests):
        with CaptureQueriesContext(connection) as ctx:
            t0, c0 = time.perf_counter(), time.process_time()
            if prof:
                prof.enable()
            post(i)
            if prof:
                prof.disable()
            c1, t1 = time.process_time(), time.perf_counter()
        cpu.append((c1 - c0) * 1000)
        wall.append((t1 - t0) * 1000)
        queries.append(len(ctx.captured_queries))
    if prof:
        pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(70)
        pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(30)
        last = ctx.captured_queries
        for q in last:
            print(q["sql"][:220], file=sys.stderr)
    count, broken, reason = audit_verify()
    return {"name": NAME, "vendor": connection.vendor, "p50_cpu_ms": round(statistics.median(cpu), 2),
            "mean_cpu_ms": round(statistics.fmean(cpu), 2), "queries_per_intake": statistics.median(queries),
            "p50_ms": round(statistics.median(wall), 2), "load_average_1m": round(os.getloadavg()[0], 2),
            "grids": len(points), "requests": args.requests, "audit_chain_ok": broken is None and not reason}


if __name__ == "__main__":
    main()
