"""The demo city against the cockpit's contract (docs/cockpit-figures.md, the project's copy of the shared
/work/shared/cockpit-figures.md that a test keeps equal to it; another file with JICENG_FIGURES_CONTRACT): every figure the contract lists is present once the app of its capability is
installed, and each shows the source's value for Linfen — exactly, or at least it where the source says
"870+" — or, where the source gives no value ("—"), lies in the contract's range (0–1 for shares and
rates, a non-negative count otherwise).

The contract's table is read as it stands: a new row, or a new SPEC section with no app named in
CAPABILITY_APP, fails the check until someone says here which app owns it. What this module adds to the
contract is what the contract cannot know: which app owns each SPEC section, and which figures the demo
builder scales with `--scale` (their source values hold at scale 1 only; at other scales the check asks
for a present, positive figure).

Used by jiceng/demo/tests/test_contract.py (a small city, in the suite) and `manage.py demo_contract`
(scripts/demo_contract.py: the whole city at scale 1 on PostgreSQL, once in CI).
"""

import dataclasses
import os
import re
from pathlib import Path

from django.apps import apps

DEFAULT_CONTRACT = Path(__file__).resolve().parents[2] / "docs" / "cockpit-figures.md"
SHARED_CONTRACT = Path("/work/shared/cockpit-figures.md")  # the organization's original, where it is mounted

# SPEC section -> the app that builds that capability (and registers its figures in <app>/figures.py).
CAPABILITY_APP = {
    "A1": "orgs", "A2": "orgs", "A3": "orgs", "A4": "workforce", "A5": "network", "A6": "network",
    "A7": "neworgs", "B": "cases", "B5": "cases", "B9": "cases", "C1": "mobilize", "C2": "mobilize",
    "E1": "meetings", "F2": "projects", "G1": "workforce", "G2": "stations", "G3": "stations", "G5": "funds",
}

# Figures the demo builder makes in proportion to --scale (people, members, workers and what follows from
# them); the city's structure (units, party organizations, committees, positions, budgets) is the same at
# every scale. Their source values are checked at scale 1 only.
SCALED = {
    "in_service_members_registered",  # mobilize: 69,500 members per 200,000 residents
    "professional_community_workers",  # workforce: 1,200 × scale, at least two per community
    "professional_workers_as_secretary",  # workforce: 106 × min(1, scale)
    "professional_workers_in_two_committees",  # workforce: 569 × min(1, scale)
    "livelihood_projects_year",  # funds: projects per community grow with the scale
}

# Figures the demo city is known to show off their source value, each with the reason and whose it is to
# fix. Strict both ways: a figure listed here that meets its source value fails the check (remove it).
KNOWN_DEVIATIONS = {
    "streets_running_funds_compliant": "funds/demo.py leaves two streets short of the standard this year (to show "
                                       "the reminder letter); the source reports all 20 compliant",
    "communities_funds_compliant": "funds/demo.py leaves five communities short of the standards this year (to "
                                   "show the reminder letter); the source reports all 209 compliant",
}

RATE_TOLERANCE = 0.005  # values given with two decimals (36.68, 1.0)


@dataclasses.dataclass(frozen=True)
class Figure:
    key: str
    meaning: str
    sections: tuple[str, ...]
    source: str  # the Linfen column as written ("17", "870+", "—")
    expect: tuple | None  # ("exact", n) | ("at_least", n) | None when the source gives no value

    @property
    def app(self) -> str | None:
        return CAPABILITY_APP.get(self.sections[0]) if self.sections else None

    @property
    def is_rate(self) -> bool:
        return "0–1" in self.meaning or "share" in self.meaning.lower() or self.key.endswith(("_rate", "_share"))


def contract_path() -> Path:
    return Path(os.environ.get("JICENG_FIGURES_CONTRACT") or DEFAULT_CONTRACT)


def _number(text: str):
    text = text.replace(",", "").strip()
    return float(text) if "." in text else int(text)


def _expectations(source: str, n: int) -> list[tuple | None]:
    """The Linfen cell of a row of `n` keys as one expectation per key."""
    source = source.strip()
    if source in ("—", "-", ""):
        return [None] * n
    parts = [p.strip() for p in source.split(",")] if n > 1 else [source]
    if n > 1 and len(parts) != n:
        raise ValueError(f"{n} keys but the source gives {source!r}")
    out = []
    for part in parts:
        if part.endswith("+"):
            out.append(("at_least", _number(part[:-1])))
        else:
            out.append(("exact", _number(part)))
    return out


def read_contract(path: Path | None = None) -> list[Figure]:
    """Every figure of the contract's table, in its order."""
    path = path or contract_path()
    if not path.exists():
        raise FileNotFoundError(f"The cockpit contract {path} is missing (set JICENG_FIGURES_CONTRACT).")
    figures = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].startswith("`"):
            continue
        keys = re.findall(r"`([a-z0-9_]+)`", cells[0])
        sections = tuple(s.strip() for s in cells[2].split(","))
        for key, expect in zip(keys, _expectations(cells[3], len(keys)), strict=True):
            figures.append(Figure(key, cells[1], sections, cells[3], expect))
    if not figures:
        raise ValueError(f"No figures found in {path}.")
    return figures


def _installed(label: str) -> bool:
    return any(cfg.label == label for cfg in apps.get_app_configs())


def check(figures: list[Figure], values: dict, *, scale: float) -> dict:
    """{"checked": {key: how}, "problems": [text], "deviations": {key: value}}: each contract figure
    against the values of the cockpit (compute_figures of the city)."""
    problems, checked, deviations = [], {}, {}
    for f in figures:
        if f.app is None:
            problems.append(f"{f.key}: SPEC {'/'.join(f.sections)} names no app in CAPABILITY_APP")
            continue
        if not _installed(f.app):
            checked[f.key] = f"absent: app {f.app} not installed"
            if f.key in values:
                problems.append(f"{f.key}: present although its app {f.app} is not installed")
            continue
        if f.key not in values or values[f.key] is None:
            problems.append(f"{f.key}: missing, although {f.app} (SPEC {'/'.join(f.sections)}) is installed")
            continue
        value = values[f.key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(f"{f.key}: {value!r} is not a number")
            continue
        if f.is_rate and not 0 <= value <= 1:
            problems.append(f"{f.key}: {value} lies outside 0–1")
            continue
        if value < 0:
            problems.append(f"{f.key}: {value} is negative")
            continue
        if f.expect is None:  # no source value: the contract's range, and the demo city shows some
            checked[f.key] = "in 0–1" if f.is_rate else "a count > 0"
            if not f.is_rate and value <= 0:
                problems.append(f"{f.key}: {value}, the demo city shows none")
            continue
        kind, target = f.expect
        if f.key in SCALED and scale != 1:
            checked[f.key] = f"> 0 (source {f.source} checked at scale 1)"
            if value <= 0:
                problems.append(f"{f.key}: {value}, a demo city of any scale has some")
            continue
        if kind == "at_least":
            checked[f.key] = f"≥ {target}"
            held = value >= target
        else:
            checked[f.key] = f"= {target}"
            held = abs(value - target) <= (RATE_TOLERANCE if isinstance(target, float) else 0)
        if f.key in KNOWN_DEVIATIONS:
            if held:
                problems.append(f"{f.key}: {value} now meets the source ({f.source}): remove it from KNOWN_DEVIATIONS")
            else:
                checked[f.key] += f" (known deviation: {value}; {KNOWN_DEVIATIONS[f.key]})"
                deviations[f.key] = value
        elif not held:
            problems.append(f"{f.key}: {value}, the source says {f.source}")
    return {"checked": checked, "problems": problems, "deviations": deviations}
