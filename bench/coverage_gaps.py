"""The "should build, build all" gap list of new organizations for the whole city and a compound's "one core,
many parties" page at city scale, server time, on PostgreSQL (target p50 <= 150 ms each).

The city: the demo city's units, residents and party organizations (scale 1: 200,000 residents), its
stakeholders (owners' committees, property companies, instructors, report-ins: consult's demo step) and its
new-organization registry at three times the demo's size. Also reports a community's gap list and the city
registry page.

The machine may be shared: besides wall-clock time each page reports, per request, the CPU time of this
process (time.process_time: Django, the template, the driver; PostgreSQL's own work is in its server
process), the number of SQL queries and the wall time spent in them, and the load average, so that a
figure taken on a busy machine can be judged.

    make bench B=coverage-gaps        # DATABASE_URL names the server; the database is jiceng_bench_coverage_gaps

BENCH_KEEP=1 keeps the database (built once, reused by the next run with BENCH_KEEP=1) for profiling;
BENCH_EXPLAIN=1 prints each page's slowest queries with EXPLAIN ANALYZE to stderr.
"""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import build_units, report, setup_database, teardown_database  # noqa: E402

NAME = "coverage_gaps"
SCALE = 3.0


def profiled(fn, *, repeat: int, warmup: int = 3) -> dict:
    """Wall and CPU milliseconds per call (p50, p95), and the SQL queries and their wall time per call."""
    from django.db import connection

    for _ in range(warmup):
        fn()
    walls, cpus, sql_ms, counts = [], [], [], []
    for _ in range(repeat):
        spent = {"n": 0, "t": 0.0}

        def timer(execute, sql, params, many, context, spent=spent):
            t = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent["n"] += 1
                spent["t"] += time.perf_counter() - t

        with connection.execute_wrapper(timer):
            t, c = time.perf_counter(), time.process_time()
            fn()
            cpus.append((time.process_time() - c) * 1000)
            walls.append((time.perf_counter() - t) * 1000)
        sql_ms.append(spent["t"] * 1000)
        counts.append(spent["n"])
    walls.sort()
    return {"p50_ms": round(statistics.median(walls), 1), "p95_ms": round(walls[int(len(walls) * 0.95) - 1], 1),
            "cpu_p50_ms": round(statistics.median(cpus), 1), "sql_p50_ms": round(statistics.median(sql_ms), 1),
            "queries": max(counts), "runs": repeat, "samples": walls}


def explain(client, path: str):
    """The page's queries, slowest first, each with its plan (EXPLAIN ANALYZE), on stderr."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    print(f"== {path}: {len(captured.captured_queries)} queries", file=sys.stderr)
    for q in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:6]:
        print(f"-- {q['time']} s: {q['sql'][:600]}", file=sys.stderr)
        if q["sql"].lstrip().upper().startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                print("\n".join(r[0] for r in cursor.fetchall()), file=sys.stderr)


def main():
    keep = os.environ.get("BENCH_KEEP") == "1"
    url, created = setup_database(NAME, keep=keep)
    try:
        started = time.perf_counter()
        from jiceng.neworgs.models import NewOrg

        fresh = not NewOrg.objects.exists()
        build_units(("orgs", "people"))
        from django.db import connection
        from django.test import Client

        from jiceng.accounts.models import User
        from jiceng.accounts.services import grant_create, user_create
        from jiceng.consult import demo_onecore
        from jiceng.consult.models.stakeholders import OwnersCommittee, PropertyService
        from jiceng.core.roles import Role
        from jiceng.demo.runner import DemoContext
        from jiceng.neworgs import demo
        from jiceng.neworgs.models import NewOrg
        from jiceng.orgs.models import Unit
        from jiceng.people.models import Person

        city = Unit.objects.get(kind="city")
        if fresh:
            demo.build(DemoContext(quiet=True, scale=SCALE))
            demo_onecore.build(DemoContext(quiet=True))
            admin = user_create(actor=None, username="bench-admin", password="bench-admin-pass-1")  # nosec B106  # password of a throw-away benchmark user in its own database
            grant_create(actor=None, user=admin, role=Role.CITY_ADMIN, unit=city)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        built_s = round(time.perf_counter() - started)
        admin = User.objects.get(username="bench-admin")
        client = Client()
        client.force_login(admin)
        gap_path = NewOrg.objects.filter(gap=True).values_list("unit_path", flat=True).first()
        community = Unit.objects.get(kind="community", path="/".join(gap_path.split("/")[:5]) + "/")
        # The compound with the most to show: an owners' committee and a property company.
        served = set(PropertyService.objects.filter(active=True).values_list("compound_id", flat=True))
        compound = (Unit.objects.filter(pk__in=served & set(OwnersCommittee.objects.filter(active=True)
                                                            .values_list("compound_id", flat=True)))
                    .order_by("code").first())

        def get(path):
            def fn():
                response = client.get(path)
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: {response.status_code}")
            return fn

        if os.environ.get("BENCH_EXPLAIN") == "1":
            for path in (f"/neworgs/gaps/?unit={city.code}", f"/consult/compounds/{compound.code}/",
                         f"/neworgs/?unit={city.code}", f"/consult/communities/{community.code}/"):
                explain(client, path)
        city_gaps = profiled(get(f"/neworgs/gaps/?unit={city.code}"), repeat=50)
        community_gaps = profiled(get(f"/neworgs/gaps/?unit={community.code}"), repeat=30)
        registry = profiled(get(f"/neworgs/?unit={city.code}"), repeat=20)
        compound_page = profiled(get(f"/consult/compounds/{compound.code}/"), repeat=50)
        community_page = profiled(get(f"/consult/communities/{community.code}/"), repeat=20)
        samples = city_gaps.pop("samples")
        for d in (community_gaps, registry, compound_page, community_page):
            d.pop("samples")
        report("coverage-gaps", samples, city_gaps_cpu_p50_ms=city_gaps["cpu_p50_ms"],
               city_gaps_sql_p50_ms=city_gaps["sql_p50_ms"], city_gaps_queries=city_gaps["queries"],
               compound_page=compound_page, community_gaps=community_gaps, city_registry=registry,
               community_stakeholders_page=community_page,
               organizations=NewOrg.objects.count(), gaps=NewOrg.objects.filter(gap=True).count(),
               grids=Unit.objects.filter(kind="grid").count(), compounds=Unit.objects.filter(kind="compound").count(),
               residents=Person.objects.count(), owners_committees=OwnersCommittee.objects.count(),
               property_services=PropertyService.objects.count(), built_s=built_s,
               load_average=[round(x, 2) for x in os.getloadavg()], database=connection.vendor,
               target_p50_ms=150)
    finally:
        if not keep:
            teardown_database(url, created)


if __name__ == "__main__":
    main()
