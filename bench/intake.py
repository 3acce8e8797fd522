"""Benchmark: case intake over HTTP (issue 4): gunicorn + PostgreSQL, 8 concurrent clients, against
raw pgbench single-row inserts (10 columns, 8 clients, same server, same run). Target ratio >= 0.5.

    python bench/intake.py [--seconds S] [--workers W] [--threads T] [--keep]

The server is gunicorn with the production settings (gunicorn.conf.py); the 8 clients are processes
with kept-alive connections. In the same run the same clients first post to a constant-answer WSGI
application under the same settings (bench/_ceiling_app.py): `http_ceiling_rps` is the most any Python
web application reaches here, `ceiling_ratio` its ratio to pgbench, `share_of_ceiling` what intake
reaches of it.

Reliability: half-way through, one gunicorn worker is killed with SIGKILL. Clients retry a failed
request with the SAME Idempotency-Key. At the end every key that got a 2xx must be in the database
exactly once (and with the case code the client was given), and replaying 200 keys adds nothing.
Prints one JSON object as its last line: name, cases_per_second, pgbench_tps, ratio, http_ceiling_rps,
ceiling_ratio, share_of_ceiling, exactly_once, …
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import signal
import subprocess  # nosec B404  # runs fixed commands only, no shell
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _common import free_port, serve, setup_database, teardown_database  # noqa: E402

NAME = "intake"
PORT = int(os.environ.get("BENCH_PORT") or free_port())
CLIENTS = 8

POINTS: list = []


def build_city_and_token() -> str:
    """The demo city's units (every grid of the orgs step: 1,910 at scale 1), a city administrator with
    an API token, and a representative point of every grid, so that cases, their timeline and their
    rollup rows spread over the real grids (three test grids would make the rollup a fake hot spot)."""
    import shapely

    from jiceng.accounts.services import grant_create, token_create, user_create
    from jiceng.demo.runner import DemoContext, build_demo_city
    from jiceng.orgs.models import Unit

    if not Unit.objects.filter(kind="grid").exists():
        build_demo_city(DemoContext(quiet=True), only={"orgs"})
    for geom in Unit.objects.filter(kind="grid").exclude(geom=None).values_list("geom", flat=True):
        pt = shapely.from_wkb(bytes(geom)).representative_point()
        POINTS.append((pt.y, pt.x))
    user = user_create(actor=None, username=f"bench-intake-{os.getpid()}", password="bench-intake-pass")  # nosec B106  # password of a throw-away benchmark user in its own database
    grant_create(actor=None, user=user, role="city_admin", unit=Unit.objects.get(kind="city"))
    _token, key = token_create(user=user, name="bench")
    return key


def pgbench(url: str, seconds: int) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_raw (id bigserial PRIMARY KEY, a int, b int, c text, "
                     "d text, e float8, f float8, g timestamptz, h timestamptz, i boolean, j text)")
    script = Path(tempfile.mkdtemp(prefix="jiceng_bench_")) / "intake.sql"
    script.write_text("INSERT INTO bench_raw (a, b, c, d, e, f, g, h, i, j) VALUES (1, 2, 'received', "
                      "'描述文字', 36.05, 111.42, now(), now(), true, 'api');\n")
    db = url.rsplit("/", 1)[1]
    out = subprocess.run(["pgbench", "-n", "-h", "127.0.0.1", "-U", "postgres", "-c", str(CLIENTS), "-j", "2",  # nosec B603 B607  # a PostgreSQL client tool found on PATH, fixed arguments
                          "-T", str(seconds), "-f", str(script), db], capture_output=True, text=True, check=True)
    m = re.search(r"tps = ([\d.]+)", out.stdout)
    return float(m.group(1))


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of one process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _workers(master: int) -> list[int]:
    return [int(p) for p in subprocess.run(["pgrep", "-P", str(master)], capture_output=True,  # nosec B603 B607  # procps' pgrep on PATH, fixed arguments
                                           text=True).stdout.split()]


def _post(conn, token, key, body, path="/api/v1/cases"):
    conn.request("POST", path, body=body, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key})
    resp = conn.getresponse()
    return resp.status, resp.read()


def client(n: int, token: str, port: int, seconds: float, prefix: str, out, path: str = "/api/v1/cases"):
    """One client process: posts cases back to back on a kept-alive connection for `seconds`; a failed
    request (connection reset by the killed worker, 5xx) is retried with the SAME Idempotency-Key.
    Puts (ok {key: case code}, retries, 4xx count) on `out`. Processes, not threads: a client that shares
    one interpreter lock with seven others would measure itself."""
    ok: dict[str, str] = {}
    retries = errors = 0
    rng = random.Random(n)  # nosec B311  # seeded generator for synthetic data, not a secret
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    deadline = time.monotonic() + seconds
    i = 0
    while time.monotonic() < deadline:
        key = f"{prefix}{n}-{i}"
        i += 1
        lat, lng = rng.choice(POINTS) if POINTS else (0.0, 0.0)
        body = json.dumps({"category": "E0101", "description": "基准测试上报", "source": "api", "lat": lat, "lng": lng})
        for _attempt in range(10):
            try:
                status, data = _post(conn, token, key, body, path)
            except (OSError, http.client.HTTPException):
                retries += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                time.sleep(0.05)
                continue
            if status in (200, 201):
                ok[key] = json.loads(data)["code"]
                break
            if status >= 500:
                retries += 1
                continue
            errors += 1
            break
    out.put((ok, retries, errors))


def run_clients(token: str, port: int, seconds: float, prefix: str, *, path: str = "/api/v1/cases",
                halfway=None) -> tuple[list, float]:
    """CLIENTS processes for `seconds`; `halfway()` is called half-way through. Returns (results, elapsed)."""
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    procs = [ctx.Process(target=client, args=(n, token, port, seconds, prefix, out, path)) for n in range(CLIENTS)]
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    if halfway is not None:
        time.sleep(seconds / 2)
        halfway()
    results = [out.get() for _ in procs]
    elapsed = time.perf_counter() - t0
    for p in procs:
        p.join()
    return results, elapsed

def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="gunicorn workers (gunicorn.conf.py's default: one per core)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (gunicorn.conf.py's default)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url, created = setup_database(NAME)
    from django.db import connection

    token = build_city_and_token()
    connection.close()
    # One API token files every report here: its hourly per-user limit (60, issue 10) is lifted for this
    # server only; the throttle's upsert still runs on every request.
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="jiceng.settings", JICENG_DEMO="1",
               JICENG_INTAKE_MAX_PER_USER_HOUR="1000000000")

    # The ceiling: the same clients against a constant answer under the same server settings.
    server = serve("_ceiling_app:application", env, port=PORT, workers=args.workers, threads=args.threads,
                   probe="/api/v1/case-categories")
    try:
        results, elapsed = run_clients("", PORT, min(8, args.seconds), "h", path="/")
        ceiling_rps = sum(len(r[0]) for r in results) / elapsed
    finally:
        stop(server)

    server = serve("jiceng.wsgi", env, port=PORT, workers=args.workers, threads=args.threads,
                   probe="/api/v1/case-categories")
    killed = None
    try:
        run_clients(token, PORT, 2, "w")  # warm every worker
        cpu_start = {pid: _cpu_seconds(pid) for pid in _workers(server.pid)}
        cpu_killed = 0.0
        load_start = os.getloadavg()[0]

        def kill_one():
            nonlocal killed, cpu_killed
            children = _workers(server.pid)
            if children:
                killed = children[0]
                cpu_killed = _cpu_seconds(killed) - cpu_start.get(killed, 0.0)
                os.kill(killed, signal.SIGKILL)

        results, elapsed = run_clients(token, PORT, args.seconds, "c", halfway=kill_one)
        server_cpu = cpu_killed + sum(_cpu_seconds(pid) - cpu_start.get(pid, 0.0) for pid in _workers(server.pid))
        load_end = os.getloadavg()[0]
        ok = {}
        for r in results:
            ok.update(r[0])
        # replay 200 keys: nothing new
        from jiceng.cases.models import Case

        before = Case.objects.count()
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        replay_same = 0
        for key in random.Random(1).sample(sorted(ok), min(200, len(ok))):  # nosec B311  # seeded generator for synthetic data, not a secret
            lat, lng = POINTS[0]
            status, data = _post(conn, token, key, json.dumps({"category": "E0101", "description": "重放",
                                                                "lat": lat, "lng": lng}))
            replay_same += int(status == 200 and json.loads(data)["code"] == ok[key])
        after = Case.objects.count()
        rows = dict(Case.objects.filter(idempotency_key__startswith="api:").values_list("idempotency_key", "code"))
        uid_prefix = next(iter(rows)).rsplit(":", 1)[0] + ":" if rows else ""
        exactly_once = all(rows.get(uid_prefix + k) == code for k, code in ok.items())
        bench_cases = sum(1 for k in rows if k.split(":")[-1].startswith("c"))
    finally:
        stop(server)
    measured = len(ok)
    cps = measured / elapsed
    tps = pgbench(url, min(15, args.seconds))
    result = {"name": NAME, "cases_per_second": round(cps, 1), "pgbench_tps": round(tps, 1),
              "ratio": round(cps / tps, 3), "http_ceiling_rps": round(ceiling_rps, 1),
              "ceiling_ratio": round(ceiling_rps / tps, 3), "share_of_ceiling": round(cps / ceiling_rps, 3),
              "clients": CLIENTS, "workers": args.workers, "threads": args.threads,
              "seconds": round(elapsed, 1), "cases_2xx": measured, "killed_worker": killed,
              "client_retries": sum(r[1] for r in results), "client_4xx": sum(r[2] for r in results),
              "exactly_once": exactly_once, "replays_same_case": replay_same, "replay_added": after - before,
              "rows_with_keys": len(rows), "bench_rows": bench_cases,
              "server_cpu_ms_per_case": round(server_cpu * 1000 / max(1, measured), 2),
              "grids": len(POINTS), "load_average_1m": [round(load_start, 2), round(load_end, 2)],
              "cpus": os.cpu_count()}
    if not args.keep:
        teardown_database(url, created)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
