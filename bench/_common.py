"""Shared set-up for benchmarks: a PostgreSQL database of their own, Django, and a demo city of a
given size that is kept between runs (rebuilt only when missing or too small)."""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = "postgres://postgres@127.0.0.1:5432"


MARK = "jiceng-bench"  # COMMENT ON DATABASE: this database was created by a benchmark


def _admin(url: str, sql: str, params=None):
    import psycopg

    base = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(base, autocommit=True) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def bench_url(name: str) -> str:
    """The benchmark's own database `jiceng_bench_<name>` on the server of DATABASE_URL (or the local one).

    DATABASE_URL only names the server: a benchmark never builds its data inside a database it did not
    create. SQLite is refused (benchmarks measure the production engine)."""
    given = os.environ.get("DATABASE_URL")
    if given and not given.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"benchmarks run on PostgreSQL; DATABASE_URL={given!r} is not a PostgreSQL server")
    server = given.rsplit("/", 1)[0] if given else PG
    return f"{server}/jiceng_bench_{name}"


def _owned(url: str) -> bool | None:
    """None when the database is missing, True when a benchmark made it, False when it is someone else's."""
    db = url.rsplit("/", 1)[1]
    rows = _admin(url, "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [db])
    if not rows:
        return None
    return rows[0][0] == MARK


def create_bench_database(url: str, *, keep: bool = False) -> bool:
    """Create the benchmark's database (dropping an earlier benchmark's copy unless keep). Refuses, with a
    message, a database of that name that no benchmark created. Returns True when it was created now."""
    db = url.rsplit("/", 1)[1]
    owned = _owned(url)
    if owned is False:
        raise SystemExit(f"database {db} exists and was not created by a benchmark; "
                         f"benchmarks work only in databases they create. Drop or rename it first.")
    if owned and keep:
        return False
    if owned:
        _admin(url, f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    _admin(url, f'CREATE DATABASE "{db}"')
    _admin(url, f"COMMENT ON DATABASE \"{db}\" IS '{MARK}'")
    return True


def setup_database(name: str, *, keep: bool = False):
    """Django on the benchmark's own PostgreSQL database `jiceng_bench_<name>` (see bench_url).

    keep=False: dropped and created afresh (teardown_database drops it again); keep=True: created when
    missing and kept between runs (for a large city that takes minutes to build). Returns (url, created)."""
    url = bench_url(name)
    create_bench_database(url, keep=keep)
    created = not keep
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("JICENG_DEMO", "1")  # a demo city of its own: demo logins allowed
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return url, created


def teardown_database(url: str, created: bool):
    if not created or not _owned(url):
        return
    from django.db import connections

    connections.close_all()
    _admin(url, f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def build_units(steps=("orgs",)):
    from jiceng.demo.runner import DemoContext, build_demo_city
    from jiceng.orgs.models import Unit

    if not Unit.objects.filter(kind="grid").exists():
        build_demo_city(DemoContext(quiet=True), only=set(steps))


def ensure_city(*, residents: int, steps: list[str]):
    """Build the demo city (only `steps`) at the scale that gives `residents`, unless already there."""
    from django.core.management import call_command
    from django.db import connection

    from jiceng.orgs.models import Unit
    from jiceng.people.models import Person

    if Unit.objects.exists():
        if Person.objects.count() >= residents * 0.95:
            return
        # A smaller city kept by another benchmark (finder and locate keep one too): this database is a
        # benchmark's own (create_bench_database refused anything else), so it is made afresh and rebuilt.
        from django.db import connections

        url = os.environ["DATABASE_URL"]
        print(f"{connection.settings_dict['NAME']} holds a smaller city: rebuilding it", file=sys.stderr)
        connections.close_all()
        create_bench_database(url, keep=False)
        call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    call_command("demo_city", scale=residents / 200_000, only=steps, quiet=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"built the city in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def timed(fn, *, repeat: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def report(name: str, samples_ms: list[float] | None = None, **figures):
    data = {"name": name}
    if samples_ms is not None:
        ordered = sorted(samples_ms)
        data.update(p50_ms=round(statistics.median(ordered), 2),
                    p95_ms=round(ordered[int(len(ordered) * 0.95) - 1], 2), runs=len(ordered))
    data.update(figures)
    print(json.dumps(data, ensure_ascii=False), flush=True)


def bench_main(name: str, measure, *, options=(), argv=None) -> dict:
    """A benchmark's main: parse its options and `--keep`, set up its own database (`setup_database`), run
    `measure(args, url)` for the result, drop the database unless --keep and print the result as one JSON
    object on the last line. `options` are (flag, argparse keywords) pairs."""
    import argparse

    ap = argparse.ArgumentParser()
    for flag, kwargs in options:
        ap.add_argument(flag, **kwargs)
    ap.add_argument("--keep", action="store_true", help="keep the database")
    args = ap.parse_args(argv)
    url, created = setup_database(name)
    try:
        result = measure(args, url)
    finally:
        if not args.keep:
            teardown_database(url, created)
    print(json.dumps(result, ensure_ascii=False))
    return result


def free_port() -> int:
    """A TCP port free on this machine now (BENCH_PORT overrides it in the benchmarks that serve)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(app: str, env: dict, *, port: int, workers: int, threads: int, probe: str):
    """gunicorn with the platform's production settings (gunicorn.conf.py) serving `app` on `port`; returns
    the process once `GET probe` answers (60 s at most)."""
    import http.client
    import subprocess  # nosec B404  # starts gunicorn with a fixed argument list, no shell

    server = subprocess.Popen(  # nosec B603  # fixed argument list built here, no shell
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), app], cwd=ROOT,
        env=dict(env, JICENG_BIND=f"127.0.0.1:{port}", JICENG_WEB_WORKERS=str(workers),
                 JICENG_WEB_THREADS=str(threads), PYTHONPATH=str(ROOT / "bench")))
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode} (port {port} busy?)")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", probe)
            c.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 60 s")
