"""Two web nodes and two task workers against one PostgreSQL, behind haproxy: what must hold across nodes.

    python scripts/two_nodes.py [--keep-db] [--ports 8100,8101,8102,8109] [--measure [--users 20]
                                [--seconds 90] [--scale 0.02] [--keep-bench]]
    python scripts/two_nodes.py --measure-only ...      (the throughput measurement alone)

Starts, on this machine, in a database of its own (`jiceng_two_nodes`, created and dropped here):
- node A and node B: two gunicorn masters (gunicorn.conf.py, one worker each) on ports 8101 and 8102
  (`--ports front,A,B,webhook`);
- haproxy (Debian's package) on port 8100, round robin over both, naming the node in `X-Node`;
- two `manage.py db_worker` processes.
Then checks, each printed as it is seen (last line: one JSON object; exit 1 on any failure):
1. requests through haproxy reach both nodes;
2. a session made by logging in on node A is good on node B, and logging out on B ends it on A;
3. failed logins are counted across nodes: wrong passwords spread over A and B lock the pair out on both;
4. an Idempotency-Key retried on the other node returns the same case, and there is one case;
5. a grid's geometry changed through node A is used by node B's routing at once (the version row);
6. the background tasks queued by both nodes' requests (notifications, delivered to a local webhook
   receiver) are each run by exactly one of the two workers, and each is delivered once.

With --measure (or --measure-only) it then measures what the second node gives: the load test's mix
(bench/load/locustfile.py, headless, --users simulated people for --seconds after a ramp) once against
node A alone and once against haproxy over nodes A and B, in a benchmark database of its own
(`jiceng_bench_two_nodes`, created through bench/_common.py, which refuses a database no benchmark made;
a demo city at --scale, dropped afterwards unless --keep-bench). Each run reports requests per second,
p95 (logins apart, as bench/load/run.py counts it), errors, the CPU time per request of the gunicorn
processes and of the PostgreSQL backends serving them, and the load average: on a shared machine the
CPU per request is the figure that does not depend on what else runs. The task workers are not part of
the measurement (the mix's notifications wait in the queue).
"""

import argparse
import json
import os
import re
import signal
import subprocess  # nosec B404  # fixed commands of this operations script, no shell
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
DB = "jiceng_two_nodes"
PORTS = {"A": 8101, "B": 8102}
FRONT = 8100
HOOK = 8109

HAPROXY = """global
    maxconn 512
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
frontend front
    bind 127.0.0.1:{front}
    default_backend nodes
backend nodes
    balance roundrobin
    http-response set-header X-Node %s
    server A 127.0.0.1:{a} check
    server B 127.0.0.1:{b} check
"""


def _admin(sql: str):
    import psycopg

    with psycopg.connect(SERVER + "/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _wait(url: str, seconds: float = 300):
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def _login(session, base: str, username: str, password: str):
    page = session.get(f"{base}/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session.post(f"{base}/accounts/login/", allow_redirects=False,
                        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
                        headers={"Referer": f"{base}/accounts/login/"})


class Hook:
    """A local webhook receiver: counts the notifications delivered to it."""

    def __init__(self):
        import http.server
        import threading

        hook = self
        self.bodies: list[bytes] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                hook.bodies.append(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", HOOK), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def checks(env: dict, hook: Hook) -> tuple[dict, list[str]]:
    import requests
    import shapely
    from shapely.geometry import mapping

    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django_tasks_db.models import DBTaskResult

    from jiceng.accounts.services import grant_create, user_create
    from jiceng.cases.models import Case
    from jiceng.orgs.models import Unit

    seen, failures = {}, []
    a, b, front = (f"http://127.0.0.1:{PORTS['A']}", f"http://127.0.0.1:{PORTS['B']}",
                   f"http://127.0.0.1:{FRONT}")
    city = Unit.objects.get(kind="city")
    admin = user_create(actor=None, username="nodes-admin", password="nodes-admin-pw")  # nosec B106  # a throwaway user in the script's own database
    grant_create(actor=None, user=admin, role="city_admin", unit=city)
    victim = user_create(actor=None, username="nodes-victim", password="nodes-victim-pw")  # nosec B106  # a throwaway user in the script's own database
    grant_create(actor=None, user=victim, role="city_admin", unit=city)

    # 1. both nodes behind the proxy
    nodes = [requests.get(f"{front}/accounts/login/", timeout=10).headers.get("X-Node") for _ in range(6)]
    seen["proxy_nodes"] = sorted(set(nodes))
    if set(nodes) != {"A", "B"}:
        failures.append(f"haproxy reached {nodes}")

    # 2. a session made on A is good on B; logging out on B ends it on A
    s = requests.Session()
    _login(s, a, "nodes-admin", "nodes-admin-pw")
    on_b = s.get(f"{b}/cases/board/", allow_redirects=False)
    seen["session_a_on_b"] = on_b.status_code
    if on_b.status_code != 200:
        failures.append(f"a session from node A got {on_b.status_code} on node B")
    cookie = dict(s.cookies)
    token = s.get(f"{b}/cases/board/").text
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', token)
    if csrf:
        s.post(f"{b}/accounts/logout/", data={"csrfmiddlewaretoken": csrf.group(1)},
               headers={"Referer": f"{b}/cases/board/"}, allow_redirects=False)
    replay = requests.get(f"{a}/cases/board/", cookies=cookie, allow_redirects=False, timeout=10)
    seen["session_after_logout_on_b"] = replay.status_code
    if replay.status_code == 200:
        failures.append("a session logged out on node B still works on node A (sessions are not server side)")

    # 3. failed logins counted across nodes
    limit = int(env.get("JICENG_LOGIN_MAX_FAILURES", "5"))
    for i in range(limit):
        _login(requests.Session(), a if i % 2 else b, "nodes-victim", "wrong-password")
    last = _login(requests.Session(), a, "nodes-victim", "nodes-victim-pw")
    seen["login_after_failures_status"] = last.status_code
    if last.status_code == 302:
        failures.append(f"{limit} failures spread over both nodes did not throttle the next login")

    # 4. idempotency across nodes
    api = requests.Session()
    tok = api.post(f"{a}/api/v1/auth/token", json={"username": "nodes-admin", "password": "nodes-admin-pw"})  # nosec B105  # a throwaway password in the script's own database
    headers = {"Authorization": f"Bearer {tok.json()['token']}", "Idempotency-Key": uuid.uuid4().hex}
    grid = Unit.objects.filter(kind="grid").order_by("code").first()
    point = shapely.from_wkb(bytes(grid.geom)).representative_point()
    from jiceng.cases.models import Category

    category = Category.objects.filter(children__isnull=True).order_by("code").first()
    body = {"category": category.code, "description": "两个节点之间的重试", "source": "api",
            "lat": point.y, "lng": point.x, "crs": "wgs84"}
    first = api.post(f"{a}/api/v1/cases", json=body, headers=headers)
    second = api.post(f"{b}/api/v1/cases", json=body, headers=headers)
    codes = (first.json().get("code"), second.json().get("code"))
    seen["idempotency"] = {"statuses": [first.status_code, second.status_code], "codes": codes,
                           "cases": Case.objects.filter(description=body["description"]).count()}
    if first.status_code != 201 or second.status_code != 200 or codes[0] != codes[1] \
            or seen["idempotency"]["cases"] != 1:
        failures.append(f"idempotency across nodes: {seen['idempotency']}")

    # 5. geometry changed through A, used by B's routing
    polygon = shapely.from_wkb(bytes(grid.geom))
    neighbour = next(u for u in Unit.objects.filter(kind="grid", parent=grid.parent).exclude(pk=grid.pk)
                     if shapely.from_wkb(bytes(u.geom)).intersects(polygon))
    border = polygon.boundary.intersection(shapely.from_wkb(bytes(neighbour.geom)).boundary)
    edge = border.interpolate(0.5, normalized=True)
    centre = polygon.centroid
    d = ((centre.x - edge.x) ** 2 + (centre.y - edge.y) ** 2) ** 0.5
    step = 0.00005 / d  # about 5 m towards the centre
    probe = shapely.Point(edge.x + (centre.x - edge.x) * step, edge.y + (centre.y - edge.y) * step)
    ask = {"lat": probe.y, "lng": probe.x, "crs": "wgs84"}
    auth = {"Authorization": headers["Authorization"]}
    before = api.get(f"{b}/api/v1/locate", params=ask, headers=auth).json()
    shrunk = polygon.buffer(-0.0004)
    patch = api.patch(f"{a}/api/v1/units/{grid.code}", json={"geometry": mapping(shrunk)}, headers=auth)
    after = api.get(f"{b}/api/v1/locate", params=ask, headers=auth).json()
    seen["routing"] = {"grid": grid.code, "before_on_b": (before.get("grid") or {}).get("code"),
                       "patch_on_a": patch.status_code, "after_on_b": (after.get("grid") or {}).get("code")}
    if patch.status_code != 200 or seen["routing"]["before_on_b"] == seen["routing"]["after_on_b"]:
        failures.append(f"node B did not route with node A's new geometry: {seen['routing']}")

    # 6. tasks queued by both nodes, run once each by one of the two workers
    for n in range(12):
        body = dict(body, description=f"两个节点的通知 {n}")
        api.post(f"{(a, b)[n % 2]}/api/v1/cases", json=body, headers={"Authorization": headers["Authorization"]})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if not DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).exists():
            break
        time.sleep(0.5)
    time.sleep(1)
    results = list(DBTaskResult.objects.values_list("status", "worker_ids"))
    workers = {w for _s, ids in results for w in ids}
    seen["tasks"] = {"count": len(results), "successful": sum(s == "SUCCESSFUL" for s, _ in results),
                     "claimed_once": sum(len(ids) == 1 for _, ids in results), "workers": len(workers),
                     "webhook_deliveries": len(hook.bodies)}
    if not results or any(s != "SUCCESSFUL" or len(ids) != 1 for s, ids in results) \
            or len(hook.bodies) != len(results):
        failures.append(f"tasks not run exactly once each: {seen['tasks']}")
    return seen, failures


def _gunicorn(env: dict, port: int) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    return subprocess.Popen([gunicorn, "-c", "gunicorn.conf.py", "jiceng.wsgi"], cwd=ROOT,  # nosec B603  # fixed command and arguments, no shell
                            env=dict(env, JICENG_BIND=f"127.0.0.1:{port}"), stderr=subprocess.DEVNULL)


def _stop(procs: list) -> None:
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _load_run(host: str, masters: list, url: str, args, fixture_path: str, env: dict, workdir: Path) -> dict:
    """One headless locust run of the load mix against `host`; CPU counted for the gunicorn `masters`
    (and their workers) and the PostgreSQL backends serving them."""
    import run as load  # bench/load/run.py

    def cpu():
        app, db = 0.0, {}
        for master in masters:
            one = load._cpu(master.pid, url)
            app += one["app"]
            db.update(one["db"])
        return app, db

    prefix = str(workdir / f"nodes{len(masters)}")
    app0, db0 = cpu()
    load0 = os.getloadavg()[0]
    ramp = max(1.0, args.users / 10)
    done = subprocess.run([sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "load" / "locustfile.py"),  # nosec B603  # fixed argument list, no shell
                           "--headless", "-u", str(args.users), "-r", f"{ramp:.2f}", "--run-time", f"{args.seconds}s",
                           "--host", host, "--csv", prefix, "--only-summary", "--stop-timeout", "10",
                           "--exit-code-on-error", "0", "--loglevel", "WARNING"],
                          env={**env, "LOAD_FIXTURE": fixture_path}, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"locust failed ({done.returncode}):\n{done.stderr[-3000:]}")
    app1, db1 = cpu()
    rows = load._read_stats(prefix)
    p95, errors, rps = load._criterion(rows)
    requests = sum(r["requests"] for r in rows if r["name"] != "Aggregated")
    app_s = app1 - app0
    db_s = sum(v - db0.get(pid, 0.0) for pid, v in db1.items())
    return {"nodes": len(masters), "host": host, "users": args.users, "seconds": args.seconds,
            "requests": requests, "rps": rps, "p95_ms": p95, "errors": errors,
            "login_p95_ms": next((r["p95_ms"] for r in rows if r["name"] == "login"), None),
            "cpu_ms_per_request": {"gunicorn": round(app_s * 1000 / max(requests, 1), 1),
                                   "postgresql": round(db_s * 1000 / max(requests, 1), 1)},
            "cpu_s": {"gunicorn": round(app_s, 1), "postgresql": round(db_s, 1)},
            "load_average_1m": [round(load0, 2), round(os.getloadavg()[0], 2)],
            "failures": load._read_failures(prefix)}


def measure(args) -> dict:
    """The load mix against one node, then against haproxy over two (see the module's docstring)."""
    sys.path[:0] = [str(ROOT / "bench" / "load"), str(ROOT / "bench")]  # bench/load/run.py, not bench/run.py
    import run as load  # bench/load/run.py: the city, the fixture, the CPU accounting
    from _common import setup_database, teardown_database

    url, _created = setup_database("two_nodes", keep=args.keep_bench)
    workdir = Path(tempfile.mkdtemp(prefix="jiceng-nodes-bench-"))
    procs: list = []
    try:
        started = time.perf_counter()
        load.build_city(args.scale)
        built_s = round(time.perf_counter() - started)
        from django.db import connections

        from jiceng.cases.models import Case
        from jiceng.people.models import Person

        fixture_path = workdir / "fixture.json"
        fixture_path.write_text(json.dumps(load.fixture()), encoding="utf-8")
        city = {"scale": args.scale, "residents": Person.objects.count(), "cases": Case.objects.count(),
                "built_s": built_s}
        connections.close_all()
        env = dict(os.environ, DATABASE_URL=url, JICENG_DEMO="1", DJANGO_SETTINGS_MODULE="jiceng.settings",
                   JICENG_WEB_WORKERS="1", JICENG_WEB_THREADS="4", JICENG_QUERY_COUNT_HEADER="1",
                   JICENG_DB_CONN_MAX_AGE="3600",  # one backend per thread for the run: its CPU is counted
                   # every simulated grid worker reports as demo-grid: lift the per-person intake throttle
                   JICENG_INTAKE_MAX_PER_USER_HOUR="1000000", JICENG_INTAKE_MAX_PER_HOUR="1000000")
        env.pop("DATABASE_REPLICA_URL", None)
        runs = []
        # one node
        procs = [_gunicorn(env, PORTS["A"])]
        _wait(f"http://127.0.0.1:{PORTS['A']}/accounts/login/")
        runs.append(_load_run(f"http://127.0.0.1:{PORTS['A']}", procs, url, args, str(fixture_path), env, workdir))
        print(json.dumps({k: v for k, v in runs[-1].items() if k != "failures"}), file=sys.stderr, flush=True)
        _stop(procs)
        # two nodes behind haproxy
        masters = [_gunicorn(env, PORTS["A"]), _gunicorn(env, PORTS["B"])]
        conf = workdir / "haproxy.cfg"
        conf.write_text(HAPROXY.format(front=FRONT, a=PORTS["A"], b=PORTS["B"]))
        procs = [*masters, subprocess.Popen(["/usr/sbin/haproxy", "-db", "-q", "-f", str(conf)])]  # nosec B603  # fixed command and arguments, no shell
        for port in (*PORTS.values(), FRONT):
            _wait(f"http://127.0.0.1:{port}/accounts/login/")
        runs.append(_load_run(f"http://127.0.0.1:{FRONT}", masters, url, args, str(fixture_path), env, workdir))
        print(json.dumps({k: v for k, v in runs[-1].items() if k != "failures"}), file=sys.stderr, flush=True)
        _stop(procs)
        procs = []
        one, two = runs
        return {"city": city, "cores": os.cpu_count(), "gunicorn_per_node": "1 worker x 4 threads", "runs": runs,
                "two_over_one": {"rps": round(two["rps"] / one["rps"], 2) if one["rps"] else None,
                                 "cpu_ms_per_request": round(
                                     sum(two["cpu_ms_per_request"].values())
                                     / max(sum(one["cpu_ms_per_request"].values()), 0.1), 2)}}
    finally:
        _stop(procs)
        from django.db import connections

        connections.close_all()
        if not args.keep_bench:
            teardown_database(url, True)


def main(argv=None) -> int:
    global FRONT, HOOK
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--ports", default=f"{FRONT},{PORTS['A']},{PORTS['B']},{HOOK}",
                        help="haproxy, node A, node B, the webhook receiver")
    parser.add_argument("--measure", action="store_true", help="after the checks, measure one node against two")
    parser.add_argument("--measure-only", action="store_true", help="the measurement alone, no checks")
    parser.add_argument("--users", type=int, default=20, help="simulated people of the load mix")
    parser.add_argument("--seconds", type=int, default=90, help="length of each locust run")
    parser.add_argument("--scale", type=float, default=0.02, help="the benchmark's demo city (1 = 200,000 residents)")
    parser.add_argument("--keep-bench", action="store_true", help="keep (and reuse) jiceng_bench_two_nodes")
    args = parser.parse_args(argv)
    FRONT, PORTS["A"], PORTS["B"], HOOK = (int(p) for p in args.ports.split(","))
    if not Path("/usr/sbin/haproxy").exists():
        subprocess.run(["apt-get", "install", "-y", "-qq", "haproxy"], check=True,  # nosec B603 B607  # fixed command, no shell; the operator's own PostgreSQL and Debian tools
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    if args.measure_only:
        started = time.perf_counter()
        result = measure(args)
        print(json.dumps({"name": "two_nodes_measure", **result, "seconds": round(time.perf_counter() - started, 1)},
                         ensure_ascii=False))
        return 0
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="jiceng.settings", DATABASE_URL=f"{SERVER}/{DB}", JICENG_DEMO="1",
               JICENG_LOGIN_MAX_FAILURES="4", JICENG_WEB_WORKERS="1", JICENG_WEB_THREADS="4",
               JICENG_NOTIFY_WEBHOOK_URL=f"http://127.0.0.1:{HOOK}/hook",
               JICENG_NOTIFY_WEBHOOK_SECRET="two-nodes-secret")  # the webhook refuses to send unsigned
    env.pop("DATABASE_REPLICA_URL", None)
    _admin(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{DB}"')
    procs = []
    workdir = Path(tempfile.mkdtemp(prefix="jiceng-nodes-"))
    started = time.perf_counter()
    try:
        for step in (("migrate", "--noinput", "-v", "0"), ("demo_city", "--only", "orgs", "--scale", "0.02", "--quiet")):
            done = subprocess.run([sys.executable, str(ROOT / "manage.py"), *step], env=env, cwd=ROOT,  # nosec B603  # fixed command and arguments, no shell
                                  capture_output=True, text=True)
            if done.returncode:
                raise SystemExit(f"{step[0]} failed:\n{done.stderr[-3000:]}")
        for port in PORTS.values():
            procs.append(_gunicorn(env, port))
        for _ in range(2):
            procs.append(subprocess.Popen([sys.executable, "manage.py", "db_worker"], cwd=ROOT, env=env,  # nosec B603  # fixed command and arguments, no shell
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        conf = workdir / "haproxy.cfg"
        conf.write_text(HAPROXY.format(front=FRONT, a=PORTS["A"], b=PORTS["B"]))
        procs.append(subprocess.Popen(["/usr/sbin/haproxy", "-db", "-q", "-f", str(conf)]))  # nosec B603  # fixed command and arguments, no shell
        for port in (*PORTS.values(), FRONT):
            _wait(f"http://127.0.0.1:{port}/accounts/login/")
        seen, failures = checks(env, Hook())
    finally:
        _stop(procs)
        if "django" in sys.modules and "DJANGO_SETTINGS_MODULE" in os.environ:
            from django.db import connections

            connections.close_all()
        if not args.keep_db:
            _admin(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    if args.measure:  # in a process of its own: Django is set up here on the checks' database
        done = subprocess.run([sys.executable, __file__, "--measure-only", "--ports", args.ports,  # nosec B603  # fixed command and arguments, no shell
                               "--users", str(args.users), "--seconds", str(args.seconds), "--scale", str(args.scale),
                               *(["--keep-bench"] if args.keep_bench else [])],
                              cwd=ROOT, env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
                              stdout=subprocess.PIPE, text=True)
        lines = done.stdout.strip().splitlines()
        seen["measure"] = json.loads(lines[-1]) if done.returncode == 0 and lines else None
        if seen["measure"] is None:
            failures.append(f"the measurement failed (exit {done.returncode})")
    for failure in failures:
        print(f"FAILED {failure}", file=sys.stderr)
    print(json.dumps({"name": "two_nodes", "ok": not failures, **seen,
                      "seconds": round(time.perf_counter() - started, 1)}, ensure_ascii=False))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
