"""Ranged types for the API's schemas and query parameters: every field has a sensible range.

They are plain `typing.Annotated` types, so they show in the OpenAPI document (minimum, maximum, maxLength) and
out-of-range input is a 422 naming the field, before any service runs.
"""

import datetime
from typing import Annotated

from django.utils import timezone
from pydantic import AfterValidator, Field, StrictBool, StrictFloat, StrictInt

FIRST_YEAR, LAST_YEAR = 2000, 2100
FIRST_DAY, LAST_DAY = datetime.date(FIRST_YEAR, 1, 1), datetime.date(LAST_YEAR, 12, 31)


def _in_years(value: datetime.datetime) -> datetime.datetime:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"Year between {FIRST_YEAR} and {LAST_YEAR}.")
    return value


Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
Month = Annotated[int, Field(ge=1, le=12)]
Day = Annotated[datetime.date, Field(ge=FIRST_DAY, le=LAST_DAY)]
Moment = Annotated[datetime.datetime, AfterValidator(_in_years)]

# JSON bodies: numbers are numbers (pydantic would otherwise take `true` for 1), in a range.
Int = StrictInt
Float = Annotated[StrictFloat, Field(allow_inf_nan=False)]  # an integer too, never a boolean or a string
Bool = StrictBool
Id = Annotated[StrictInt, Field(ge=1, le=2**31 - 1)]
Count = Annotated[StrictInt, Field(ge=0, le=1_000_000)]
Share = Annotated[StrictFloat, Field(ge=0, le=1)]  # a weight or share, 0..1
Percent = Annotated[StrictFloat, Field(ge=0, le=100)]  # 0..100
Amount = Annotated[StrictFloat, Field(ge=0, le=1e11)]  # yuan, < 100 billion
Latitude = Annotated[StrictFloat, Field(ge=-90, le=90)]
Longitude = Annotated[StrictFloat, Field(ge=-180, le=180)]
Hours = Annotated[StrictInt, Field(ge=0, le=24 * 366)]
Score5 = Annotated[StrictInt, Field(ge=1, le=5)]  # a 1..5 rating
Score100 = Annotated[StrictFloat, Field(ge=0, le=100)]  # 0..100 points
Version = Annotated[StrictInt, Field(ge=0, le=2**31 - 1)]  # optimistic-lock version of a row


def Text(max_length: int = 200, min_length: int = 0):  # noqa: N802 (a type, read as one)
    return Annotated[str, Field(min_length=min_length, max_length=max_length)]


def year_or_this(year: int | None) -> int:
    """A query's `Year | None`: the year given, else this year (local time)."""
    return year or timezone.localdate().year
