"""Weekly opening hours with public-holiday exceptions.

Hours are periods per day: 0 = Monday … 6 = Sunday, 7 = public holidays. A day in the holiday table
that cases use (`Holiday`, workday=False) follows the day-7 periods (none = closed); a make-up workday
(调休, workday=True on a weekend) follows Monday's periods. Text form, one day: "08:00-12:00,14:00-18:00".
"""

import datetime
import re

from django.utils.translation import gettext as _

from jiceng.core.errors import ValidationFailed

DAYS = 8
_PERIOD = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–~至]\s*(\d{1,2}):(\d{2})\s*$")


def _time(h: str, m: str, field: str) -> datetime.time:
    hour, minute = int(h), int(m)
    if hour == 24 and minute == 0:
        return datetime.time(23, 59)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValidationFailed(_("“%(v)s:%(m)s” is not a time of day.") % {"v": h, "m": m}, field=field)
    return datetime.time(hour, minute)


def parse_day(text: str, *, field: str = "hours") -> list[tuple[datetime.time, datetime.time]]:
    """Periods of one day from text like "08:00-12:00, 14:00-18:00" ("" = closed)."""
    periods = []
    for part in re.split(r"[,，;；]", text or ""):
        if not part.strip():
            continue
        match = _PERIOD.match(part)
        if not match:
            raise ValidationFailed(_("Write opening hours as 08:00-12:00, several periods separated by commas."),
                                   field=field)
        periods.append((_time(match[1], match[2], field), _time(match[3], match[4], field)))
    return periods


def validate_periods(days: dict[int, list]) -> list[tuple[int, datetime.time, datetime.time]]:
    """Check every day's periods (each ends after it starts, none overlap) and flatten them."""
    rows = []
    for day, periods in sorted(days.items()):
        if not isinstance(day, int) or not 0 <= day < DAYS:
            raise ValidationFailed(_("A day of the week is 0 (Monday) to 6 (Sunday), or 7 for public holidays."),
                                   field="hours")
        ordered = sorted(periods)
        for opens, closes in ordered:
            if closes <= opens:
                raise ValidationFailed(_("Opening hours must end after they start (%(o)s–%(c)s).")
                                       % {"o": opens.strftime("%H:%M"), "c": closes.strftime("%H:%M")},
                                       field="hours")
        for (_o1, c1), (o2, _c2) in zip(ordered, ordered[1:], strict=False):
            if o2 < c1:
                raise ValidationFailed(_("Opening hours overlap on the same day (%(a)s and %(b)s).")
                                       % {"a": c1.strftime("%H:%M"), "b": o2.strftime("%H:%M")}, field="hours")
        rows.extend((day, o, c) for o, c in ordered)
    return rows


def day_key(day: datetime.date, calendar: dict) -> int:
    """Which periods apply on `day`: 7 on a public holiday, 0 on a make-up workday, else the weekday."""
    if day in calendar:
        return 0 if calendar[day] and day.weekday() >= 5 else (HOLIDAY_KEY if not calendar[day] else day.weekday())
    return day.weekday()


HOLIDAY_KEY = 7


def periods_on(hours: list[tuple[int, datetime.time, datetime.time]], day: datetime.date, calendar: dict):
    key = day_key(day, calendar)
    return [(o, c) for d, o, c in hours if d == key]


def is_open(hours, moment: datetime.datetime, calendar: dict) -> bool:
    t = moment.time()
    return any(o <= t < c for o, c in periods_on(hours, moment.date(), calendar))


def format_periods(periods) -> str:
    return ", ".join(f"{o:%H:%M}-{c:%H:%M}" for o, c in periods)
