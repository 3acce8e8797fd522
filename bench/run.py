"""Run benchmarks: `python bench/run.py` runs every bench/<name>.py (and bench/<name>/run.py, e.g. the
load test bench/load/), one after the other; `python bench/run.py NAME` one.

Each benchmark prints one JSON object per line as its last output, with "name" and its figures."""

import subprocess  # nosec B404  # runs fixed commands only, no shell
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv):
    names = argv or sorted([p.stem.replace("_", "-") for p in HERE.glob("*.py")
                            if not p.stem.startswith("_") and p.stem != "run"]
                           + [p.parent.name for p in HERE.glob("*/run.py")])
    failed = []
    for name in names:
        script = HERE / f"{name.replace('-', '_')}.py"
        if not script.exists() and (HERE / name / "run.py").exists():
            script = HERE / name / "run.py"
        if not script.exists():
            print(f"no benchmark named {name} (looked for {script})", file=sys.stderr)
            return 2
        print(f"== bench {name}", file=sys.stderr, flush=True)
        if subprocess.run([sys.executable, str(script)], cwd=HERE.parent).returncode:  # nosec B603  # fixed argument list built by the script, no shell
            failed.append(name)
    if failed:
        print(f"failed: {failed}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
