"""Benchmark: a monthly payroll for 20,000 professional community workers (a province-sized city),
prepared by every street, approved by the county and exported as bank transfer sheets; and the
workforce statistics of the whole city.

Set-up (not timed), in a PostgreSQL database of its own (created and dropped here): one city, one
county, 20 streets of 10 communities, 100 workers per community through `workers_bulk_create` (people of
the registry with encrypted identity and phone numbers, grades from the engine and three years of
ratings), their evaluations, this month's attendance, the county's pay table, two-committee seats.

Timed: for each street `payroll_prepare`, `payroll_approve` and `payroll_bank_sheet` (`seconds`, target
≤ 5 on PostgreSQL). Compared: the same month of one street computed by a plain per-worker loop through
the ORM (load the worker's grade steps, evaluations and attendance, apply `pay.line_amounts`, save a
line), which must give the same totals to the fen; `ratio_to_loop` = the loop's cost per worker / the
service's cost per worker (≥ 1). `stats_p50_ms`: median of 15 runs of `stats.statistics` for the city.
Prints one JSON object: {"name": "payroll", "seconds": …, "workers": …, "ratio_to_loop": …, "stats_p50_ms": …,
"cpu_seconds": (this process's CPU time in the timed part: what the server's load does not inflate),
"load_average_1m": [at the start of the timed part, at the end]}.
"""

import calendar
import datetime
import json
import os
import statistics
import sys
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import setup_database, teardown_database  # noqa: E402

STREETS = int(os.environ.get("BENCH_STREETS", "20"))
COMMUNITIES = 10
PER_COMMUNITY = int(os.environ.get("BENCH_PER_COMMUNITY", "100"))


def log(message):
    print(message, file=sys.stderr, flush=True)


def build(today):
    import random

    from jiceng.core.pii import id_check_digit
    from jiceng.orgs import services as org_services
    from jiceng.workforce import services
    from jiceng.workforce.models import Attendance, CommitteeSeat, Evaluation

    rng = random.Random(11)  # nosec B311  # synthetic benchmark data, not security
    unit = org_services.unit_create
    city = unit(actor=None, parent=None, kind="city", code="141000", name="临汾市")
    county = unit(actor=None, parent=city, kind="county", code="141002", name="尧都区")
    services.pay_table_set(actor=None, county=county, year=today.year, base_amount=Decimal("3200.00"))
    streets, communities = [], []
    for s in range(STREETS):
        street = unit(actor=None, parent=county, kind="street", code=f"141002{s + 1:03d}", name=f"第{s + 1}街道")
        streets.append(street)
        for k in range(COMMUNITIES):
            communities.append(unit(actor=None, parent=street, kind="community", code=f"{street.code}{k + 1:03d}",
                                    name=f"{street.name}第{k + 1}社区"))
    rows = []
    n = 0
    for community in communities:
        for _ in range(PER_COMMUNITY):
            n += 1
            birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=n % 9000)
            body = f"141002{birth:%Y%m%d}{n // 9000:03d}"
            hire = today - datetime.timedelta(days=200 + rng.randint(0, 12 * 365))
            post = rng.choices(["principal", "deputy", "other"], weights=(8, 20, 72))[0]
            ratings = {y: rng.choices(["excellent", "competent", "basic"], weights=(20, 72, 8))[0]
                       for y in range(max(hire.year, today.year - 3), today.year)}
            rows.append({"community": community, "name": f"工作者{n}", "id_number": body + id_check_digit(body),
                         "phone": f"139{n:08d}", "post": post, "channel": rng.choice(["transition", "cadre", "open"]),
                         "hire_date": hire, "education": rng.choice(["college", "bachelor", "master"]),
                         "qualification": rng.choice(["none", "junior", "intermediate", "senior"]), "grade": None,
                         "ratings": ratings, "bank_account": f"6217{n:015d}"})
    workers = []
    for start in range(0, len(rows), 5000):
        workers += services.workers_bulk_create(actor=None, rows=rows[start:start + 5000], note="bench", today=today)
    evaluations, attendance, seats = [], [], []
    month = today.replace(day=1)
    for row, w in zip(rows, workers, strict=True):
        for year, rating in row["ratings"].items():
            parts = {"excellent": (23, 23, 28, 18), "competent": (20, 20, 25, 15), "basic": (16, 16, 20, 13)}[rating]
            scores = dict(zip(("political", "ability", "performance", "residents"), parts, strict=True))
            evaluations.append(Evaluation(worker_id=w.pk, unit_path=w.unit_path, year=year, total=sum(parts),
                                          rating=rating, scores=scores))
        required = 22
        attendance.append(Attendance(worker_id=w.pk, unit_path=w.unit_path, month=month, days_required=required,
                                     days_present=required - (rng.random() < 0.1) * rng.randint(1, 3)))
    services.evaluations_bulk_create(actor=None, evaluations=evaluations, note="bench")
    services.attendance_bulk_create(actor=None, rows=attendance, note="bench")
    term = (datetime.date(today.year - 2, 3, 1), datetime.date(today.year + 3, 2, 28))
    by_community = {}
    for w in workers:
        by_community.setdefault(w.community_id, []).append(w)
    for community in communities:
        staff = by_community[community.pk]
        for i, (committee, role) in enumerate([("party", "secretary"), ("residents", "director"),
                                               ("party", "deputy_secretary"), ("residents", "deputy_director"),
                                               ("party", "member"), ("residents", "member")]):
            w = staff[0] if i < 2 else staff[i]
            seats.append(CommitteeSeat(community=community, unit_path=community.path, person_id=w.person_id,
                                       worker=w, committee=committee, role=role, term_start=term[0],
                                       term_end=term[1], education=w.education))
    services.seats_bulk_create(actor=None, seats=seats, note="bench")
    return city, streets, workers


def plain_loop(street, month):
    """The obvious per-worker implementation through the ORM: the reference the service is compared to."""
    from jiceng.core.scope import subtree_q
    from jiceng.workforce import pay
    from jiceng.workforce.models import PayrollLine, PayrollRun, PayTable, Worker

    table = PayTable.objects.get(county=street.parent, year=month.year)
    coefficients = pay.parse_coefficients(table.coefficients)
    run = PayrollRun.objects.create(street=street, unit_path=street.path, month=month.replace(year=month.year - 50))
    totals = {}
    for worker in Worker.objects.filter(subtree_q(street.path, "unit_path"), status="active"):
        last_day = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        step = worker.grade_steps.filter(effective_on__lte=last_day).order_by("-seq").first()
        evaluation = worker.evaluations.filter(year__lt=month.year).order_by("-year").first()
        attendance = worker.attendance.filter(month=month).first()
        ratio = pay.attendance_ratio(attendance.days_present if attendance else None,
                                     attendance.days_required if attendance else None)
        rating = evaluation.rating if evaluation else ""
        basic, performance, total = pay.line_amounts(table.base_amount, coefficients[step.grade], rating, ratio)
        PayrollLine.objects.create(run=run, worker=worker, unit_path=worker.unit_path, month=run.month,
                                   name=worker.person.name, account_masked=worker.bank_account_masked,
                                   post=step.post, grade=step.grade, coefficient=coefficients[step.grade],
                                   rating=rating, attendance_ratio=ratio, basic=basic, performance=performance,
                                   total=total)
        totals[worker.pk] = total
    return totals


def main():
    url, created = setup_database("payroll")
    try:
        from django.utils import timezone

        from jiceng.workforce import services, stats
        from jiceng.workforce.models import PayrollLine, PayrollRun

        today = timezone.localdate()
        month = today.replace(day=1)
        started = time.perf_counter()
        city, streets, workers = build(today)
        log(f"set-up: {len(workers):,} workers in {time.perf_counter() - started:.1f} s")

        load_start = os.getloadavg()[0]
        cpu_started = time.process_time()
        started = time.perf_counter()
        sheets = 0
        for street in streets:
            run = services.payroll_prepare(actor=None, street=street, month=month, today=today)
            services.payroll_approve(actor=None, run=run)
            sheets += len(services.payroll_bank_sheet(actor=None, run=run))
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        lines = PayrollLine.objects.filter(run__month=month).count()
        total = sum(PayrollRun.objects.filter(month=month).values_list("total", flat=True))
        if lines != len(workers) or total != sum(PayrollLine.objects.filter(run__month=month)
                                                  .values_list("total", flat=True)):
            raise SystemExit(f"payroll check failed: {lines} lines for {len(workers)} workers")

        street = streets[0]
        loop_started = time.perf_counter()
        loop_totals = plain_loop(street, month)
        loop_seconds = time.perf_counter() - loop_started
        ours = dict(PayrollLine.objects.filter(run__street=street, run__month=month).values_list("worker_id", "total"))
        if ours != loop_totals:
            raise SystemExit("the plain loop and the service disagree")
        per_worker_ms = seconds * 1000 / len(workers)
        loop_per_worker_ms = loop_seconds * 1000 / len(loop_totals)

        times = []
        for _ in range(15):
            t = time.perf_counter()
            stats.statistics(city, today.year, today=today)
            times.append((time.perf_counter() - t) * 1000)
        print(json.dumps({
            "name": "payroll", "seconds": round(seconds, 3), "workers": len(workers), "streets": len(streets),
            "total_yuan": str(total), "xlsx_bytes": sheets, "per_worker_ms": round(per_worker_ms, 4),
            "loop_per_worker_ms": round(loop_per_worker_ms, 4),
            "ratio_to_loop": round(loop_per_worker_ms / per_worker_ms, 2),
            "stats_p50_ms": round(statistics.median(times), 1), "target_seconds": 5, "target_stats_p50_ms": 100,
            "cpu_seconds": round(cpu_seconds, 3),
            "load_average_1m": [round(load_start, 2), round(os.getloadavg()[0], 2)], "cpus": os.cpu_count(),
        }))
    finally:
        teardown_database(url, created)


if __name__ == "__main__":
    main()
