"""Abuse limits (H7): requests counted per key in fixed windows, exact under concurrent requests.

`throttle_take(key, limit, window)` adds one to the key's count for the current window with a single
conditional upsert:

    INSERT … ON CONFLICT (key, window) DO UPDATE SET count = count + 1 WHERE count < limit RETURNING count

On PostgreSQL the conflicting row is locked, so concurrent requests are serialised on it and the
condition is re-checked against the committed count: the request one too many gets no row back and is
refused. No check-then-insert, so no race. Call it inside the caller's transaction: a request refused
later (validation) gives its unit back with the rollback.

Keys name what is counted: "user:<id>:<what>", "phone:<lookup hash>:<what>", "addr:<address>:<what>".
"""

import datetime

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.cases.models import ThrottleCount
from jiceng.core.errors import Throttled

HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)
DAY = datetime.timedelta(days=1)


def _window_start(now: datetime.datetime, window: datetime.timedelta) -> datetime.datetime:
    seconds = int(window.total_seconds())
    epoch = int(now.timestamp())
    return datetime.datetime.fromtimestamp(epoch - epoch % seconds, tz=datetime.UTC)


def throttle_take(key: str, *, limit: int, window: datetime.timedelta, now=None) -> bool:
    """Count one request for `key` in the current window; False (and nothing counted) when `limit`
    requests were already counted there."""
    start = _window_start(now or timezone.now(), window)
    table = ThrottleCount._meta.db_table
    sql = (f"INSERT INTO {table} (key, \"window\", count) VALUES (%s, %s, 1) "  # noqa: S608  # nosec B608  # table from model metadata, values bound
           f"ON CONFLICT (key, \"window\") DO UPDATE SET count = {table}.count + 1 "
           f"WHERE {table}.count < %s RETURNING count")
    value = start if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(start)
    with connection.cursor() as cursor:
        cursor.execute(sql, [key[:120], value, limit])
        return cursor.fetchone() is not None


def throttle(keys: list[tuple[str, int, datetime.timedelta]], message: str | None = None, now=None) -> None:
    """Take one unit from each (key, limit, window); refuse with 429 when any is used up."""
    for key, limit, window in keys:
        if not throttle_take(key, limit=limit, window=window, now=now):
            raise Throttled(message or _("Too many requests. Please wait a while and try again."))
