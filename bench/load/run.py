"""Load benchmark (issue 17): the demo city's people at work at once, simulated by locust
(bench/load/locustfile.py, where the mix and the think-time model are stated) against gunicorn with
gunicorn.conf.py and PostgreSQL holding the demo city at --scale (default 5: a million residents and
a year of cases, 500,000).

    make bench B=load
    .venv/bin/python bench/load/run.py [--scale 5] [--keep] [--users 25,50,100,200,400]
                                       [--step-seconds 600] [--workers N] [--threads 4] [--db load]

The city lives in `jiceng_bench_load`, a database this benchmark creates (bench/_common.py; a database
of that name that no benchmark made is refused). Building a scale-5 city takes an hour on a shared
2-core machine, so `--keep` keeps the database afterwards and reuses it next time (the writes of a run,
a few thousand reports, stay in it); without --keep it is dropped at the end.

The users step up (--users): each step runs --step-seconds (600 s, the issue's ten minutes; shorter
steps are allowed for a quick look and the JSON states the step length) after a ramp of one tenth of a
step. A step is sustained when the p95 of every request together is <= 500 ms and no request failed;
`max_users` is the largest sustained step (the steps stop at the first one that is not). Logging in
(one password hash per simulated user at its start, a Monday-morning storm by design) is reported but
not part of the criterion. Output: one JSON line with every step's figures, per page and operation
p50/p95/p99 and errors at the max_users step and at the first step that failed, the machine's load
average at each step (the machine may be shared), the gunicorn workers and, when PostgreSQL has
pg_stat_statements loaded, the statements that took the most time during the run.
"""

import argparse
import csv
import json
import os
import subprocess  # nosec B404  # runs locust and gunicorn with fixed arguments, no shell
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from _common import ROOT, free_port, serve, setup_database, teardown_database  # noqa: E402

TARGET_P95_MS = 500
NAME = "load"


def build_city(scale: float):
    """The full demo city at `scale` (kept when the database already holds it)."""
    from django.core.management import call_command
    from django.db import connection

    from jiceng.orgs.models import Unit
    from jiceng.people.models import Person

    if Unit.objects.exists():
        if Person.objects.count() < scale * 200_000 * 0.95:
            raise SystemExit(f"the kept database holds a smaller city than --scale {scale}: run without --keep "
                             f"(it is rebuilt) or give the scale it was built at")
        return
    started = time.perf_counter()
    call_command("demo_city", scale=scale, quiet=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"built the city (scale {scale}) in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def fixture() -> dict:
    """What the simulated people need: tokens of the demo logins, points in the grid worker's grids,
    case codes in their units, an Open311 api_key."""
    import shapely

    from jiceng.accounts.models import User
    from jiceng.accounts.services import token_create
    from jiceng.cases import services as case_services
    from jiceng.cases.models import Case, Category
    from jiceng.orgs.models import Unit

    tokens = {}
    for username in ("demo-grid", "demo-community", "demo-county", "demo-admin", "demo-resident", "demo-member"):
        _row, key = token_create(user=User.objects.get(username=username), name="bench-load")
        tokens[username] = key
    grid_user = User.objects.get(username="demo-grid")
    grid = Unit.objects.get(pk=grid_user.grants.order_by("pk").first().unit_id)
    chain = {u.kind: u for u in Unit.objects.filter(code__in=grid.ancestor_codes)}
    grids = Unit.objects.filter(kind="grid", path__startswith=chain["community"].path).order_by("code")
    def inside(units):
        return [[p.y, p.x] for p in (shapely.from_wkb(bytes(g.geom)).representative_point() for g in units if g.geom)]

    own = Unit.objects.filter(pk__in=grid_user.grants.values("unit_id"), kind="grid")

    def codes(unit, n=200):
        return list(Case.objects.filter(unit_path__startswith=unit.path).order_by("-received_at")
                    .values_list("code", flat=True)[:n])

    admin = User.objects.get(username="demo-admin")
    _key_row, open311_key = case_services.open311_key_create(actor=admin, name="bench-load",
                                                             unit=Unit.objects.get(kind="city"))
    category = Category.objects.filter(children__isnull=True, active=True).order_by("code").first().code
    from jiceng.cases.models import PUBLIC_SOURCES

    public = list(Case.objects.filter(source__in=list(PUBLIC_SOURCES)).order_by("-received_at")
                  .values_list("code", flat=True)[:50])
    return {"tokens": tokens, "points": inside(grids), "grid_points": inside(own) or inside(grids), "category": category,
            "grid_cases": codes(grid) or codes(chain["community"]), "community_cases": codes(chain["community"]),
            "county_cases": codes(chain["county"]), "public_cases": public, "open311_key": open311_key,
            "units": {k: chain[k].code for k in ("city", "county", "street", "community") if k in chain}}


def _pg_statements(reset: bool = False):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'")
        if not cursor.fetchone():
            try:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            except Exception:  # noqa: BLE001 - not installable: report without it
                return None
        try:
            if reset:
                cursor.execute("SELECT pg_stat_statements_reset()")
                return []
            cursor.execute("SELECT round(total_exec_time::numeric, 0), calls, round(mean_exec_time::numeric, 2), "
                           "left(regexp_replace(query, '\\s+', ' ', 'g'), 300) FROM pg_stat_statements "
                           "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                           "ORDER BY total_exec_time DESC LIMIT 10")
            return [{"total_ms": float(t), "calls": c, "mean_ms": float(m), "query": q}
                    for t, c, m, q in cursor.fetchall()]
        except Exception:  # noqa: BLE001 - the library is not in shared_preload_libraries
            return None


def _read_stats(prefix: str) -> list[dict]:
    rows = []
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            def num(key, r=r):
                value = r.get(key) or "0"
                return 0.0 if value == "N/A" else float(value)
            rows.append({"name": r["Name"], "method": r["Type"], "requests": int(r["Request Count"]),
                         "errors": int(r["Failure Count"]), "p50_ms": num("50%"), "p95_ms": num("95%"),
                         "p99_ms": num("99%"), "rps": round(num("Requests/s"), 2)})
    return rows


def _read_failures(prefix: str) -> list[str]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as f:
        return [f"{r['Method']} {r['Name']}: {r['Error'][:160]} x{r['Occurrences']}" for r in csv.DictReader(f)][:10]


def _criterion(rows: list[dict]) -> tuple[float, int, float]:
    """p95 (ms) over every request but the logins, their errors, the requests per second."""
    import statistics

    ops = [r for r in rows if r["name"] not in ("Aggregated", "login", "login page")]
    total = sum(r["requests"] for r in ops)
    errors = sum(r["errors"] for r in ops)
    # locust's Aggregated row includes the logins: take the request-weighted worst p95 when it differs
    # little; a request-count-weighted quantile of per-operation p95s is an upper bound of the overall.
    if not total:
        return 0.0, errors, 0.0
    ordered = sorted(ops, key=lambda r: r["p95_ms"])
    seen, p95 = 0, ordered[-1]["p95_ms"]
    for r in ordered:
        seen += r["requests"]
        if seen >= total * 0.95:
            p95 = r["p95_ms"]
            break
    return p95, errors, round(statistics.fsum(r["rps"] for r in ops), 2)


def _cpu(server_pid: int, url: str) -> dict:
    """CPU seconds used so far by gunicorn (master and workers) and by each PostgreSQL backend serving
    this benchmark's database: the cost of a request whatever else the machine is doing."""
    import psutil
    from _common import _admin

    app = 0.0
    ports = set()  # the local ports of gunicorn's connections: its backends, not another client's
    master = psutil.Process(server_pid)
    for proc in [master, *master.children(recursive=True)]:
        try:
            times = proc.cpu_times()
            app += times.user + times.system
            ports.update(c.laddr.port for c in proc.net_connections(kind="tcp") if c.raddr)
        except psutil.Error:
            pass
    backends = {}
    for pid, port in _admin(url, "SELECT pid, client_port FROM pg_stat_activity WHERE datname = %s",
                            [url.rsplit("/", 1)[1]]):
        if port not in ports:
            continue
        try:
            times = psutil.Process(pid).cpu_times()
            backends[pid] = times.user + times.system
        except psutil.Error:
            pass
    return {"app": app, "db": backends}


def run_step(host: str, users: int, seconds: int, workdir: str, fixture_path: str, env: dict,
             server_pid: int, url: str) -> dict:
    prefix = os.path.join(workdir, f"u{users}")
    cpu_before = _cpu(server_pid, url)
    ramp = max(1.0, users / max(seconds / 10, 1))
    started = time.time()
    done = subprocess.run([sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",  # nosec B603  # fixed argument list, no shell
                           "-u", str(users), "-r", f"{ramp:.2f}", "--run-time", f"{seconds}s", "--host", host,
                           "--csv", prefix, "--only-summary", "--stop-timeout", "10", "--exit-code-on-error", "0",
                           "--loglevel", "WARNING"],
                          env={**env, "LOAD_FIXTURE": fixture_path, "LOAD_PROFILE": prefix + "_server.json"}, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"locust failed ({done.returncode}):\n{done.stderr[-3000:]}")
    cpu_after = _cpu(server_pid, url)
    rows = _read_stats(prefix)
    p95, errors, rps = _criterion(rows)
    requests = sum(r["requests"] for r in rows if r["name"] != "Aggregated")
    app_s = cpu_after["app"] - cpu_before["app"]
    db_s = sum(v - cpu_before["db"].get(pid, 0.0) for pid, v in cpu_after["db"].items())
    per_request_ms = (app_s + db_s) * 1000 / max(requests, 1)
    logins = [r for r in rows if r["name"] == "login"]
    step = {"users": users, "seconds": seconds, "rps": rps, "p95_ms": p95, "errors": errors,
            "sustained": p95 <= TARGET_P95_MS and errors == 0,
            "login_p95_ms": logins[0]["p95_ms"] if logins else None, "requests": requests,
            "cpu_ms_per_request": {"gunicorn": round(app_s * 1000 / max(requests, 1), 1),
                                   "postgresql": round(db_s * 1000 / max(requests, 1), 1)},
            # what one core would carry at this mix if it did nothing else (CPU cost, not wall time)
            "requests_per_core_s": round(1000 / per_request_ms, 1) if per_request_ms else None,
            "users_per_core": round(1000 / per_request_ms / (rps / users), 0) if per_request_ms and rps else None,
            "load_average_1m": round(os.getloadavg()[0], 2), "wall_s": round(time.time() - started, 1)}
    print(json.dumps(step), file=sys.stderr, flush=True)
    server = json.loads(Path(prefix + "_server.json").read_text()) if Path(prefix + "_server.json").exists() else {}
    for r in rows:
        r.update(server.get(r["name"], {}))
    return {**step, "operations": [r for r in rows if r["name"] != "Aggregated"], "failures": _read_failures(prefix)}


def measure(args, url: str) -> dict:
    from django.db import connections

    from jiceng.cases.models import Case
    from jiceng.people.models import Person

    build_city(args.scale)
    start_load = [round(x, 2) for x in os.getloadavg()]
    fix = fixture()
    residents, cases = Person.objects.count(), Case.objects.count()
    workdir = tempfile.mkdtemp(prefix="jiceng-load-")
    fixture_path = os.path.join(workdir, "fixture.json")
    Path(fixture_path).write_text(json.dumps(fix), encoding="utf-8")
    pg_stats = _pg_statements(reset=True) is not None
    connections.close_all()
    port = int(os.environ.get("BENCH_PORT") or free_port())
    env = dict(os.environ, DATABASE_URL=url, JICENG_DEMO="1", DJANGO_SETTINGS_MODULE="jiceng.settings",
               JICENG_QUERY_COUNT_HEADER="1",  # X-Server-Ms and X-Query-Count: the per-operation profile
               JICENG_DB_CONN_MAX_AGE="3600",  # one backend per thread for the run: its CPU is counted
               # every simulated grid worker reports as demo-grid (every resident as demo-resident): the
               # per-user intake throttle (60 an hour, one person) would answer 429 to the crowd
               JICENG_INTAKE_MAX_PER_USER_HOUR="1000000", JICENG_INTAKE_MAX_PER_HOUR="1000000")
    workers = args.workers or os.cpu_count() or 1
    server = serve("jiceng.wsgi", env, port=port, workers=workers, threads=args.threads, probe="/accounts/login/")
    steps = []
    try:
        for users in [int(u) for u in args.users.split(",")]:
            steps.append(run_step(f"http://127.0.0.1:{port}", users, args.step_seconds, workdir, fixture_path,
                                  env, server.pid, url))
            if not steps[-1]["sustained"]:
                break
    finally:
        server.terminate()
        server.wait(timeout=30)
    sustained = [s for s in steps if s["sustained"]]
    best = sustained[-1] if sustained else None
    broken = next((s for s in steps if not s["sustained"]), None)
    hot = sorted((r for r in (best or broken or {"operations": []})["operations"] if r.get("server_ms_mean")),
                 key=lambda r: -r["server_ms_mean"] * r["requests"])[:5]
    slim = [{k: v for k, v in s.items() if k not in ("operations", "failures")} for s in steps]
    return {"name": NAME, "scale": args.scale, "residents": residents, "cases": cases,
            "step_seconds": args.step_seconds, "target_p95_ms": TARGET_P95_MS,
            "max_users": best["users"] if best else 0, "cores": os.cpu_count(), "gunicorn_workers": workers,
            "gunicorn_threads": args.threads, "steps": slim,
            "load_average_at_start": start_load,
            "hot_spots": [{"name": r["name"], "server_ms_total": round(r["server_ms_mean"] * r["requests"]),
                           "server_ms_mean": r["server_ms_mean"], "queries_mean": r.get("queries_mean")} for r in hot],
            "at_max_users": best and best["operations"], "first_failing_step": broken and {
                "users": broken["users"], "operations": broken["operations"], "failures": broken["failures"]},
            "pg_top_statements": _pg_statements() if pg_stats else "pg_stat_statements not loaded"}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=float(os.environ.get("JICENG_BENCH_SCALE", 5)))
    ap.add_argument("--users", default="25,50,100,200,400,800", help="the steps of simulated users")
    ap.add_argument("--step-seconds", type=int, default=600, help="length of each step (the issue: 600)")
    ap.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: the cores)")
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--keep", action="store_true", help="keep the database (and reuse a kept one)")
    ap.add_argument("--db", default=NAME, help="the database is jiceng_bench_<db> (default: load), e.g. to keep "
                                              "cities of two scales side by side")
    args = ap.parse_args(argv)
    url, _created = setup_database(args.db, keep=args.keep)
    try:
        result = measure(args, url)
    finally:
        if not args.keep:
            teardown_database(url, True)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
