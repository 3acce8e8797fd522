"""Computed indicator sources for the year-end assessment: a registry of
`source key -> function(unit, year) -> value in 0..1 (or None when there is nothing to measure)`.

A source may also offer a batch form `function(units, year) -> {unit.pk: value}` so that a whole level
is computed in a few grouped queries; the assessment uses it when present, and the per-unit form
otherwise. Meetings (E1/E2), projects (F2) and key tasks (F3) are registered here; case measures (B9)
are registered only when the cases app exposes its measures function; funds (G5) and staffing (G1)
register themselves the same way when they exist.
"""

import dataclasses
import datetime
import types
from collections.abc import Callable

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiceng.cases import measures as case_measures
from jiceng.core.scope import common_path
from jiceng.meetings.models import ActionItem
from jiceng.meetings.selectors import on_time_rates_by_prefix
from jiceng.projects.models import KeyTask, Project


@dataclasses.dataclass
class Source:
    key: str
    label: str
    per_unit: Callable
    batch: Callable | None = None


SOURCES: dict[str, Source] = {}


def register(key: str, label, per_unit: Callable, batch: Callable | None = None) -> None:
    SOURCES[key] = Source(key, label, per_unit, batch)


def as_of(year: int) -> datetime.date:
    """The day the year's figures are taken: today within the year, the day after it once it is over."""
    today = timezone.localdate()
    return min(today, datetime.date(year + 1, 1, 1))


def values_for(key: str, units: list, year: int) -> dict:
    source = SOURCES[key]
    if source.batch is not None:
        return source.batch(units, year)
    return {u.pk: source.per_unit(u, year) for u in units}


def _clamp(v):
    return None if v is None else max(0.0, min(1.0, float(v)))


def _grouped(qs, units, aggregate: dict, value: Callable) -> dict:
    """Group `qs` by each unit's path prefix (one query per path length) and turn a row into a value."""
    out, by_len = {}, {}
    for u in units:
        by_len.setdefault(len(u.path), []).append(u)
    for length, group in by_len.items():
        rows = {r["prefix"]: r for r in qs.annotate(prefix=Substr("unit_path", 1, length)).values("prefix")
                .annotate(**aggregate).order_by()}
        for u in group:
            out[u.pk] = _clamp(value(rows[u.path])) if u.path in rows else None
    return out


# ---------------------------------------------------------------- meetings (E1, E2)
def _meetings_on_time_batch(units, year):
    return {k: _clamp(v) for k, v in on_time_rates_by_prefix(units, year, as_of(year)).items()}


def _actions_qs(year):
    return ActionItem.objects.filter(deadline__year=year, deadline__lt=as_of(year))


def _actions_batch(units, year):
    return _grouped(_actions_qs(year), units,
                    {"n": Count("id"), "ok": Count("id", filter=Q(status="done", done_on__lte=F("deadline")))},
                    lambda r: r["ok"] / r["n"] if r["n"] else None)


# ---------------------------------------------------------------- projects (F2) and key tasks (F3)
def _projects_batch(units, year):
    return _grouped(Project.objects.filter(year=year).exclude(status="suspended"), units,
                    {"avg": Avg("progress")}, lambda r: r["avg"] / 100 if r["avg"] is not None else None)


def _tasks_batch(units, year):
    return _grouped(KeyTask.objects.filter(year=year, published=True), units,
                    {"avg": Avg("progress")}, lambda r: r["avg"] / 100 if r["avg"] is not None else None)


def _done_at_close_batch(units, year):
    from jiceng.projects.models import KeyTask, TaskListClosure

    closed = TaskListClosure.objects.filter(year=year).values("issuer_id")
    return _grouped(KeyTask.objects.filter(year=year, issuer_id__in=closed), units,
                    {"n": Count("id"), "ok": Count("id", filter=Q(outcome="done"))},
                    lambda r: r["ok"] / r["n"] if r["n"] else None)


def _one(batch):
    return lambda unit, year: batch([unit], year).get(unit.pk)


register("meetings.on_time_rate", _("Joint meetings held on time"), _one(_meetings_on_time_batch),
         _meetings_on_time_batch)
register("meetings.actions_done_on_time", _("Meeting action items done by their deadline"), _one(_actions_batch),
         _actions_batch)
register("projects.progress", _("Secretary-led project progress"), _one(_projects_batch), _projects_batch)
register("tasks.progress", _("Key task completion"), _one(_tasks_batch), _tasks_batch)
register("tasks.done_at_close", _("Key tasks done at the year's close"), _one(_done_at_close_batch),
         _done_at_close_batch)


# ---------------------------------------------------------------- case measures (B9), when available
CASE_MEASURES = {
    "response_rate": _("Case response rate"),
    "resolution_rate": _("Case resolution rate"),
    "satisfaction_rate": _("Case satisfaction rate"),
    "on_time_closure_rate": _("Case on-time closure rate"),
}


def register_case_sources() -> bool:
    """Register `cases.<measure>` sources from the cases app's own measures (B9); a missing measure fails loudly:
    `jiceng.cases.measures.unit_measures(unit, start, end)` per unit, and its grouped twin
    `children_measures(unit, children, start, end)` (same rollup, same formulas) for a whole level."""
    per_unit_fn = case_measures.unit_measures
    grouped_fn = case_measures.children_measures

    def period(year):
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)

    for name, label in CASE_MEASURES.items():
        def per_unit(unit, year, name=name):
            start, end = period(year)
            return _clamp(getattr(per_unit_fn(unit, start, end), name))

        def many(units, year, name=name):
            start, end = period(year)
            units = list(units)
            if not units or len({len(u.path) for u in units}) != 1:
                return {u.pk: per_unit(u, year) for u in units}
            got = grouped_fn(types.SimpleNamespace(path=common_path(u.path for u in units)), units, start, end)
            return {u.pk: _clamp(getattr(got[u.path], name)) for u in units}

        register(f"cases.{name}", label, per_unit, many)
    return True


register_case_sources()
