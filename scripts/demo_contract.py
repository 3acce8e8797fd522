"""The demo city proves the cockpit contract: build the whole city (scale 1) in a scratch database and
check every figure of the contract against the source (`manage.py demo_contract`, jiceng/demo/contract.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python scripts/demo_contract.py   # CI
    python scripts/demo_contract.py --scale 0.2                                           # SQLite, a smaller city

On PostgreSQL the scratch database is `jiceng_demo_contract` on the server of DATABASE_URL (dropped at the
end, --keep leaves it); otherwise a temporary SQLite file. The suite checks a small city
(jiceng/demo/tests/test_contract.py); the source values of the figures that grow with the scale hold at
scale 1 only, and building it takes minutes, so CI runs this once. The last line is one JSON object
(the build's time, the load average, the check); exit status 1 when a figure breaks the contract.
"""

import argparse
import json
import os
import subprocess  # nosec B404  # fixed commands of this check script, no shell
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = "jiceng_demo_contract"


def _admin(server: str, sql: str):
    import psycopg

    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _manage(url: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="jiceng.settings", JICENG_DEMO="1")
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT,  # nosec B603  # fixed command and arguments, no shell
                          capture_output=True, text=True)


def _step(name: str, result: subprocess.CompletedProcess):
    if result.returncode != 0:
        print(f"{name} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}", file=sys.stderr)
        raise SystemExit(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="leave the scratch database")
    opts = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    tmp = None
    if url.startswith(("postgres://", "postgresql://")):
        server = url.rsplit("/", 1)[0]
        _admin(server, f'DROP DATABASE IF EXISTS "{SCRATCH}"')
        _admin(server, f'CREATE DATABASE "{SCRATCH}"')
        scratch = f"{server}/{SCRATCH}"
    else:
        tmp = tempfile.mkdtemp(prefix="jiceng-demo-contract-")
        scratch = f"sqlite:///{tmp}/demo.sqlite3"
    try:
        print(f"== migrate {scratch}", file=sys.stderr, flush=True)
        _step("migrate", _manage(scratch, "migrate", "--noinput", "-v", "0"))
        load_before = os.getloadavg()
        started = time.perf_counter()
        print(f"== demo_city --scale {opts.scale} (load average {load_before[0]:.1f})", file=sys.stderr, flush=True)
        seed = ["--seed", str(opts.seed)] if opts.seed is not None else []
        built = _manage(scratch, "demo_city", "--scale", str(opts.scale), "--quiet", *seed)
        _step("demo_city", built)
        seconds = round(time.perf_counter() - started, 1)
        print(f"   {built.stdout.strip()}", file=sys.stderr, flush=True)
        print("== demo_contract", file=sys.stderr, flush=True)
        checked = _manage(scratch, "demo_contract", "--scale", str(opts.scale))
        lines = checked.stdout.strip().splitlines()
        if not lines or not lines[-1].startswith("{"):  # no report: the command itself broke
            _step("demo_contract", subprocess.CompletedProcess(checked.args, 1, checked.stdout, checked.stderr))
        report = json.loads(lines[-1])
        for problem in report["problems"]:
            print(f"   FAIL {problem}", file=sys.stderr)
        for key, value in report["known_deviations"].items():
            print(f"   known deviation {key} = {value}: {report['checked'][key]}", file=sys.stderr)
        print(json.dumps({"database": "postgresql" if tmp is None else "sqlite", "scale": opts.scale,
                          "build_seconds": seconds, "load_average_before": [round(x, 2) for x in load_before],
                          "load_average_after": [round(x, 2) for x in os.getloadavg()], **report},
                         ensure_ascii=False))
        return 0 if report["ok"] else 1
    finally:
        if tmp is None and not opts.keep:
            _admin(server, f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')
        elif tmp is not None and not opts.keep:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
