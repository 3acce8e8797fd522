"""Restore drill: a dump restores into a new database that verifies, decrypts and counts the same.

    python scripts/restore_drill.py --dump /backups/jiceng-2026-12-06.dump --source postgres://…/jiceng
    python scripts/restore_drill.py --build-sample          # CI: a small city of its own, dumped first

Steps (each printed as it runs; the last line is one JSON object):
1. the dump: the file given with --dump (last night's `pg_dump -Fc`), or, with --build-sample, a
   scratch source database `jiceng_drill_source` on the server of DATABASE_URL, migrated and filled with a
   small demo city, then dumped with `pg_dump -Fc` as the nightly job does (docs/operations.md);
2. `pg_restore` into a new database `jiceng_drill_<time>` on the same server;
3. `manage.py audit_verify` against the restored database (the audit chain and its key);
4. a sample of identity and phone numbers decrypted with JICENG_DATA_KEY, each checked against its
   check digit and its lookup hash (a wrong or missing key fails here, not on the day of need);
5. every table's row count compared with the source database (when --source or --build-sample gives one).
The drill's own databases are dropped at the end (--keep leaves the restored one). Exit 1 on any failure.
"""

import argparse
import datetime
import json
import os
import subprocess  # nosec B404  # fixed commands of this operations script, no shell
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = 200


def _server(url: str) -> str:
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"the restore drill needs PostgreSQL; DATABASE_URL={url!r}")
    return url.rsplit("/", 1)[0]


def _admin(server: str, sql: str):
    import psycopg

    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _counts(url: str) -> dict[str, int]:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        return {t: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))).fetchone()[0]
                for t in tables}


def _manage(url: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="jiceng.settings")
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT,  # nosec B603  # fixed command and arguments, no shell
                          capture_output=True, text=True)


def _check_pii(url: str) -> dict:
    """Decrypt a sample of personal data in the restored database with this deployment's key."""
    code = f"""
import json
from jiceng.core.crypto import decrypt, lookup_hash
from jiceng.core.pii import normalize_id_number, normalize_phone, validate_id_number
from jiceng.people.models import Person
rows = list(Person.objects.exclude(id_number_enc="").order_by("?")
            .values_list("id_number_enc", "id_number_hash", "phone_enc", "phone_hash")[:{SAMPLE}])
ok = bad = 0
for id_enc, id_hash, ph_enc, ph_hash in rows:
    try:
        number = decrypt(id_enc)
        good = validate_id_number(number) == number and lookup_hash(normalize_id_number(number)) == id_hash
        if ph_enc:
            good = good and lookup_hash(normalize_phone(decrypt(ph_enc))) == ph_hash
    except Exception:
        good = False
    ok, bad = ok + good, bad + (not good)
print(json.dumps({{"sampled": len(rows), "decrypted": ok, "failed": bad}}))
"""
    done = _manage(url, "shell", "-c", code)
    if done.returncode:
        return {"sampled": 0, "decrypted": 0, "failed": -1, "error": done.stderr.strip()[-500:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dump", help="a pg_dump -Fc file to restore")
    parser.add_argument("--source", help="the database the dump was taken from, for the table counts")
    parser.add_argument("--build-sample", action="store_true",
                        help="build a small city in a scratch database and dump it first (CI)")
    parser.add_argument("--scale", type=float, default=0.02, help="the sample city's scale (--build-sample)")
    parser.add_argument("--keep", action="store_true", help="keep the restored database")
    args = parser.parse_args(argv)
    if bool(args.dump) == args.build_sample:
        parser.error("give either --dump FILE or --build-sample")
    server = _server(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    stamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S")
    target = f"{server}/jiceng_drill_{stamp}"
    source = args.source
    figures: dict = {"name": "restore_drill"}
    failures: list[str] = []
    workdir = Path(tempfile.mkdtemp(prefix="jiceng-drill-"))
    started = time.perf_counter()
    scratch = None
    try:
        dump = Path(args.dump) if args.dump else workdir / "nightly.dump"
        if args.build_sample:
            scratch = f"{server}/jiceng_drill_source"
            source = scratch
            _admin(server, 'DROP DATABASE IF EXISTS "jiceng_drill_source" WITH (FORCE)')
            _admin(server, 'CREATE DATABASE "jiceng_drill_source"')
            for step in (("migrate", "--noinput", "-v", "0"),
                         ("demo_city", "--scale", str(args.scale), "--quiet")):
                done = _manage(scratch, *step)
                if done.returncode:
                    raise SystemExit(f"building the sample failed at {step[0]}:\n{done.stderr[-2000:]}")
            print(f"sample city built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
            subprocess.run(["pg_dump", "-Fc", "-f", str(dump), scratch], check=True)  # nosec B603 B607  # fixed command, no shell; the operator's own PostgreSQL and Debian tools
        figures["dump_bytes"] = dump.stat().st_size
        _admin(server, f'CREATE DATABASE "jiceng_drill_{stamp}"')
        t = time.perf_counter()
        restored = subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-d", target, str(dump)],  # nosec B603 B607  # fixed command, no shell; the operator's own PostgreSQL and Debian tools
                                  capture_output=True, text=True)
        figures["restore_seconds"] = round(time.perf_counter() - t, 2)
        if restored.returncode:
            failures.append(f"pg_restore: {restored.stderr.strip()[-500:]}")
        verified = _manage(target, "audit_verify")
        figures["audit_verify"] = (verified.stdout or verified.stderr).strip().splitlines()[-1:] or [""]
        if verified.returncode:
            failures.append(f"audit_verify: {verified.stderr.strip()[-500:]}")
        pii = _check_pii(target)
        figures["pii"] = pii
        if pii["failed"] or not pii["sampled"]:
            failures.append(f"personal data sample: {pii}")
        if source:
            before, after = _counts(source), _counts(target)
            differ = {t: (before.get(t), after.get(t)) for t in before.keys() | after.keys()
                      if before.get(t) != after.get(t)}
            figures["tables"] = len(after)
            figures["rows"] = sum(after.values())
            if differ:
                failures.append(f"table counts differ: {differ}")
    finally:
        if not args.keep:
            _admin(server, f'DROP DATABASE IF EXISTS "jiceng_drill_{stamp}" WITH (FORCE)')
        if scratch:
            _admin(server, 'DROP DATABASE IF EXISTS "jiceng_drill_source" WITH (FORCE)')
    figures["seconds"] = round(time.perf_counter() - started, 1)
    figures["ok"] = not failures
    for failure in failures:
        print(f"FAILED {failure}", file=sys.stderr)
    print(json.dumps(figures, ensure_ascii=False))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
