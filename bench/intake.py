"""Benchmark: case intake over HTTP (issue 4): gunicorn + PostgreSQL, 8 concurrent clients, against
raw pgbench single-row inserts (10 columns, 8 clients, same server, same run). Target ratio >= 0.5.

    python bench/intake.py [--seconds S] [--workers W] [--keep]

Reliability: half-way through, one gunicorn worker is killed with SIGKILL. Clients retry a failed
request with the SAME Idempotency-Key. At the end every key that got a 2xx must be in the database
exactly once (and with the case code the client was given), and replaying 200 keys adds nothing.
Prints one JSON object as its last line: name, cases_per_second, pgbench_tps, ratio, exactly_once, …
"""

import argparse
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
NAME = "intake"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT = int(os.environ.get("BENCH_PORT") or _free_port())
CLIENTS = 8


from _common import setup_database, teardown_database  # noqa: E402

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
    user = user_create(actor=None, username=f"bench-intake-{os.getpid()}", password="bench-intake-pass")
    grant_create(actor=None, user=user, role="city_admin", unit=Unit.objects.get(kind="city"))
    _token, key = token_create(user=user, name="bench")
    return key


def pgbench(url: str, seconds: int) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_raw (id bigserial PRIMARY KEY, a int, b int, c text, "
                     "d text, e float8, f float8, g timestamptz, h timestamptz, i boolean, j text)")
    script = Path("/tmp/jiceng_bench_intake.sql")
    script.write_text("INSERT INTO bench_raw (a, b, c, d, e, f, g, h, i, j) VALUES (1, 2, 'received', "
                      "'描述文字', 36.05, 111.42, now(), now(), true, 'api');\n")
    db = url.rsplit("/", 1)[1]
    out = subprocess.run(["pgbench", "-n", "-h", "127.0.0.1", "-U", "postgres", "-c", str(CLIENTS), "-j", "2",
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
    return [int(p) for p in subprocess.run(["pgrep", "-P", str(master)], capture_output=True,
                                           text=True).stdout.split()]


class Client(threading.Thread):
    def __init__(self, n: int, token: str, stop: threading.Event, prefix: str = "c"):
        super().__init__(daemon=True)
        self.n, self.token, self.stop, self.prefix = n, token, stop, prefix
        self.ok: dict[str, str] = {}  # idempotency key -> case code
        self.retries = 0
        self.errors = 0
        self.rng = random.Random(n)

    def _post(self, conn, key, body):
        conn.request("POST", "/api/v1/cases", body=body, headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json", "Idempotency-Key": key})
        resp = conn.getresponse()
        return resp.status, resp.read()

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        i = 0
        while not self.stop.is_set():
            key = f"{self.prefix}{self.n}-{i}"
            i += 1
            lat, lng = self.rng.choice(POINTS)
            body = json.dumps({"category": "E0101", "description": "基准测试上报", "source": "api",
                               "lat": lat, "lng": lng})
            for _attempt in range(10):
                try:
                    status, data = self._post(conn, key, body)
                except (OSError, http.client.HTTPException):
                    self.retries += 1
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                    time.sleep(0.05)
                    continue
                if status in (200, 201):
                    self.ok[key] = json.loads(data)["code"]
                    break
                if status >= 500:
                    self.retries += 1
                    continue
                self.errors += 1
                break


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1),
                        help="gunicorn sync workers (default two per core: each waits on the database half the time)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url, created = setup_database(NAME)
    from django.db import connection

    token = build_city_and_token()
    connection.close()
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="jiceng.settings")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "jiceng.wsgi", "-b", f"127.0.0.1:{PORT}",
                               "-w", str(args.workers), "--log-level", "warning"], cwd=ROOT, env=env)
    killed = None
    try:
        for _ in range(100):
            if server.poll() is not None:
                raise SystemExit(f"gunicorn exited with {server.returncode} (port {PORT} busy?)")
            try:
                c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                c.request("GET", "/api/v1/case-categories", headers={"Authorization": f"Bearer {token}"})
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        # warm every worker
        stop = threading.Event()
        warm = [Client(i, token, stop, prefix="w") for i in range(CLIENTS)]
        for w in warm:
            w.start()
        time.sleep(2)
        stop.set()
        for w in warm:
            w.join()
        stop = threading.Event()
        clients = [Client(i, token, stop) for i in range(CLIENTS)]
        cpu_start = {pid: _cpu_seconds(pid) for pid in _workers(server.pid)}
        load_start = os.getloadavg()[0]
        t0 = time.perf_counter()
        for c in clients:
            c.start()
        time.sleep(args.seconds / 2)
        children = _workers(server.pid)
        cpu_killed = 0.0
        if children:
            killed = children[0]
            cpu_killed = _cpu_seconds(killed) - cpu_start.get(killed, 0.0)
            os.kill(killed, signal.SIGKILL)
        time.sleep(args.seconds / 2)
        stop.set()
        for c in clients:
            c.join()
        elapsed = time.perf_counter() - t0
        server_cpu = cpu_killed + sum(_cpu_seconds(pid) - cpu_start.get(pid, 0.0) for pid in _workers(server.pid))
        load_end = os.getloadavg()[0]
        ok = {}
        for c in clients:
            ok.update(c.ok)
        # replay 200 keys: nothing new
        from jiceng.cases.models import Case

        before = Case.objects.count()
        replay = Client(0, token, threading.Event())
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        replay_same = 0
        for key in random.Random(1).sample(sorted(ok), min(200, len(ok))):
            lat, lng = POINTS[0]
            status, data = replay._post(conn, key, json.dumps({"category": "E0101", "description": "重放",
                                                                "lat": lat, "lng": lng}))
            replay_same += int(status == 200 and json.loads(data)["code"] == ok[key])
        after = Case.objects.count()
        rows = dict(Case.objects.filter(idempotency_key__startswith="api:").values_list("idempotency_key", "code"))
        uid_prefix = next(iter(rows)).rsplit(":", 1)[0] + ":" if rows else ""
        exactly_once = all(rows.get(uid_prefix + k) == code for k, code in ok.items())
        bench_cases = sum(1 for k in rows if k.split(":")[-1].startswith("c"))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    measured = sum(len(c.ok) for c in clients)
    cps = measured / elapsed
    tps = pgbench(url, min(15, args.seconds))
    result = {"name": NAME, "cases_per_second": round(cps, 1), "pgbench_tps": round(tps, 1),
              "ratio": round(cps / tps, 3), "clients": CLIENTS, "workers": args.workers,
              "seconds": round(elapsed, 1), "cases_2xx": measured, "killed_worker": killed,
              "client_retries": sum(c.retries for c in clients), "client_4xx": sum(c.errors for c in clients),
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
