"""`make lint`: ruff, the import contracts, bandit and pip-audit, each with an empty baseline.

- ruff: style and bugs (pyproject [tool.ruff]).
- lint-imports (import-linter): the layering of docs/architecture.md and the app boundaries (pyproject
  [tool.importlinter]; the `app_boundaries` contract type is scripts/import_contracts.py).
- bandit: security smells in jiceng, bench and scripts (pyproject [tool.bandit]; tests are excluded because
  pytest's `assert` is the point there). A finding is fixed or justified on its line with
  `# nosec <id>  # <reason>`; there is no baseline file.
- pip-audit: the installed dependencies against the PyPI advisory database (the project itself, installed
  editable, is skipped). It needs PyPI's JSON API or OSV over the network. When neither answers for a
  package, that package was NOT audited: the script says so in a banner and, by default, does not fail for it
  (set JICENG_AUDIT_STRICT=1 to fail); a known vulnerability always fails.

Exit status: non-zero when any tool found something.
"""

import json
import os
import subprocess  # nosec B404  # runs the venv's own tools with fixed arguments, no shell
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PATHS = ["jiceng", "bench", "scripts"]


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, **kwargs)  # nosec B603  # the venv's tools, fixed arguments


def ruff() -> bool:
    print("== ruff", flush=True)
    return run([str(BIN / "ruff"), "check", *PATHS]).returncode == 0


def import_contracts() -> bool:
    print("== lint-imports", flush=True)
    return run([str(BIN / "lint-imports"), "--no-cache"]).returncode == 0


def bandit() -> bool:
    print("== bandit", flush=True)
    # bandit logs a warning for every node a `# nosec` line spans without a finding: noise, not a result.
    done = run([str(BIN / "bandit"), "-q", "-c", "pyproject.toml", "-r", *PATHS], stderr=subprocess.PIPE,
               text=True)
    errors = [line for line in done.stderr.splitlines() if "nosec encountered" not in line
              and "is not a test name or id" not in line]
    if errors:
        print("\n".join(errors), file=sys.stderr)
    if done.returncode == 0:
        print("bandit: no issues.")
    return done.returncode == 0


def pip_audit() -> bool:
    print("== pip-audit", flush=True)
    done = run([str(BIN / "pip-audit"), "--skip-editable", "--progress-spinner", "off", "--format", "json"],
               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        report = json.loads(done.stdout)
    except ValueError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return _unaudited(f"pip-audit could not run against a vulnerability service ({last}).")
    deps = report.get("dependencies", [])
    vulnerable = [d for d in deps if d.get("vulns")]
    skipped = [d for d in deps if d.get("skip_reason")]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    ok = not vulnerable
    if skipped:
        audited = len(deps) - len(skipped)
        names = ", ".join(sorted(d["name"] for d in skipped)[:8]) + (" ..." if len(skipped) > 8 else "")
        ok = _unaudited(f"{len(skipped)} of {len(deps)} packages were NOT audited: the vulnerability service "
                        f"did not answer for them ({names}); {audited} audited.") and ok
    elif ok:
        print(f"pip-audit: {len(deps)} packages audited, no known vulnerabilities.")
    return ok


def _unaudited(message: str) -> bool:
    strict = os.environ.get("JICENG_AUDIT_STRICT") == "1"
    bar = "!" * 78
    print(f"{bar}\nWARNING: {message}\nThe dependency audit is INCOMPLETE on this machine "
          f"(PyPI's JSON API and the OSV service unreachable).{' Failing (JICENG_AUDIT_STRICT=1).' if strict else ''}"
          f"\n{bar}", file=sys.stderr)
    return not strict


def main() -> int:
    results = [ruff(), import_contracts(), bandit(), pip_audit()]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
