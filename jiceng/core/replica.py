"""Heavy reads from a PostgreSQL streaming replica, when `DATABASE_REPLICA_URL` is set.

Which requests read from the replica is decided once per request by `ReplicaReadsMiddleware`: a GET or
HEAD whose path matches one of `JICENG_REPLICA_READ_PATHS` (the cockpit, the boards, Excel exports, the
API's and Open311's reads) and that is not pinned to the primary. Everything else reads the primary.

Read-your-own-write: every request that may write (POST, PUT, PATCH, DELETE) pins its client to the
primary for `JICENG_REPLICA_PIN_SECONDS` with a cookie, so the page shown after a form, or an API
client's next read, sees what it just wrote. A client may also ask for the primary with the header
`X-Read-Primary: 1`. Tampering with the cookie can only move a client's reads to the primary.

`ReplicaRouter` sends a read to the replica only inside such a request, never inside a transaction on
the primary (a service reading what it is about to write, or locking a row, stays on the primary), and
only while the replica's replay lag is at most `JICENG_REPLICA_MAX_LAG_SECONDS` (checked at most every
`LAG_CHECK_SECONDS` per process; an unreachable replica counts as lagging). Writes and migrations go to
the primary only.
"""

import contextvars
import re
import time

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PIN_COOKIE = "jiceng_primary"
LAG_CHECK_SECONDS = 2.0
_SAFE = {"GET", "HEAD", "OPTIONS"}

_replica_allowed = contextvars.ContextVar("jiceng_replica_allowed", default=False)
_lag = {"checked": 0.0, "ok": False, "seconds": None}


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_lag_seconds() -> float | None:
    """Seconds the replica is behind (0 when it has replayed all it received); None when unreachable."""
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
                "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END")
            return float(cursor.fetchone()[0])
    except Exception:  # any failure means: do not read from it
        connections[REPLICA].close()
        return None


def replica_usable(now: float | None = None) -> bool:
    now = time.monotonic() if now is None else now
    if now - _lag["checked"] >= LAG_CHECK_SECONDS:
        lag = replica_lag_seconds()
        _lag.update(checked=now, seconds=lag,
                    ok=lag is not None and lag <= settings.JICENG_REPLICA_MAX_LAG_SECONDS)
    return _lag["ok"]


def reset_lag_check():
    """Forget the last lag reading (tests and the replica check script)."""
    _lag.update(checked=0.0, ok=False, seconds=None)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _replica_allowed.get() or connections["default"].in_atomic_block:
            return None
        return REPLICA if replica_usable() else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


def _pinned(request) -> bool:
    if request.headers.get("X-Read-Primary") == "1":
        return True
    try:
        return float(request.COOKIES.get(PIN_COOKIE, "0")) > time.time()
    except ValueError:
        return False


class ReplicaReadsMiddleware:
    """Marks the requests that may read from the replica, and pins writers to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response
        patterns = [p for p in settings.JICENG_REPLICA_READ_PATHS if p]
        self.paths = re.compile("|".join(f"(?:{p})" for p in patterns) if patterns else "(?!)")
        self.active = replica_configured()

    def __call__(self, request):
        if not self.active:
            return self.get_response(request)
        allowed = (request.method in _SAFE and self.paths.search(request.path)
                   and not _pinned(request))
        token = _replica_allowed.set(allowed)
        try:
            response = self.get_response(request)
        finally:
            _replica_allowed.reset(token)
        if request.method not in _SAFE:
            pin = settings.JICENG_REPLICA_PIN_SECONDS
            response.set_cookie(PIN_COOKIE, str(int(time.time() + pin)), max_age=pin, httponly=True,
                                samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        return response
