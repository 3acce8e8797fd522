"""Benchmark: the year-end assessment (F4) of all 17 counties, 20 streets and 209 communities, computed
from live data (case measures over 1,000,000 cases, joint-meeting compliance, project and task
completion, entered leaves), scored, ranked and stored.

Set-up (not timed): a fresh PostgreSQL database (created and dropped here) with the demo city's units,
party organizations, meetings and projects built by the demo steps, 100,000 cases from the cases demo
step, then topped up to 1,000,000 by copying those rows in SQL; the cases app's monthly rollup is rebuilt
from the case rows with the same definitions as `jiceng.cases.measures.counts_from_cases`.

Timed: `assessment_compute` for a new assessment with the standard indicator tree at three levels.
Checked: every unit's case indicators equal `jiceng.cases.measures.unit_measures` for the same year.
Prints one JSON object: {"name": "assessment", "seconds": …, "units": …, "cases": …, …}.
"""

import datetime
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
TARGET_CASES = int(os.environ.get("BENCH_CASES", "1000000"))
LIMIT_SECONDS = 10.0


def main():
    from _common import bench_url, create_bench_database, teardown_database

    url = bench_url("assessment")
    create_bench_database(url)
    os.environ["DATABASE_URL"] = url
    try:
        return run()
    finally:
        teardown_database(url, True)


def setup_city(log):
    from django.core.management import call_command

    from jiceng.demo.runner import DemoContext, demo_steps

    call_command("migrate", verbosity=0)
    ctx = DemoContext(scale=0.05, quiet=True)
    steps = {label: module for _o, label, module in demo_steps()}
    for label in ("orgs", "people", "cases", "meetings", "projects"):
        if label not in steps:
            continue
        if label == "cases":
            ctx.scale = 1.0  # 100,000 cases through the cases app's own bulk path
        started = time.perf_counter()
        steps[label].build(ctx)
        ctx.scale = 0.05
        log(f"setup {label}: {time.perf_counter() - started:.1f} s")
    return ctx


def top_up_cases(log):
    """Copy case rows until TARGET_CASES exist, then rebuild the rollup from the rows."""
    from django.conf import settings
    from django.db import connection, transaction

    from jiceng.cases.models import ROLLUP_FIELDS, Case, Rollup

    have = Case.objects.count()
    table = Case._meta.db_table
    cols = [f.column for f in Case._meta.concrete_fields if f.column not in ("id", "code", "idempotency_key")]
    started = time.perf_counter()
    max_id = Case.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with transaction.atomic(), connection.cursor() as cur:
        copy = 1
        while have and have < TARGET_CASES:
            col_list = ", ".join(cols)
            cur.execute(f"INSERT INTO {table} (code, {col_list}) "  # noqa: S608  # nosec B608  # identifiers from model metadata, values bound as parameters
                        f"SELECT '#{copy:02d}' || lpad(id::text, 12, '0'), {col_list} FROM {table} "
                        f"WHERE id <= %s ORDER BY id LIMIT %s", [max_id, TARGET_CASES - have])
            have += cur.rowcount
            copy += 1
        tz = settings.TIME_ZONE
        rt = Rollup._meta.db_table
        cur.execute(f"DELETE FROM {rt}")  # noqa: S608  # nosec B608  # identifiers from model metadata, values bound as parameters
        closed = "status = 'closed'"
        cur.execute(
            f"INSERT INTO {rt} (unit_path, month, {', '.join(ROLLUP_FIELDS)}) "  # noqa: S608  # nosec B608  # identifiers from model metadata, values bound as parameters
            f"SELECT unit_path, date_trunc('month', received_at AT TIME ZONE %s)::date, count(*), "
            f"count(*) FILTER (WHERE responded_on_time), "
            f"count(*) FILTER (WHERE status NOT IN ('rejected', 'voided', 'merged')), "
            f"count(*) FILTER (WHERE {closed}), count(*) FILTER (WHERE {closed} AND closed_on_time), "
            f"count(*) FILTER (WHERE {closed} AND reworks > 0), count(*) FILTER (WHERE rating <> ''), "
            f"count(*) FILTER (WHERE rating = 'satisfied'), count(*) FILTER (WHERE rating = 'basic'), "
            f"count(*) FILTER (WHERE {closed} AND settled_level = 'grid'), "
            f"count(*) FILTER (WHERE {closed} AND settled_level IN ('grid', 'community')) "
            f"FROM {table} GROUP BY 1, 2", [tz])
        cur.execute(f"ANALYZE {table}; ANALYZE {rt}")
    log(f"setup cases: {have:,} rows, rollup rebuilt in {time.perf_counter() - started:.1f} s")
    return Case.objects.count()


def run():
    import django

    django.setup()

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    from django.utils import timezone

    from jiceng.orgs.models import Unit
    from jiceng.projects import assessment as svc
    from jiceng.projects import indicators
    from jiceng.projects.models import AssessmentResult, Indicator, IndicatorEntry

    setup_city(log)
    cases = top_up_cases(log) if "cases.response_rate" in indicators.SOURCES else 0
    year = timezone.localdate().year
    city = Unit.objects.get(kind="city")
    a = svc.assessment_create(actor=None, unit=city, year=year, title="bench")
    for level in ("county", "street", "community"):
        svc.indicator_tree_set(actor=None, assessment=a, level=level, tree=svc.standard_tree())
    entered = list(Indicator.objects.filter(assessment=a, source="", children__isnull=True))
    units_by_kind = {k: list(Unit.objects.filter(kind=k)) for k in ("county", "street", "community")}
    svc.indicator_entries_bulk(actor=None, entries=[
        IndicatorEntry(indicator=i, unit=u, value=0.9, evidence="bench") for i in entered
        for u in units_by_kind[i.level]])

    started = time.perf_counter()
    n = svc.assessment_compute(actor=None, assessment=a)
    seconds = time.perf_counter() - started

    # Case indicators equal the cases app's own measures for the same units and year.
    from jiceng.cases import measures

    mismatches = 0
    checked = 0
    if cases:
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        results = {r.unit_id: r for r in AssessmentResult.objects.filter(assessment=a)}
        for units in units_by_kind.values():
            for u in units:
                m = measures.unit_measures(u, first, last)
                b = results[u.pk].breakdown
                for code, name in (("A1", "response_rate"), ("A2", "resolution_rate"),
                                   ("A3", "satisfaction_rate"), ("A4", "on_time_closure_rate")):
                    checked += 1
                    want = getattr(m, name)
                    if (want is None) != (b[code] is None) or (want is not None and abs(want - b[code]) > 1e-9):
                        mismatches += 1
    top = AssessmentResult.objects.filter(assessment=a, level="county", rank=1).first()
    out = {"name": "assessment", "seconds": round(seconds, 3), "limit_seconds": LIMIT_SECONDS,
           "ok": seconds <= LIMIT_SECONDS and mismatches == 0, "units": n,
           "counties": len(units_by_kind["county"]), "streets": len(units_by_kind["street"]),
           "communities": len(units_by_kind["community"]), "cases": cases,
           "case_indicator_checks": checked, "case_indicator_mismatches": mismatches,
           "sources": sorted(indicators.SOURCES), "top_county": top.unit_name if top else None,
           "top_county_score": top.score if top else None}
    print(json.dumps(out, ensure_ascii=False))
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
