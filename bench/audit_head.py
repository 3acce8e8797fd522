"""The audit chain under concurrency (issue 17): every write of the platform appends to one hash chain
(core/audit.py) and locks its head row (`core_audithead`, id 1) from its audit event until its COMMIT.
Writers therefore commit one at a time; this measures how many a second that allows.

    .venv/bin/python bench/audit_head.py [--threads 1,2,4,8] [--seconds 10]

In a PostgreSQL database of its own (`jiceng_bench_audit_head`, bench/_common.py), for each number of
threads, every thread runs short transactions for --seconds:
- `audit`: one audit event (audit_record, as every service's last statement) and COMMIT;
- `plain`: the same size of work without the chain: one INSERT into a table of the benchmark and COMMIT.
Output (one JSON line): transactions per second of each, and for `audit` the mean and p95 time a
transaction spends from the start of audit_record to the end of its COMMIT (its wait for the head plus
the time it holds it), and the best rate of each (`tps_max`). Without the chain more writers commit
more a second (PostgreSQL's group commit flushes several commits' WAL together); with it the rate stays
at the plateau one writer holding the head at a time allows, whatever the number of writers or cores.
"""

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import setup_database, teardown_database  # noqa: E402


def _loop(kind: str, seconds: float, out: list, barrier: threading.Barrier):
    from django.db import connection, connections, transaction

    from jiceng.core.audit import audit_record

    times = []
    try:
        barrier.wait()
        deadline = time.monotonic() + seconds
        n = 0
        while time.monotonic() < deadline:
            n += 1
            started = time.perf_counter()
            with transaction.atomic():
                if kind == "audit":
                    audit_record(actor=None, action="bench.audit_head", object_type="bench", object_id=n,
                                 unit_path="/bench/", changes={"n": n})
                else:
                    with connection.cursor() as cursor:
                        cursor.execute("INSERT INTO bench_plain (v) VALUES (%s)", [f"bench {n}"])
            times.append(time.perf_counter() - started)
    finally:
        out.append(times)
        connections.close_all()


def run(kind: str, threads: int, seconds: float) -> dict:
    out: list = []
    barrier = threading.Barrier(threads)
    workers = [threading.Thread(target=_loop, args=(kind, seconds, out, barrier)) for _ in range(threads)]
    started = time.perf_counter()
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    elapsed = time.perf_counter() - started
    times = sorted(x for part in out for x in part)
    return {"kind": kind, "threads": threads, "transactions": len(times), "tps": round(len(times) / elapsed, 1),
            "mean_ms": round(statistics.fmean(times) * 1000, 2),
            "p95_ms": round(times[int(len(times) * 0.95)] * 1000, 2) if times else None}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", default="1,2,4,8")
    ap.add_argument("--seconds", type=float, default=10)
    args = ap.parse_args(argv)
    url, created = setup_database("audit_head")
    try:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS bench_plain (id bigserial PRIMARY KEY, v text)")
            cursor.execute("SHOW synchronous_commit")
            sync = cursor.fetchone()[0]
        load = round(os.getloadavg()[0], 2)
        rows = []
        for threads in [int(t) for t in args.threads.split(",")]:
            for kind in ("plain", "audit"):
                rows.append(run(kind, threads, args.seconds))
                print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        from jiceng.core.audit import audit_verify

        checked, broken, _reason = audit_verify()
        one = next((r for r in rows if r["kind"] == "audit" and r["threads"] == 1), None)
        best = {kind: max(r["tps"] for r in rows if r["kind"] == kind) for kind in ("plain", "audit")}
        print(json.dumps({"name": "audit_head", "synchronous_commit": sync, "cores": os.cpu_count(),
                          "load_average_1m": [load, round(os.getloadavg()[0], 2)], "runs": rows,
                          "hold_ms_one_writer": one and one["mean_ms"],
                          "tps_max": best,  # the chain's plateau against what the same commits reach without it
                          "chain_verified": {"events": checked, "broken": broken is not None}}))
    finally:
        teardown_database(url, created)


if __name__ == "__main__":
    main()
