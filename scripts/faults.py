"""Faults under load: what a city sees when a process or the database fails while people are working.

    python scripts/faults.py [worker-kill] [db-restart] [task-kill] [double-sweep]     (default: all four)

Each scenario runs in a PostgreSQL database of its own, prints what it saw, and ends with one JSON line;
the script exits 1 when any scenario fails.

- worker-kill: gunicorn (gunicorn.conf.py, 2 workers) takes case reports from 6 client threads (API,
  Idempotency-Key, retried on a connection error as a phone would); one worker is SIGKILLed half-way.
  Every report acknowledged with 2xx must be in the database exactly once.
- db-restart: the same load against a PostgreSQL cluster of its own (`jiceng_faults`, port 5444) that
  is restarted half-way. Every answer during the outage must be a 2xx or a 503 JSON `unavailable` (no
  500, no stack trace, no request hanging past the client's 10 s timeout); the first report accepted
  after the database is back must come within 10 s; every acknowledged report is there once.
- task-kill: 30 notifications for a webhook (each with its idempotency key) are queued; a `db_worker`
  is SIGKILLed while the receiver is in the middle of one of them (it has the body, the worker has not
  recorded the answer). A second worker and `manage.py sweep` (JICENG_TASK_LEASE_SECONDS=3) carry on:
  the killed task runs again (two worker ids on its row), every task ends SUCCESSFUL, and every key's
  effect happens once at the receiver, which drops the second delivery of the same key.
- double-sweep: 400 cases past their deadline, then two `manage.py sweep` processes started at the same
  moment (two machines). Every case gets exactly one supervision card and at most one automatic
  escalation.
"""

import argparse
import datetime
import json
import os
import signal
import subprocess  # nosec B404  # fixed commands of this operations script, no shell
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL = "postgres://postgres@127.0.0.1:5432"
OWN_CLUSTER_PORT = 5444
PORT = 8111


def _admin(server: str, sql: str):
    import psycopg

    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _manage(env, *args, check=True):
    done = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT,  # nosec B603  # fixed command and arguments, no shell
                          capture_output=True, text=True)
    if check and done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done


def _env(url: str) -> dict:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="jiceng.settings", DATABASE_URL=url, JICENG_DEMO="1",
               JICENG_WEB_WORKERS="2", JICENG_WEB_THREADS="4", JICENG_BIND=f"127.0.0.1:{PORT}",
               # the clients are one integration reporting in bulk, not a person on patrol: the intake
               # throttles (60 an hour a user) would answer 429 long before the fault happens
               JICENG_INTAKE_MAX_PER_USER_HOUR="1000000", JICENG_INTAKE_MAX_PER_HOUR="1000000")
    env.pop("DATABASE_REPLICA_URL", None)
    return env


def _prepare(url: str) -> dict:
    """Migrate, build the units, make a reporter with a token; returns what the clients need."""
    env = _env(url)
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "demo_city", "--only", "orgs", "--scale", "0.02", "--quiet")
    code = """
import json
import shapely
from jiceng.accounts.services import grant_create, token_create, user_create
from jiceng.cases.models import Category
from jiceng.orgs.models import Unit
city = Unit.objects.get(kind="city")
user = user_create(actor=None, username="faults-reporter", password="faults-reporter-pw")
grant_create(actor=None, user=user, role="city_admin", unit=city)
_, key = token_create(user=user, name="faults")
points = [shapely.from_wkb(bytes(g.geom)).representative_point()
          for g in Unit.objects.filter(kind="grid").order_by("code")[:50]]
category = Category.objects.filter(children__isnull=True).order_by("code").first().code
print(json.dumps({"token": key, "category": category, "points": [[p.y, p.x] for p in points]}))
"""
    done = _manage(env, "shell", "-c", code)
    return json.loads(done.stdout.strip().splitlines()[-1])


class Load:
    """Client threads reporting cases until stopped; each report retried with its Idempotency-Key."""

    def __init__(self, base: str, ctx: dict, threads: int = 6):
        self.base, self.ctx, self.threads = base, ctx, threads
        self.acked: dict[str, str] = {}  # idempotency key -> case code
        self.statuses: dict[str, int] = {}
        self.bad: list[str] = []
        self.ok_times: list[float] = []
        self.slowest = 0.0
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def _one(self, session, n: int):
        import requests

        lat, lng = self.ctx["points"][n % len(self.ctx["points"])]
        key = uuid.uuid4().hex
        body = {"category": self.ctx["category"], "description": f"故障演练 {key[:8]}", "source": "api",
                "lat": lat, "lng": lng, "crs": "wgs84"}
        headers = {"Authorization": f"Bearer {self.ctx['token']}", "Idempotency-Key": key}
        for _attempt in range(20):
            started = time.monotonic()
            try:
                r = session.post(f"{self.base}/api/v1/cases", json=body, headers=headers, timeout=10)
            except requests.RequestException as exc:
                with self.lock:
                    self.statuses[type(exc).__name__] = self.statuses.get(type(exc).__name__, 0) + 1
                    self.slowest = max(self.slowest, time.monotonic() - started)
                if self.stop.is_set():
                    return
                time.sleep(0.2)
                continue
            with self.lock:
                self.slowest = max(self.slowest, time.monotonic() - started)
                self.statuses[str(r.status_code)] = self.statuses.get(str(r.status_code), 0) + 1
                if r.status_code in (200, 201):
                    self.acked[key] = r.json()["code"]
                    self.ok_times.append(time.monotonic())
                    return
                unavailable = r.status_code == 503 and r.headers.get("Content-Type", "").startswith(
                    "application/json") and r.json().get("code") == "unavailable"
                if not unavailable and r.status_code != 502:
                    self.bad.append(f"{r.status_code}: {r.text[:200]}")
            if self.stop.is_set():
                return
            time.sleep(0.2)

    def _run(self, t: int):
        import requests

        session = requests.Session()
        n = t
        while not self.stop.is_set():
            self._one(session, n)
            n += self.threads

    def start(self):
        self.workers = [threading.Thread(target=self._run, args=(t,), daemon=True) for t in range(self.threads)]
        for w in self.workers:
            w.start()

    def finish(self):
        self.stop.set()
        for w in self.workers:
            w.join(timeout=60)


def _count_acked(url: str, acked: dict) -> dict:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT code, count(*) FROM cases_case WHERE code = ANY(%s) GROUP BY code",
                            [list(acked.values())]).fetchall()
    found = dict(rows)
    return {"acknowledged": len(acked), "found": sum(1 for c in acked.values() if found.get(c) == 1),
            "duplicated": sum(1 for v in found.values() if v > 1)}


def _serve(env) -> subprocess.Popen:
    import requests

    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    proc = subprocess.Popen([gunicorn, "-c", "gunicorn.conf.py", "jiceng.wsgi"], cwd=ROOT, env=env,  # nosec B603  # fixed command and arguments, no shell
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=2)
            return proc
        except requests.RequestException:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()  # nosec B603 B607  # fixed command, no shell; the operator's own PostgreSQL and Debian tools
    return [int(p) for p in out]


def worker_kill(seconds: float = 20) -> dict:
    url = f"{LOCAL}/jiceng_faults_worker_kill"
    _admin(LOCAL, 'DROP DATABASE IF EXISTS "jiceng_faults_worker_kill" WITH (FORCE)')
    _admin(LOCAL, 'CREATE DATABASE "jiceng_faults_worker_kill"')
    try:
        ctx = _prepare(url)
        server = _serve(_env(url))
        load = Load(f"http://127.0.0.1:{PORT}", ctx)
        try:
            load.start()
            time.sleep(seconds / 2)
            victim = _children(server.pid)[0]
            os.kill(victim, signal.SIGKILL)
            print(f"worker-kill: SIGKILL to worker {victim}", file=sys.stderr)
            time.sleep(seconds / 2)
        finally:
            load.finish()
            server.terminate()
            server.wait(timeout=30)
        counts = _count_acked(url, load.acked)
        ok = counts["found"] == counts["acknowledged"] and not counts["duplicated"] and not load.bad \
            and counts["acknowledged"] > 0
        return {"scenario": "worker-kill", "ok": ok, **counts, "statuses": load.statuses, "bad": load.bad[:5]}
    finally:
        _admin(LOCAL, 'DROP DATABASE IF EXISTS "jiceng_faults_worker_kill" WITH (FORCE)')


def _own_cluster(version: str) -> str:
    subprocess.run(["pg_dropcluster", "--stop", version, "jiceng_faults"], capture_output=True)  # nosec B603 B607  # fixed command, no shell; the operator's own PostgreSQL and Debian tools
    subprocess.run(["pg_createcluster", version, "jiceng_faults", "-p", str(OWN_CLUSTER_PORT)], check=True,  # nosec B603 B607  # fixed command, no shell; the operator's own PostgreSQL and Debian tools
                   capture_output=True)
    conf = Path(f"/etc/postgresql/{version}/jiceng_faults")
    (conf / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "jiceng_faults", "start"], check=True)  # nosec B603 B607  # fixed command, no shell; the operator's own PostgreSQL and Debian tools
    server = f"postgres://postgres@127.0.0.1:{OWN_CLUSTER_PORT}"
    for _ in range(60):
        if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", str(OWN_CLUSTER_PORT)],  # nosec B603 B607  # fixed command, no shell; the operator's own PostgreSQL and Debian tools
                          capture_output=True).returncode == 0:
            break
        time.sleep(0.5)
    _admin(server, 'CREATE DATABASE "jiceng_faults"')
    return f"{server}/jiceng_faults"


def db_restart(seconds: float = 24, down_for: float = 3) -> dict:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    url = _own_cluster(version)
    try:
        ctx = _prepare(url)
        env = dict(_env(url), JICENG_DB_CONN_MAX_AGE="60")
        server = _serve(env)
        load = Load(f"http://127.0.0.1:{PORT}", ctx)
        try:
            load.start()
            time.sleep(seconds / 3)
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "jiceng_faults", "stop",  # nosec B603 B607  # fixed command, no shell; the operator's own PostgreSQL and Debian tools
                            "-m", "fast"], check=True)
            stopped = time.monotonic()
            print(f"db-restart: PostgreSQL stopped for {down_for} s", file=sys.stderr)
            time.sleep(down_for)
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "jiceng_faults", "start"],  # nosec B603 B607  # fixed command, no shell; the operator's own PostgreSQL and Debian tools
                           check=True)
            back = time.monotonic()
            time.sleep(seconds * 2 / 3 - down_for)
        finally:
            load.finish()
            server.terminate()
            server.wait(timeout=30)
        after = [t for t in load.ok_times if t > back]
        recovered_in = round(after[0] - back, 2) if after else None
        counts = _count_acked(url, load.acked)
        ok = (counts["found"] == counts["acknowledged"] and not counts["duplicated"] and not load.bad
              and recovered_in is not None and recovered_in <= 10 and load.slowest <= 10.5)
        return {"scenario": "db-restart", "ok": ok, **counts, "outage_s": round(back - stopped, 2),
                "recovered_in_s": recovered_in, "slowest_request_s": round(load.slowest, 2),
                "statuses": load.statuses, "bad": load.bad[:5]}
    finally:
        subprocess.run(["pg_dropcluster", "--stop", version, "jiceng_faults"], capture_output=True)  # nosec B603 B607  # fixed command, no shell; the operator's own PostgreSQL and Debian tools


def double_sweep(cases: int = 400) -> dict:
    url = f"{LOCAL}/jiceng_faults_sweep"
    _admin(LOCAL, 'DROP DATABASE IF EXISTS "jiceng_faults_sweep" WITH (FORCE)')
    _admin(LOCAL, 'CREATE DATABASE "jiceng_faults_sweep"')
    env = _env(url)
    try:
        ctx = _prepare(url)
        code = f"""
import datetime, json
from django.utils import timezone
from jiceng.accounts.models import User
from jiceng.cases import services
from jiceng.cases.models import Case
user = User.objects.get(username="faults-reporter")
category = services.category_for("{ctx['category']}")
points = {ctx['points']!r}
for n in range({cases}):
    lat, lng = points[n % len(points)]
    services.case_submit(actor=user, category=category, description=f"超期演练 {{n}}", source="api",
                         lat=lat, lng=lng, crs="wgs84")
past = timezone.now() - datetime.timedelta(days=30)
Case.objects.update(deadline_at=past, warn_at=past - datetime.timedelta(days=1), received_at=past - datetime.timedelta(days=3))
print(json.dumps(Case.objects.count()))
"""
        _manage(env, "shell", "-c", code)
        sweepers = [subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "sweep"], cwd=ROOT, env=env,  # nosec B603  # fixed command and arguments, no shell
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outs = [p.communicate(timeout=600) for p in sweepers]
        codes = [p.returncode for p in sweepers]
        import psycopg

        with psycopg.connect(url) as conn:
            cards = conn.execute("SELECT count(*), count(DISTINCT subject_id) FROM core_supervisioncard "
                                 "WHERE subject_type = 'cases.case'").fetchone()
            escalations = conn.execute(
                "SELECT count(*) FROM cases_caseevent WHERE action = 'auto_escalate'").fetchone()
            twice = conn.execute(
                "SELECT count(*) FROM (SELECT case_id FROM cases_caseevent WHERE action = 'auto_escalate' "
                "GROUP BY case_id HAVING count(*) > 1) t").fetchone()[0]
        ok = codes == [0, 0] and cards[0] == cards[1] and cards[0] > 0 and twice == 0
        return {"scenario": "double-sweep", "ok": ok, "cases": cases, "sweep_exit_codes": codes,
                "cards": cards[0], "cases_with_cards": cards[1], "escalation_events": escalations[0],
                "cases_escalated_twice": twice,
                "sweep_output": [o[0].strip()[-300:] for o in outs]}
    finally:
        _admin(LOCAL, 'DROP DATABASE IF EXISTS "jiceng_faults_sweep" WITH (FORCE)')


class HookReceiver:
    """A webhook receiver that acts on each Idempotency-Key once and drops a repeated one; every request
    takes `delay` seconds, so a worker can be killed while one is in flight (`inflight` is set then)."""

    def __init__(self, delay: float):
        import http.server

        self.delay, self.effects, self.dropped, self.requests = delay, [], [], 0
        self.inflight = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                self.rfile.read(int(self.headers["Content-Length"]))
                key = self.headers["Idempotency-Key"]
                receiver.requests += 1
                (receiver.dropped if key in receiver.effects else receiver.effects).append(key)
                receiver.inflight.set()
                time.sleep(receiver.delay)
                receiver.inflight.clear()
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def task_kill(messages: int = 30) -> dict:
    url = f"{LOCAL}/jiceng_faults_task_kill"
    _admin(LOCAL, 'DROP DATABASE IF EXISTS "jiceng_faults_task_kill" WITH (FORCE)')
    _admin(LOCAL, 'CREATE DATABASE "jiceng_faults_task_kill"')
    hook = HookReceiver(delay=0.4)
    env = dict(_env(url), JICENG_NOTIFY_WEBHOOK_URL=hook.url, JICENG_NOTIFY_WEBHOOK_SECRET="faults-secret",
               JICENG_TASK_LEASE_SECONDS="3", JICENG_TASKS_BACKEND="django_tasks_db.DatabaseBackend")
    procs = []
    try:
        _manage(env, "migrate", "--noinput", "-v", "0")
        _manage(env, "shell", "-c", f"""
from django.db import transaction
from jiceng.core import notify
with transaction.atomic():
    notify.notify_many([notify.Message(kind="faults.task_kill", text=f"召集演练 {{n}}", channels=["webhook"],
                                       key=f"task-kill:{{n}}") for n in range({messages})])
""")

        def worker():
            proc = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "db_worker", "--interval", "0.2",  # nosec B603  # fixed command and arguments, no shell
                                     "--no-startup-delay", "--no-reload"], cwd=ROOT, env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs.append(proc)
            return proc

        first = worker()
        deadline = time.monotonic() + 120
        while hook.requests < messages // 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        hook.inflight.wait(timeout=30)
        first.kill()  # SIGKILL while the receiver holds a request of this worker's task
        first.wait()
        killed_at = hook.requests
        print(f"task-kill: SIGKILL to db_worker {first.pid} during request {killed_at}", file=sys.stderr)
        worker()
        procs.append(subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "sweep", "--interval", "1"],  # nosec B603  # fixed command and arguments, no shell
                                      cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        import psycopg

        deadline = time.monotonic() + 180
        with psycopg.connect(url, autocommit=True) as conn:
            while time.monotonic() < deadline:
                left = conn.execute("SELECT count(*) FROM django_tasks_database_dbtaskresult "
                                    "WHERE status NOT IN ('SUCCESSFUL', 'FAILED')").fetchone()[0]
                if not left:
                    break
                time.sleep(0.5)
            statuses = dict(conn.execute("SELECT status, count(*) FROM django_tasks_database_dbtaskresult "
                                         "GROUP BY status").fetchall())
            ran_twice = conn.execute("SELECT count(*) FROM django_tasks_database_dbtaskresult "
                                     "WHERE jsonb_array_length(worker_ids) > 1").fetchone()[0]
            deliveries = dict(conn.execute("SELECT status, count(*) FROM core_notificationdelivery "
                                           "GROUP BY status").fetchall())
        effects = len(set(hook.effects))
        ok = (statuses == {"SUCCESSFUL": messages} and ran_twice >= 1 and effects == messages
              and len(hook.effects) == messages and deliveries == {"ok": messages})
        return {"scenario": "task-kill", "ok": ok, "messages": messages, "killed_during_request": killed_at,
                "task_statuses": statuses, "tasks_run_twice": ran_twice, "requests_received": hook.requests,
                "effects": effects, "second_deliveries_dropped": len(hook.dropped),
                "delivery_rows": deliveries}
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()
        hook.server.shutdown()
        _admin(LOCAL, 'DROP DATABASE IF EXISTS "jiceng_faults_task_kill" WITH (FORCE)')


SCENARIOS = {"worker-kill": worker_kill, "db-restart": db_restart, "task-kill": task_kill,
             "double-sweep": double_sweep}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scenarios", nargs="*", help=f"any of {', '.join(SCENARIOS)} (default: all)")
    args = parser.parse_args(argv)
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios {sorted(unknown)}; known: {', '.join(SCENARIOS)}")
    results = []
    for name in args.scenarios or SCENARIOS:
        started = time.perf_counter()
        result = SCENARIOS[name]()
        result["seconds"] = round(time.perf_counter() - started, 1)
        print(json.dumps(result, ensure_ascii=False), file=sys.stderr)
        results.append(result)
    ok = all(r["ok"] for r in results)
    print(json.dumps({"name": "faults", "ok": ok, "at": datetime.datetime.now().isoformat(timespec="seconds"),
                      "scenarios": results}, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
