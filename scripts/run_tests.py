"""`make test`: ruff and the import contracts (lint-imports), then the whole suite on the database DATABASE_URL names (SQLite by default).

Browser tests need Debian's chromium: in CI (CI=true) they are mandatory and a missing chromium
fails the run; elsewhere they are skipped with a notice when chromium is absent.
"""

import os
import subprocess  # nosec B404  # runs fixed commands only, no shell
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")


def main() -> int:
    os.chdir(ROOT)
    lint = subprocess.run([str(VENV_BIN / "ruff"), "check", "jiceng", "bench", "scripts"])  # nosec B603  # fixed argument list built by the script, no shell
    if lint.returncode:
        print("ruff found problems (above); fix them first.", file=sys.stderr)
        return lint.returncode
    layers = subprocess.run([str(VENV_BIN / "lint-imports"), "--no-cache"])  # nosec B603  # fixed argument list, no shell
    if layers.returncode:
        print("An import breaks the layering of docs/architecture.md (above); fix it first.", file=sys.stderr)
        return layers.returncode
    args = [sys.executable, "-m", "pytest", "-n", os.environ.get("JICENG_TEST_WORKERS", "2"), "--dist", "loadfile"]
    in_ci = os.environ.get("CI", "").lower() == "true"
    if not CHROMIUM.exists():
        if in_ci:
            print("CI: /usr/bin/chromium is missing, and browser tests are mandatory here.", file=sys.stderr)
            return 1
        print("NOTICE: /usr/bin/chromium not found: browser tests are SKIPPED "
              "(apt-get install chromium to run them).", file=sys.stderr)
        args += ["-m", "not browser"]
    db = os.environ.get("DATABASE_URL", "sqlite (default)")
    print(f"Running the suite on {db.split('@')[-1]}", file=sys.stderr, flush=True)
    result = subprocess.run(args + sys.argv[1:])  # nosec B603  # pytest with the developer's own arguments, no shell
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
