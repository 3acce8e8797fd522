"""Deadlines in calendar hours or in working hours (Monday–Friday 9:00–12:00 and 13:00–18:00, local
time) with a holiday calendar: `Holiday` rows mark holidays and make-up workdays (调休)."""

import datetime
import functools

from django.utils import timezone

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
