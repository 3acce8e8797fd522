"""The audit log: every service write appends one event, inside the write's transaction.

Personal-data values never enter the log: pass field names for them, not values.
"""

import datetime
import hashlib
import json

from django.db import connection, transaction
from django.utils import timezone

from jiceng.core.models import AuditEvent, AuditHead

GENESIS = "0" * 64


def _canonical(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def event_digest(*, prev_hash, seq, at, actor_id, action, object_type, object_id, unit_path, changes) -> str:
    payload = json.dumps(
        [prev_hash, seq, at.astimezone(datetime.UTC).isoformat(timespec="microseconds"), actor_id, action,
         object_type, str(object_id), unit_path, changes],
        sort_keys=True, ensure_ascii=False, default=_canonical, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _lock_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditHead.objects.get_or_create(pk=1)
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


_EVENT_COLS = ("seq", "at", "actor_id", "actor_label", "action", "object_type", "object_id", "unit_path",
               "changes", "prev_hash", "hash")


def _append(cursor, values: tuple, seq: int, digest: str) -> int | None:
    """Insert the event and move the head; one round trip on PostgreSQL. Returns the event's id."""
    ev_table = connection.ops.quote_name(AuditEvent._meta.db_table)
    head_table = connection.ops.quote_name(AuditHead._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in _EVENT_COLS)
    if connection.vendor == "postgresql":
        cursor.execute(
            f"WITH ev AS (INSERT INTO {ev_table} ({cols}) "  # noqa: S608 - fixed identifiers  # nosec B608  # identifiers from model metadata, values bound as parameters
            f"VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s) RETURNING id) "
            f"UPDATE {head_table} SET seq = %s, hash = %s WHERE id = 1 RETURNING (SELECT id FROM ev)",
            [*values, seq, digest])
        return cursor.fetchone()[0]
    cursor.execute(f"INSERT INTO {ev_table} ({cols}) VALUES ({', '.join(['%s'] * len(_EVENT_COLS))})",  # noqa: S608  # nosec B608  # identifiers from model metadata, values bound as parameters
                   list(values))
    event_id = cursor.lastrowid
    cursor.execute(f"UPDATE {head_table} SET seq = %s, hash = %s WHERE id = 1", [seq, digest])  # noqa: S608  # nosec B608  # identifiers from model metadata, values bound as parameters
    return event_id


def audit_record(*, actor, action: str, obj=None, object_type: str = "", object_id="", unit_path: str = "",
                 changes: dict | None = None) -> AuditEvent:
    """Append one event. Must run inside the caller's transaction (services are atomic).

    The chain head is locked here until the caller's transaction commits, and every writer waits for
    it: make this the LAST statement of a service (after its notifications), so that the lock is held
    for one SELECT … FOR UPDATE, one INSERT-and-UPDATE statement and the COMMIT, nothing more."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside a service's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        unit_path = unit_path or getattr(obj, "audit_unit_path", "") or getattr(obj, "path", "") or ""
    changes_json = json.dumps(changes or {}, default=_canonical, ensure_ascii=False)
    changes = json.loads(changes_json)
    actor_id = getattr(actor, "pk", None)
    actor_label = getattr(actor, "username", "") or "system"
    head_table = connection.ops.quote_name(AuditHead._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, hash FROM {head_table} WHERE id = 1{lock}")  # noqa: S608  # nosec B608  # identifiers from model metadata, values bound as parameters
        row = cursor.fetchone()
        if row is None:
            head = _lock_head()
            row = (head.seq, head.hash)
        prev_seq, prev_hash = row
        seq = prev_seq + 1
        at = timezone.now()
        digest = event_digest(prev_hash=prev_hash, seq=seq, at=at, actor_id=actor_id, action=action,
                              object_type=object_type, object_id=object_id, unit_path=unit_path, changes=changes)
        values = (seq, connection.ops.adapt_datetimefield_value(at), actor_id, actor_label, action, object_type,
                  str(object_id), unit_path, changes_json, prev_hash, digest)
        event_id = _append(cursor, values, seq, digest)
    return AuditEvent(id=event_id, seq=seq, at=at, actor_id=actor_id, actor_label=actor_label, action=action,
                      object_type=object_type, object_id=str(object_id), unit_path=unit_path, changes=changes,
                      prev_hash=prev_hash, hash=digest)


def audit_verify(*, chunk: int = 5000):
    """Walk the chain in order. Return (events checked, first broken event or None, reason)."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    with transaction.atomic():
        for ev in AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk):
            if ev.seq != expected_seq:
                return count, ev, f"sequence gap: expected {expected_seq}, found {ev.seq}"
            if ev.prev_hash != prev:
                return count, ev, "previous-hash link broken"
            digest = event_digest(prev_hash=ev.prev_hash, seq=ev.seq, at=ev.at, actor_id=ev.actor_id,
                                  action=ev.action, object_type=ev.object_type, object_id=ev.object_id,
                                  unit_path=ev.unit_path, changes=ev.changes)
            if digest != ev.hash:
                return count, ev, "content does not match its hash"
            prev = ev.hash
            expected_seq += 1
            count += 1
        head = AuditHead.objects.filter(pk=1).first()
        if head and (head.seq != count or (count and head.hash != prev)):
            return count, None, f"chain head says {head.seq} events, found {count} (events deleted at the end?)"
    return count, None, ""


def diff_fields(before: dict, after: dict, *, secret: set[str] = frozenset()) -> dict:
    """Changed fields as {field: [old, new]}; secret fields are named but their values withheld."""
    out = {}
    for key in after:
        if before.get(key) != after.get(key):
            out[key] = "(changed)" if key in secret else [before.get(key), after.get(key)]
    return out
