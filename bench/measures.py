"""Benchmark: case measures for the whole city over 5,000,000 cases (issue 4): p50 <= 200 ms.

    python bench/measures.py [--cases N] [--runs R] [--keep]

Builds a city of 17 counties, 20 streets, 209 communities and 1,910 grids in a PostgreSQL database of
its own (`jiceng_bench_measures` on the server of `DATABASE_URL` or the local one, created and
dropped here), inserts N cases spread over the last 365 days server-side (generate_series), fills the
monthly rollup from the case rows in one statement (what the case services keep current row by row),
checks the rollup against a direct count over the case rows for one street, then times
`jiceng.cases.measures.unit_measures(city, year)` (the measures the API and the board serve) R times.
Prints one JSON object as its last line: name, cases, p50_ms, p95_ms, direct_count_ms, rollup_rows.
"""

import datetime
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
NAME = "measures"


from _common import bench_main  # noqa: E402


def build_units():
    from jiceng.orgs.models import Unit
    from jiceng.orgs.services import unit_create, units_bulk_create

    city = unit_create(actor=None, parent=None, kind="city", code="141000", name="临汾市")
    counties = [Unit(parent=city, kind="county", code=f"1410{i + 2:02d}", name=f"县{i}") for i in range(17)]
    units_bulk_create(actor=None, units=counties)
    counties = list(Unit.objects.filter(kind="county").order_by("code"))
    streets = [Unit(parent=counties[i % 17], kind="street", code=f"{counties[i % 17].code}{i // 17 + 1:03d}",
                    name=f"街道{i}") for i in range(20)]
    units_bulk_create(actor=None, units=streets)
    streets = list(Unit.objects.filter(kind="street").order_by("code"))
    comms = [Unit(parent=streets[i % 20], kind="community", code=f"{streets[i % 20].code}{i // 20 + 1:03d}",
                  name=f"社区{i}") for i in range(209)]
    units_bulk_create(actor=None, units=comms)
    comms = list(Unit.objects.filter(kind="community").order_by("code"))
    grids = [Unit(parent=comms[i % 209], kind="grid", code=f"{comms[i % 209].code}{i // 209 + 1:03d}",
                  name=f"网格{i}") for i in range(1910)]
    units_bulk_create(actor=None, units=grids)
    return city, streets[0]


def insert_cases(n: int):
    from django.db import connection

    from jiceng.cases.models import Category

    cat_ids = list(Category.objects.filter(parent__isnull=False).values_list("id", flat=True))
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE g AS SELECT row_number() OVER (ORDER BY id) - 1 AS i, id, path, kind "
                    "FROM orgs_unit WHERE kind = 'grid'")
        cur.execute("SELECT count(*) FROM g")
        grids = cur.fetchone()[0]
        cur.execute("CREATE TEMP TABLE c AS SELECT row_number() OVER (ORDER BY id) - 1 AS i, id FROM cases_category "
                    "WHERE id = ANY(%s)", [cat_ids])
        step = 1_000_000
        for lo in range(0, n, step):
            hi = min(n, lo + step)
            cur.execute("""
                INSERT INTO cases_case (code, category_id, status, version, source, description, address, lat, lng,
                    grid_id, unit_path, handler_id, handler_path, level, anonymous, reporter_name,
                    reporter_phone_enc, reporter_phone_masked, reporter_email_enc, received_at, responded_at,
                    responded_on_time, deadline_at, warn_at, warned, overdue, closed_on_time, escalations, reworks,
                    reopened, settled_level, rating, pending_action, pending_reason, pending_hours,
                    service_request_token, closed_at, follow_secret_hash, publish_consent)
                SELECT 'B' || lpad(s::text, 9, '0'), c.id,
                    CASE WHEN r1 < 0.85 THEN 'closed' WHEN r1 < 0.88 THEN 'rejected' ELSE 'in_progress' END,
                    1, 'phone', '基准', '', 36.0, 111.5, g.id, g.path, g.id, g.path, 'grid', false, '', '', '', '',
                    t, t + interval '30 minutes', r2 < 0.95, t + interval '72 hours', t + interval '54 hours',
                    false, r3 < 0.1, r1 < 0.85 AND r3 >= 0.1, 0, CASE WHEN r4 < 0.05 THEN 1 ELSE 0 END, false,
                    CASE WHEN r1 < 0.85 THEN (CASE WHEN r4 < 0.7 THEN 'grid' ELSE 'community' END) ELSE '' END,
                    CASE WHEN r1 < 0.85 AND r2 < 0.7 THEN (CASE WHEN r3 < 0.8 THEN 'satisfied'
                         WHEN r3 < 0.95 THEN 'basic' ELSE 'not' END) ELSE '' END,
                    '', '', 0, '', CASE WHEN r1 < 0.85 THEN t + interval '40 hours' END, '', false
                FROM (SELECT s, random() AS r1, random() AS r2, random() AS r3, random() AS r4,
                             now() - random() * interval '365 days' AS t,
                             (s::bigint * 7919) %% %s AS gi, s %% (SELECT count(*) FROM c) AS ci
                      FROM generate_series(%s, %s) AS s) x
                JOIN g ON g.i = x.gi JOIN c ON c.i = x.ci
            """, [grids, lo, hi - 1])
        cur.execute("""
            INSERT INTO cases_rollup (unit_path, month, received, responded, accepted, closed, closed_on_time,
                rework, rated, satisfied, basic, settled_grid, settled_community)
            SELECT unit_path, date_trunc('month', received_at AT TIME ZONE 'Asia/Shanghai')::date, count(*),
                count(*) FILTER (WHERE responded_on_time),
                count(*) FILTER (WHERE status NOT IN ('rejected', 'voided', 'merged')),
                count(*) FILTER (WHERE status = 'closed'),
                count(*) FILTER (WHERE status = 'closed' AND closed_on_time),
                count(*) FILTER (WHERE status = 'closed' AND reworks > 0),
                count(*) FILTER (WHERE rating <> ''), count(*) FILTER (WHERE rating = 'satisfied'),
                count(*) FILTER (WHERE rating = 'basic'),
                count(*) FILTER (WHERE status = 'closed' AND settled_level = 'grid'),
                count(*) FILTER (WHERE status = 'closed' AND settled_level IN ('grid', 'community'))
            FROM cases_case GROUP BY 1, 2
        """)
        cur.execute("ANALYZE cases_case")
        cur.execute("ANALYZE cases_rollup")


def main(argv=None):
    return bench_main(NAME, _measure, options=[("--cases", dict(type=int, default=5_000_000)),
                                                 ("--runs", dict(type=int, default=30))], argv=argv)


def _measure(args, url):
    from django.db import connection
    from django.utils import timezone

    from jiceng.cases import measures
    from jiceng.cases.models import Rollup

    t0 = time.perf_counter()
    city, street = build_units()
    insert_cases(args.cases)
    build_s = time.perf_counter() - t0
    today = timezone.localdate()
    start = today - datetime.timedelta(days=365)
    t1 = time.perf_counter()
    direct = measures.counts_from_cases(street.path, start, today)
    direct_ms = (time.perf_counter() - t1) * 1000
    if direct != measures.counts_for(street.path, start, today):
        raise RuntimeError("rollup differs from the case rows")
    timings = []
    for _ in range(args.runs):
        connection.queries_log.clear()
        t = time.perf_counter()
        m = measures.unit_measures(city, start, today)
        timings.append((time.perf_counter() - t) * 1000)
    if m.counts["received"] != args.cases:
        raise RuntimeError(f"{m.counts['received']} cases received, not {args.cases}")
    timings.sort()
    return {"name": NAME, "cases": args.cases, "p50_ms": round(statistics.median(timings), 2),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
            "direct_count_street_ms": round(direct_ms, 1), "rollup_rows": Rollup.objects.count(),
            "build_s": round(build_s, 1), "score": m.score, "grade": m.grade}


if __name__ == "__main__":
    main()
