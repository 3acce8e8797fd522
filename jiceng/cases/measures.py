"""Measures (B9) per unit and period, from the monthly rollup that case writes keep current.

For the cases received in the period, in the unit and below:
  response rate        responded within the category's response limit / received
  resolution rate      closed / accepted (received minus rejected, voided and merged)
  satisfaction rate    (satisfied + 0.9 × basically satisfied) / rated
  on-time closure rate closed within the deadline (never overdue) / closed
  rework rate          closed cases returned for rework at least once / closed
  settled in grid      closed at grid (compound) level / closed
  settled in community closed at community level or below / closed
Unit score = 100 × (w_response × response + w_resolution × resolution + w_satisfaction × satisfaction),
weights default 0.1 / 0.5 / 0.4 (setting JICENG_CASE_SCORE_WEIGHTS); grade A ≥ 90, B ≥ 80, C ≥ 70,
D ≥ 60, else E. A rate with an empty denominator is None ("no data"), never zero.
"""

import datetime
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db.models import Count, Q, Sum

from jiceng.cases.models import ROLLUP_FIELDS, Case, Rating, Rollup, Status, Whistle
from jiceng.core.scope import subtree_q

DEFAULT_WEIGHTS = {"response": 0.1, "resolution": 0.5, "satisfaction": 0.4}
GRADES = [(90, "A"), (80, "B"), (70, "C"), (60, "D")]


@dataclass
class Measures:
    counts: dict
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    on_time_closure_rate: float | None
    rework_rate: float | None
    settled_in_compound_share: float | None
    settled_in_community_share: float | None
    score: float | None
    grade: str | None

    def as_dict(self) -> dict:
        return asdict(self)


def _ratio(a, b):
    return round(a / b, 4) if b else None


def weights() -> dict:
    return {**DEFAULT_WEIGHTS, **getattr(settings, "JICENG_CASE_SCORE_WEIGHTS", {})}


def grade_for(score: float | None) -> str | None:
    if score is None:
        return None
    for floor, grade in GRADES:
        if score >= floor:
            return grade
    return "E"


def from_counts(c: dict, w: dict | None = None) -> Measures:
    w = w or weights()
    resp = _ratio(c["responded"], c["received"])
    res = _ratio(c["closed"], c["accepted"])
    sat = _ratio(c["satisfied"] + 0.9 * c["basic"], c["rated"])
    parts = {"response": resp, "resolution": res, "satisfaction": sat}
    if all(v is None for v in parts.values()):
        score = None
    else:
        score = round(100 * sum(w[k] * (v or 0.0) for k, v in parts.items()), 2)
    return Measures(counts=c, response_rate=resp, resolution_rate=res, satisfaction_rate=sat,
                    on_time_closure_rate=_ratio(c["closed_on_time"], c["closed"]),
                    rework_rate=_ratio(c["rework"], c["closed"]),
                    settled_in_compound_share=_ratio(c["settled_grid"], c["closed"]),
                    settled_in_community_share=_ratio(c["settled_community"], c["closed"]),
                    score=score, grade=grade_for(score))


def period_months(start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First days of the first and last months of a period given by any two dates."""
    return start.replace(day=1), end.replace(day=1)


def counts_for(path: str, start: datetime.date, end: datetime.date) -> dict:
    first, last = period_months(start, end)
    agg = (Rollup.objects.filter(subtree_q(path, "unit_path"), month__gte=first, month__lte=last)
           .aggregate(**{f: Sum(f) for f in ROLLUP_FIELDS}))
    return {f: int(agg[f] or 0) for f in ROLLUP_FIELDS}


def unit_measures(unit, start: datetime.date, end: datetime.date) -> Measures:
    return from_counts(counts_for(unit.path, start, end))


def children_measures(unit, children, start, end) -> dict:
    """Measures of each child, keyed by child path: one grouped query over the rollup."""
    from django.db.models.functions import Substr

    children = list(children)
    if not children:
        return {}
    length = len(children[0].path)
    first, last = period_months(start, end)
    rows = (Rollup.objects.filter(subtree_q(unit.path, "unit_path"), month__gte=first, month__lte=last)
            .annotate(prefix=Substr("unit_path", 1, length)).values("prefix")
            .annotate(**{f: Sum(f) for f in ROLLUP_FIELDS}).order_by())
    by = {r["prefix"]: {f: int(r[f] or 0) for f in ROLLUP_FIELDS} for r in rows}
    empty = dict.fromkeys(ROLLUP_FIELDS, 0)
    return {c.path: from_counts(by.get(c.path, empty)) for c in children}


def monthly_counts(path: str, first_month: datetime.date, last_month: datetime.date) -> list[dict]:
    """Counters of each month from `first_month` to `last_month` (any days in them), in the unit and below,
    from one query grouped by month: [{"month": date (first day), "received": n, "closed": n, …}, …], every
    month listed (zeros when nothing was received). Cases count in the month they were received."""
    first, last = period_months(first_month, last_month)
    rows = (Rollup.objects.filter(subtree_q(path, "unit_path"), month__gte=first, month__lte=last)
            .values("month").annotate(**{f: Sum(f) for f in ROLLUP_FIELDS}).order_by())
    by = {r["month"]: r for r in rows}
    out, month = [], first
    while month <= last:
        row = by.get(month, {})
        out.append({"month": month, **{f: int(row.get(f) or 0) for f in ROLLUP_FIELDS}})
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return out


def counts_from_cases(path: str, start: datetime.date, end: datetime.date) -> dict:
    """The same counts straight from the case rows (slow; for checks and repair)."""
    import zoneinfo

    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    first, last = period_months(start, end)
    after_last = (last.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    qs = Case.objects.filter(subtree_q(path, "unit_path"),
                             received_at__gte=datetime.datetime.combine(first, datetime.time(), tz),
                             received_at__lt=datetime.datetime.combine(after_last, datetime.time(), tz))
    closed = Q(status=Status.CLOSED)
    agg = qs.aggregate(
        received=Count("id"), responded=Count("id", filter=Q(responded_on_time=True)),
        accepted=Count("id", filter=~Q(status__in=[Status.REJECTED, Status.VOIDED, Status.MERGED])),
        closed=Count("id", filter=closed), closed_on_time=Count("id", filter=closed & Q(closed_on_time=True)),
        rework=Count("id", filter=closed & Q(reworks__gt=0)), rated=Count("id", filter=~Q(rating="")),
        satisfied=Count("id", filter=Q(rating=Rating.SATISFIED)), basic=Count("id", filter=Q(rating=Rating.BASIC)),
        settled_grid=Count("id", filter=closed & Q(settled_level="grid")),
        settled_community=Count("id", filter=closed & Q(settled_level__in=["grid", "community"])),
    )
    return {f: int(agg[f] or 0) for f in ROLLUP_FIELDS}


def department_evaluation(unit, start: datetime.date, end: datetime.date) -> list[dict]:
    """Per department called in the unit's area: report-in on time, on-time handling, rework, street score."""
    rows = (Whistle.objects.filter(subtree_q(unit.path, "unit_path"), called_at__date__gte=start,
                                   called_at__date__lte=end)
            .values("department_id", "department__name")
            .annotate(calls=Count("id"), reported_on_time=Count("id", filter=Q(handled_on_time=True)),
                      closed=Count("id", filter=Q(case__status=Status.CLOSED)),
                      closed_on_time=Count("id", filter=Q(case__status=Status.CLOSED, case__closed_on_time=True)),
                      rework=Count("id", filter=Q(case__status=Status.CLOSED, case__reworks__gt=0)),
                      score_sum=Sum("score"), scored=Count("score"))
            .order_by("department__name"))
    out = []
    for r in rows:
        out.append({
            "department_id": r["department_id"], "department": r["department__name"], "calls": r["calls"],
            "report_in_rate": _ratio(r["reported_on_time"], r["calls"]),
            "on_time_handling_rate": _ratio(r["closed_on_time"], r["closed"]),
            "rework_rate": _ratio(r["rework"], r["closed"]),
            "average_score": round(r["score_sum"] / r["scored"], 2) if r["scored"] else None,
        })
    return out
