"""Keeping UnitTally current. Every function runs inside the caller's (service's) transaction.

A unit's tally counts what lies below it: units of each kind, resident people and registered people who
are not residents (at the unit's own path too: in-service members and workers are registered at their
community). A change at a path adds a delta to every ancestor's row (the codes in the path), so one UPDATE
per distinct delta.
"""

from collections import Counter, defaultdict

from django.db.models import Count, F

from jiceng.orgs.models import TALLY_KINDS, TALLY_PEOPLE, Unit, UnitTally
from jiceng.orgs.people import people


def _codes(path: str) -> list[str]:
    return [c for c in path.split("/") if c]


def add_deltas(deltas: dict[str, Counter]) -> None:
    """deltas: unit code -> Counter(column -> change). Units without a tally row (households) are skipped."""
    by_change: dict[tuple, list[str]] = defaultdict(list)
    for code, counter in deltas.items():
        change = tuple(sorted((k, v) for k, v in counter.items() if v))
        if change:
            by_change[change].append(code)
    for change, codes in by_change.items():
        for start in range(0, len(codes), 900):
            UnitTally.objects.filter(unit__code__in=codes[start:start + 900]).update(
                **{column: F(column) + value for column, value in change})


def on_units_created(units: list[Unit]) -> None:
    """New units get a tally row (below households there is nothing), and their ancestors count them."""
    rows = [UnitTally(unit_id=u.pk) for u in units if u.kind != "household"]
    UnitTally.objects.bulk_create(rows, batch_size=5000)
    deltas: dict[str, Counter] = defaultdict(Counter)
    for u in units:
        for code in _codes(u.path)[:-1]:
            deltas[code][u.kind] += 1
    add_deltas(deltas)


def on_people_added(people, sign: int = 1) -> None:
    """People added (sign 1) or removed (sign -1), as (unit path, is resident) pairs."""
    deltas: dict[str, Counter] = defaultdict(Counter)
    for path, resident in people:
        column = "residents" if resident else "non_residents"
        for code in _codes(path):
            deltas[code][column] += sign
    add_deltas(deltas)


def subtree_totals(unit: Unit) -> Counter:
    """What a unit and everything under it contributes to its ancestors (the unit itself included)."""
    tally = UnitTally.objects.filter(unit=unit).first()
    out = Counter({unit.kind: 1})
    if tally:
        for column in TALLY_KINDS + TALLY_PEOPLE:
            out[column] += getattr(tally, column)
    else:  # a household: its people
        out["residents"] += people().residents().filter(unit_path=unit.path).count()
        out["non_residents"] += people().non_residents().filter(unit_path=unit.path).count()
    return out


def on_unit_moved(old_ancestor_codes: list[str], new_ancestor_codes: list[str], totals: Counter) -> None:
    deltas: dict[str, Counter] = defaultdict(Counter)
    for code in old_ancestor_codes:
        for column, value in totals.items():
            deltas[code][column] -= value
    for code in new_ancestor_codes:
        for column, value in totals.items():
            deltas[code][column] += value
    add_deltas(deltas)


def rebuild() -> int:
    """Recompute every tally from the rows (used after a restore, and by tests as the reference)."""
    UnitTally.objects.all().delete()
    units = list(Unit.objects.exclude(kind="household").only("id", "path", "kind"))
    UnitTally.objects.bulk_create([UnitTally(unit_id=u.pk) for u in units], batch_size=5000)
    deltas: dict[str, Counter] = defaultdict(Counter)
    for path, kind in Unit.objects.values_list("path", "kind").iterator(chunk_size=20000):
        for code in _codes(path)[:-1]:
            deltas[code][kind] += 1
    for column, rows in (("residents", people().residents()), ("non_residents", people().non_residents())):
        for row in rows.values("unit_path").annotate(n=Count("id")).order_by().iterator(chunk_size=20000):
            for code in _codes(row["unit_path"]):
                deltas[code][column] += row["n"]
    rows = []
    by_code = {u.path.rstrip("/").rsplit("/", 1)[-1]: u.pk for u in units}
    for code, counter in deltas.items():
        pk = by_code.get(code)
        if pk is not None:
            rows.append(UnitTally(unit_id=pk, **{k: v for k, v in counter.items()}))
    fields = TALLY_KINDS + TALLY_PEOPLE
    UnitTally.objects.bulk_update(rows, fields, batch_size=2000)
    return len(units)
