"""Benchmark: the funds compliance table for the whole city (issue 13: `compliance_p50_ms` <= 100).

    python bench/compliance.py [--households N] [--runs R] [--keep]

In its own database (jiceng_bench_compliance, created and dropped here): the city of bench/ballot.py
(20 streets, 209 communities, this year's budgets with some streets and communities short of the
standards) and N households (100,000 by default, so that the unit table is as large as a real city's).
Measured in process, after 3 warm-up runs each, R times (50 by default):

- `compliance_p50_ms`: GET /api/v1/funds/compliance?unit=<city>&short_only=false as the city
  administrator with an API token, through Django's test client: the whole request (middleware, token,
  scope, the four set-based queries, the JSON of every street and community row), without a network.
- `selector_p50_ms`: funds.selectors.compliance + compliance_summary alone (the table and the counts).
- `figures_p50_ms`: funds.figures.figures(city) (the cockpit's three funds figures, live).
- `queries`: the number of SQL queries of one API request.

Prints one JSON line (with the load average: the machine is shared).
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
NAME = "compliance"

from _common import report, setup_database, teardown_database, timed  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url, created = setup_database(NAME)
    import statistics

    from ballot import admin_token, build_city
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from jiceng.funds import figures, selectors

    started = time.perf_counter()
    city, _street = build_city(args.households)
    build_s = time.perf_counter() - started
    token = admin_token(city)
    year = timezone.localdate().year
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    path = f"/api/v1/funds/compliance?unit={city.code}&year={year}&short_only=false"

    def api():
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"compliance answered {response.status_code}")
        return response

    body = api().json()
    queries = []  # counted with a wrapper: the request_started signal clears connection.queries
    with connection.execute_wrapper(lambda execute, sql, params, many, context: (
            queries.append(sql), execute(sql, params, many, context))[1]):
        api()
    api_ms = timed(api, repeat=args.runs)
    selector_ms = timed(lambda: selectors.compliance_summary(city, year, selectors.compliance(city, year)),
                        repeat=args.runs)
    figures_ms = timed(lambda: figures.figures(city, today=timezone.localdate()), repeat=args.runs)
    if not args.keep:
        teardown_database(url, created)
    report(NAME, compliance_p50_ms=round(statistics.median(api_ms), 1),
           compliance_p95_ms=round(sorted(api_ms)[int(len(api_ms) * 0.95) - 1], 1),
           selector_p50_ms=round(statistics.median(selector_ms), 1),
           figures_p50_ms=round(statistics.median(figures_ms), 1), queries=len(queries),
           rows=len(body["rows"]), streets=body["streets"], streets_compliant=body["streets_compliant"],
           communities=body["communities"], communities_compliant=body["communities_compliant"],
           households=args.households, build_s=round(build_s, 1), runs=args.runs, load_average_1m=round(os.getloadavg()[0], 2),
           cpus=os.cpu_count())


if __name__ == "__main__":
    main()
