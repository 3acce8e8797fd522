"""Read replica check: heavy reads go to a real streaming replica, writers read their own writes, lag is
handled. Needs root and PostgreSQL's Debian tools (pg_createcluster, pg_basebackup); CI runs it.

    python scripts/replica_check.py [--primary-port 5442] [--replica-port 5443] [--keep]

1. Two clusters of their own on this machine: a primary and a streaming replica made from it with
   `pg_basebackup -R` (never the cluster of the application or the tests).
2. The platform migrated on the primary and the demo city's units built there; the replica catches up.
3. The read paths (cockpit, board, the API's unit reads and figures, Open311 services) requested through
   Django's full middleware stack as the city administrator: each must be served from the replica and
   answer what the primary answers.
4. Lag: replay paused on the replica; a unit renamed through the API; the writer's next read (pinned by
   its cookie) comes from the primary and sees the new name; once the replica is behind by more than
   JICENG_REPLICA_MAX_LAG_SECONDS another user's read also goes to the primary; after replay resumes,
   that user reads the replica again and sees the new name.
5. The replica stopped: the same reads are served from the primary.
Prints one JSON line; exit 1 on any failure. The clusters are dropped at the end unless --keep.
"""

import argparse
import json
import os
import subprocess  # nosec B404  # fixed commands of this operations script, no shell
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRIMARY, REPLICA = "jiceng_primary", "jiceng_replica"
MAX_LAG = 2


def _run(*cmd, user=None, check=True):
    if user:
        cmd = ("runuser", "-u", user, "--", *cmd)
    return subprocess.run(cmd, check=check, capture_output=True, text=True)  # nosec B603  # fixed command and arguments, no shell


def _version() -> str:
    return sorted(os.listdir("/etc/postgresql"))[-1]


def _drop(version: str):
    for name in (REPLICA, PRIMARY):
        _run("pg_dropcluster", "--stop", version, name, check=False)


def _clusters(version: str, primary_port: int, replica_port: int):
    _drop(version)
    _run("pg_createcluster", version, PRIMARY, "-p", str(primary_port))
    conf = Path(f"/etc/postgresql/{version}/{PRIMARY}")
    (conf / "pg_hba.conf").write_text(
        "local all all trust\nlocal replication all trust\n"
        "host all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n")
    with open(conf / "postgresql.conf", "a") as f:
        f.write("\nwal_level = replica\nmax_wal_senders = 5\nhot_standby = on\nfsync = off\n")
    _run("pg_ctlcluster", "--skip-systemctl-redirect", version, PRIMARY, "start")
    _run("pg_createcluster", version, REPLICA, "-p", str(replica_port))
    data = Path(f"/var/lib/postgresql/{version}/{REPLICA}")
    _run("bash", "-c", f"rm -rf {data}/*")
    _run("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary_port), "-U", "postgres", "-D", str(data),
         "-R", "-X", "stream", user="postgres")
    rconf = Path(f"/etc/postgresql/{version}/{REPLICA}")
    (rconf / "pg_hba.conf").write_text((conf / "pg_hba.conf").read_text())
    _run("pg_ctlcluster", "--skip-systemctl-redirect", version, REPLICA, "start")


def _wait_ready(port: int):
    for _ in range(60):
        if _run("pg_isready", "-h", "127.0.0.1", "-p", str(port), check=False).returncode == 0:
            return
        time.sleep(0.5)
    raise SystemExit(f"PostgreSQL on port {port} did not start")


def outer(args) -> int:
    version = _version()
    started = time.perf_counter()
    try:
        _clusters(version, args.primary_port, args.replica_port)
        for port in (args.primary_port, args.replica_port):
            _wait_ready(port)
        _run("psql", "-h", "127.0.0.1", "-p", str(args.primary_port), "-U", "postgres", "-qc",
             "CREATE DATABASE jiceng")
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="jiceng.settings",
                   DATABASE_URL=f"postgres://postgres@127.0.0.1:{args.primary_port}/jiceng",
                   DATABASE_REPLICA_URL=f"postgres://postgres@127.0.0.1:{args.replica_port}/jiceng",
                   JICENG_REPLICA_MAX_LAG_SECONDS=str(MAX_LAG), JICENG_DB_CONN_MAX_AGE="0")
        for step in (("migrate", "--noinput", "-v", "0"), ("demo_city", "--only", "orgs", "--scale", "0.02", "--quiet")):
            done = subprocess.run([sys.executable, str(ROOT / "manage.py"), *step], env=env, cwd=ROOT,  # nosec B603  # fixed command and arguments, no shell
                                  capture_output=True, text=True)
            if done.returncode:
                print(done.stderr[-3000:], file=sys.stderr)
                raise SystemExit(f"{step[0]} failed on the primary")
        env["REPLICA_CHECK_CLUSTER"] = f"{version}/{REPLICA}"
        inner = subprocess.run([sys.executable, __file__, "--inner"], env=env, cwd=ROOT)  # nosec B603  # fixed command and arguments, no shell
        print(f"replica check took {time.perf_counter() - started:.0f} s", file=sys.stderr)
        return inner.returncode
    finally:
        if not args.keep:
            _drop(version)


def inner() -> int:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import psycopg
    from django.db import connections
    from django.test import Client

    from jiceng.accounts.services import grant_create, user_create
    from jiceng.core import replica
    from jiceng.orgs.models import Unit

    failures: list[str] = []
    used = {"default": 0, "replica": 0}

    def counter(alias):
        def wrapper(execute, sql, params, many, context):
            if "pg_last_wal_replay_lsn" not in sql:  # the router's own lag check is not a read of data
                used[alias] += 1
            return execute(sql, params, many, context)
        return wrapper

    for alias in used:
        connections[alias].execute_wrappers.append(counter(alias))

    def replica_sql(sql):
        with psycopg.connect(os.environ["DATABASE_REPLICA_URL"], autocommit=True) as conn:
            return conn.execute(sql).fetchone()

    def caught_up(timeout=30):
        for _ in range(timeout * 10):
            lsn = replica_sql("SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()")[0]
            if lsn:
                replica.reset_lag_check()
                return True
            time.sleep(0.1)
        return False

    def get(client, path, **headers):
        before = dict(used)
        response = client.get(path, headers=headers)
        return response, {k: used[k] - before[k] for k in used}

    city = Unit.objects.get(kind="city")
    grid = Unit.objects.filter(kind="grid").order_by("code").first()
    admin = user_create(actor=None, username="replica-admin", password="replica-admin-pw")  # nosec B106  # a throwaway user in the script's own database
    grant_create(actor=None, user=admin, role="city_admin", unit=city)
    other = user_create(actor=None, username="replica-other", password="replica-other-pw")  # nosec B106  # a throwaway user in the script's own database
    grant_create(actor=None, user=other, role="city_admin", unit=city)
    if not caught_up():
        failures.append("the replica did not catch up after the set-up")

    writer, reader = Client(), Client()
    writer.force_login(admin)
    reader.force_login(other)
    paths = [f"/cockpit/?unit={city.code}", "/cases/board/", f"/api/v1/units/{city.code}",
             f"/api/v1/units/{city.code}/children", f"/api/v1/cockpit/figures?unit={city.code}",
             "/open311/v2/services.json"]
    served = {}
    for path in paths:
        response, q = get(reader, path)
        pinned, qp = get(reader, path, **{"X-Read-Primary": "1"})
        served[path] = {"status": response.status_code, "replica_queries": q["replica"],
                        "primary_queries": q["default"]}
        if response.status_code != 200 or q["replica"] == 0:
            failures.append(f"{path}: {response.status_code}, {q['replica']} replica queries")
        if qp["replica"] != 0:
            failures.append(f"{path}: X-Read-Primary still read the replica")
        if response["Content-Type"].startswith("application/json"):
            a, b = response.json(), pinned.json()
            if isinstance(a, dict):  # when each answer was computed is not a difference of data
                a, b = ({k: v for k, v in d.items() if k not in ("as_of", "computed_at")} for d in (a, b))
            if a != b:
                failures.append(f"{path}: the replica answered differently from the primary: {a} != {b}")

    # Lag: pause replay, write, read as the writer and as someone else.
    replica_sql("SELECT pg_wal_replay_pause()")
    new_name = f"{grid.name}（复核）"
    response = writer.patch(f"/api/v1/units/{grid.code}", data=json.dumps({"name": new_name}),
                            content_type="application/json")
    if response.status_code != 200:
        failures.append(f"rename answered {response.status_code}: {response.content[:200]!r}")
    mine, q_mine = get(writer, f"/api/v1/units/{grid.code}")
    if mine.json().get("name") != new_name or q_mine["replica"]:
        failures.append(f"the writer did not read its own write from the primary: {q_mine}")
    time.sleep(MAX_LAG + 1.5)
    replica.reset_lag_check()
    theirs, q_theirs = get(reader, f"/api/v1/units/{grid.code}")
    lag_seen = replica._lag["seconds"]
    if q_theirs["replica"] or theirs.json().get("name") != new_name:
        failures.append(f"a replica {lag_seen} s behind was still read: {q_theirs}")
    replica_sql("SELECT pg_wal_replay_resume()")
    if not caught_up():
        failures.append("the replica did not catch up after replay resumed")
    again, q_again = get(reader, f"/api/v1/units/{grid.code}")
    if not q_again["replica"] or again.json().get("name") != new_name:
        failures.append(f"after catching up the replica was not read, or is stale: {q_again}")

    # The replica down: reads fall back to the primary.
    cluster = os.environ["REPLICA_CHECK_CLUSTER"].split("/")
    _run("pg_ctlcluster", "--skip-systemctl-redirect", cluster[0], cluster[1], "stop", "-m", "fast")
    connections["replica"].close()
    replica.reset_lag_check()
    down, q_down = get(reader, f"/api/v1/units/{city.code}/children")
    if down.status_code != 200 or q_down["replica"]:
        failures.append(f"with the replica down: {down.status_code}, {q_down}")

    for failure in failures:
        print(f"FAILED {failure}", file=sys.stderr)
    print(json.dumps({"name": "replica_check", "ok": not failures, "read_paths": served,
                      "lag_detected_seconds": lag_seen, "writer_read_own_write": not q_mine["replica"],
                      "fallback_when_down": down.status_code == 200}, ensure_ascii=False))
    return 1 if failures else 0


if __name__ == "__main__":
    if "--inner" in sys.argv:
        sys.exit(inner())
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--primary-port", type=int, default=5442)
    parser.add_argument("--replica-port", type=int, default=5443)
    parser.add_argument("--keep", action="store_true")
    sys.exit(outer(parser.parse_args()))
