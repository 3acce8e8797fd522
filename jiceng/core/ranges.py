"""The sensible ranges every service checks, with a clear translatable message (issue 18, item 12).

The API's schemas (`core/fields.py`) and the pages' forms (`core/forms.py`) refuse the same input first; a
service checks again because it is also called by imports, the demo builder and other services. One source
for the numbers: `core/fields.py` (FIRST_DAY..LAST_DAY, 2000–2100).
"""

import datetime
import math

from django.utils.translation import gettext as _

from jiceng.core.errors import ValidationFailed
from jiceng.core.fields import FIRST_DAY, FIRST_YEAR, LAST_DAY, LAST_YEAR

MAX_WEIGHT = 1000.0
MAX_AMOUNT = 99_999_999_999.99  # yuan: under 100 billion, with fen


def _number(value, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationFailed(_("Give a number."), field=field)
    return float(value)


def _places(value: float, places: int) -> bool:
    return round(value, places) == value


def check_year(value, *, field: str = "year") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not FIRST_YEAR <= value <= LAST_YEAR:
        raise ValidationFailed(_("Give a year between %(first)d and %(last)d.") % {"first": FIRST_YEAR,
                                                                                   "last": LAST_YEAR}, field=field)
    return value


def check_day(value, *, field: str) -> datetime.date:
    """A date the platform plans for: 2000-01-01 to 2100-12-31 (not 0004-01-01)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date) or not FIRST_DAY <= value <= LAST_DAY:
        raise ValidationFailed(_("Give a date between %(first)s and %(last)s.")
                               % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}, field=field)
    return value


def check_percent(value, *, field: str = "progress") -> float:
    """A percentage 0–100 with at most two decimals (not 3.4e-169)."""
    value = _number(value, field)
    if not 0 <= value <= 100 or not _places(value, 2):
        raise ValidationFailed(_("Give a percentage from 0 to 100 with at most two decimals."), field=field)
    return value


def check_weight(value, *, field: str = "weight") -> float:
    """A relative weight above 0 and at most 1000, with at most two decimals (not 68100554861044950)."""
    value = _number(value, field)
    if not 0 < value <= MAX_WEIGHT or not _places(value, 2):
        raise ValidationFailed(_("Give a weight above 0 and at most 1000, with at most two decimals."), field=field)
    return value


def check_share(value, *, field: str) -> float:
    """A share 0–1 with at most four decimals."""
    value = _number(value, field)
    if not 0 <= value <= 1 or not _places(value, 4):
        raise ValidationFailed(_("Give a share from 0 to 1 with at most four decimals."), field=field)
    return value
