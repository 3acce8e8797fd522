"""Deadlines in calendar hours or in working hours (Monday–Friday 9:00–12:00 and 13:00–18:00, local
time) with a holiday calendar: `Holiday` rows mark holidays and make-up workdays (调休), and the one rule
that says how a case stands against its deadline (`due_state`)."""

import datetime
import functools
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext

from jiceng.cases.models import Holiday

WORK_PERIODS = ((datetime.time(9, 0), datetime.time(12, 0)), (datetime.time(13, 0), datetime.time(18, 0)))


@functools.lru_cache(maxsize=1)
def _calendar_cached(stamp):
    return {h.date: h.workday for h in Holiday.objects.all()}


def holiday_calendar() -> dict:
    stamp = (Holiday.objects.count(), str(Holiday.objects.order_by("-id").values_list("id", flat=True).first()))
    return _calendar_cached(stamp)


def is_workday(day: datetime.date, calendar: dict) -> bool:
    if day in calendar:
        return calendar[day]
    return day.weekday() < 5


def add_working_hours(start: datetime.datetime, hours: float, calendar: dict) -> datetime.datetime:
    """The moment `hours` working hours after `start` (aware datetimes; counted in local time)."""
    tz = timezone.get_current_timezone()
    local = timezone.localtime(start, tz)
    remaining = datetime.timedelta(hours=hours)
    day = local.date()
    cursor = local
    for _ in range(3660):  # ten years of days at most
        if is_workday(day, calendar):
            for begin, end in WORK_PERIODS:
                p_start = datetime.datetime.combine(day, begin, tzinfo=tz)
                p_end = datetime.datetime.combine(day, end, tzinfo=tz)
                if cursor >= p_end:
                    continue
                s = max(cursor, p_start)
                available = p_end - s
                if remaining <= available:
                    return s + remaining
                remaining -= available
                cursor = p_end
        day += datetime.timedelta(days=1)
        cursor = datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=tz)
    raise ValueError("deadline too far in the future")


def deadline_for(start: datetime.datetime, hours: float, kind: str, calendar: dict | None = None):
    """(deadline, warning moment at 75 %) for a case starting at `start`."""
    if kind == "working":
        calendar = holiday_calendar() if calendar is None else calendar
        return (add_working_hours(start, hours, calendar), add_working_hours(start, hours * 0.75, calendar))
    return start + datetime.timedelta(hours=hours), start + datetime.timedelta(hours=hours * 0.75)


# ------------------------------------------------------------------------------------------------
# The one deadline rule: every page (case, queue, desk, board) and the API show a case's deadline
# through `due_state`, so "overdue" never stands beside a future deadline and every place gives the
# same overdue time.

OK, SOON, OVERDUE, PAUSED, DONE, NONE = "ok", "soon", "overdue", "paused", "done", "none"
_FINAL = ("closed", "rejected", "voided", "merged")


@dataclass(frozen=True)
class Due:
    """A case's deadline as people read it at `now`: `state` is one of ok (time left), soon (past the
    warning point, not yet due), overdue (due and still open: `delta` is by how much), paused
    (suspended), done (final: the deadline no longer runs), none (no deadline); `delta` is the time left
    (ok, soon) or the time overdue (overdue), else zero."""

    deadline: datetime.datetime | None
    state: str
    delta: datetime.timedelta = datetime.timedelta(0)
    missed_before: bool = False  # a deadline was missed earlier (the case was reported up for it)

    @property
    def overdue(self) -> bool:
        return self.state == OVERDUE

    @property
    def overdue_minutes(self) -> int | None:
        return int(self.delta.total_seconds() // 60) if self.state == OVERDUE else None

    @property
    def css(self) -> str:
        return {OVERDUE: "red", SOON: "warn"}.get(self.state, "")

    @property
    def label(self) -> str:
        """"overdue 2 d 3 h" / "due in 5 h 10 min" / "" in the active language."""
        if self.state == OVERDUE:
            return gettext("overdue %(time)s") % {"time": duration_text(self.delta)}
        if self.state in (OK, SOON):
            return gettext("due in %(time)s") % {"time": duration_text(self.delta)}
        if self.state == PAUSED:
            return gettext("suspended: the deadline is paused")
        return ""

    def __str__(self) -> str:
        return self.label


def due_state(case, now: datetime.datetime) -> Due:
    """The one rule for a case's deadline at `now` (no query: reads the case's own columns)."""
    deadline = case.deadline_at
    missed = bool(getattr(case, "overdue", False))
    if case.status in _FINAL:
        return Due(deadline, DONE, missed_before=missed)
    if case.status == "suspended":
        return Due(deadline, PAUSED, missed_before=missed)
    if deadline is None:
        return Due(None, NONE, missed_before=missed)
    if deadline <= now:
        return Due(deadline, OVERDUE, now - deadline, missed_before=missed)
    warn_at = getattr(case, "warn_at", None)
    soon = warn_at is not None and warn_at <= now
    return Due(deadline, SOON if soon else OK, deadline - now, missed_before=missed)


def duration_text(delta: datetime.timedelta) -> str:
    """A duration in days and hours (minutes under a day; "under a minute" below that)."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return gettext("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return gettext("%(h)d h %(m)d min") % {"h": hours, "m": mins}
    if mins:
        return gettext("%(m)d min") % {"m": mins}
    return gettext("under a minute")
