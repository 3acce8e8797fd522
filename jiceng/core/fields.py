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


def _places(places: int):
    """A float given with at most `places` decimals (3.4e-169 is not a percentage anyone means)."""
    def check(value: float) -> float:
        if round(value, places) != value:
            raise ValueError(f"At most {places} decimal places.")
        return value
    return AfterValidator(check)


# Dates and moments carry their range into the OpenAPI document as formatMinimum/formatMaximum (the JSON
# Schema vocabulary for ranges of formatted strings), so a client and the contract test see them.
_DAY_RANGE = {"formatMinimum": FIRST_DAY.isoformat(), "formatMaximum": LAST_DAY.isoformat()}
_MOMENT_RANGE = {"formatMinimum": f"{FIRST_DAY.isoformat()}T00:00:00Z",
                 "formatMaximum": f"{LAST_DAY.isoformat()}T23:59:59Z"}


Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
Month = Annotated[int, Field(ge=1, le=12)]
Day = Annotated[datetime.date, Field(ge=FIRST_DAY, le=LAST_DAY, json_schema_extra=_DAY_RANGE)]
BirthDay = Annotated[datetime.date, Field(ge=datetime.date(1880, 1, 1), le=LAST_DAY,
                                           json_schema_extra={"formatMinimum": "1880-01-01",
                                                              "formatMaximum": LAST_DAY.isoformat()})]
Moment = Annotated[datetime.datetime, AfterValidator(_in_years), Field(json_schema_extra=_MOMENT_RANGE)]

# JSON bodies: numbers are numbers (pydantic would otherwise take `true` for 1), in a range.
Int = StrictInt
Float = Annotated[StrictFloat, Field(allow_inf_nan=False)]  # an integer too, never a boolean or a string
Bool = StrictBool
Id = Annotated[StrictInt, Field(ge=1, le=2**31 - 1)]
PathId = Annotated[int, Field(ge=1, le=2**31 - 1)]  # a row id in a URL path or query string (text there)
Count = Annotated[StrictInt, Field(ge=0, le=1_000_000)]
Share = Annotated[StrictFloat, Field(ge=0, le=1, multiple_of=0.0001), _places(4)]  # a share, 0..1
Percent = Annotated[StrictFloat, Field(ge=0, le=100, multiple_of=0.01), _places(2)]  # 0..100, 2 decimals
Weight = Annotated[StrictFloat, Field(gt=0, le=1000, multiple_of=0.01), _places(2)]  # relative to siblings
Amount = Annotated[StrictFloat, Field(ge=0, le=1e11, multiple_of=0.01), _places(2)]  # yuan and fen, < 100 billion

Latitude = Annotated[StrictFloat, Field(ge=-90, le=90)]
Longitude = Annotated[StrictFloat, Field(ge=-180, le=180)]


def Checked(type_, low, high):  # noqa: N802 (a type, read as one)
    """A parameter whose range `low`..`high` the service checks itself, with its own message and code that
    clients rely on (routing's `lat_out_of_range`, the finder's "Ask for 1 to 10 stations"): the range is
    in the OpenAPI document, the refusal stays the service's."""
    return Annotated[type_, Field(json_schema_extra={"minimum": low, "maximum": high})]


# An amount of yuan that the service parses itself, with its Chinese messages (funds' `parse_amount`: "not a
# number", "negative", "at most two decimals (fen)", "too large"): a decimal string or a JSON number.
MoneyInput = (Annotated[str, Field(max_length=24)] | Checked(StrictInt, 0, 99_999_999_999)
              | Checked(StrictFloat, 0, 99_999_999_999.99))
LatitudeParam, LongitudeParam = Checked(float, -90, 90), Checked(float, -180, 180)
Hours = Annotated[StrictInt, Field(ge=0, le=24 * 366)]
Score5 = Annotated[StrictInt, Field(ge=1, le=5)]  # a 1..5 rating
Score100 = Annotated[StrictFloat, Field(ge=0, le=100)]  # 0..100 points
Version = Annotated[StrictInt, Field(ge=0, le=2**31 - 1)]  # optimistic-lock version of a row


def Text(max_length: int = 200, min_length: int = 0):  # noqa: N802 (a type, read as one)
    return Annotated[str, Field(min_length=min_length, max_length=max_length)]


def year_or_this(year: int | None) -> int:
    """A query's `Year | None`: the year given, else this year (local time)."""
    return year or timezone.localdate().year
