"""The audit log: every service write appends one event, inside the write's transaction.

Personal-data values never enter the log: pass field names for them, not values.

Each event's hash is an HMAC-SHA256, keyed with JICENG_AUDIT_KEY, over the event and the previous
event's hash: someone who can write to the database but does not hold the key cannot re-hash an edited
chain so that `audit_verify` accepts it. Chains written before the key (plain SHA-256) are checked and
re-keyed once by migration core 0004 (`audit_rekey`).
"""

import base64
import contextlib
import datetime
import functools
import hashlib
import hmac
import json

from django.db import connection, transaction
from django.utils import timezone

from jiceng.core.models import AuditEvent, AuditHead

GENESIS = "0" * 64


def _canonical(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


@functools.cache
def _decode_key(value: str) -> bytes:
    from django.core.exceptions import ImproperlyConfigured

    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError:
        raise ImproperlyConfigured("JICENG_AUDIT_KEY is not valid base64.") from None
    if len(raw) < 32:
        raise ImproperlyConfigured("JICENG_AUDIT_KEY must be at least 32 bytes (base64-encoded).")
    return raw


def audit_key() -> bytes:
    from django.conf import settings

    return _decode_key(settings.JICENG_AUDIT_KEY)


LEGACY = object()  # key=LEGACY: the unkeyed SHA-256 of chains written before the audit key existed


def event_digest(*, prev_hash, seq, at, actor_id, action, object_type, object_id, unit_path, changes,
                 key=None) -> str:
    payload = json.dumps(
        [prev_hash, seq, at.astimezone(datetime.UTC).isoformat(timespec="microseconds"), actor_id, action,
         object_type, str(object_id), unit_path, changes],
        sort_keys=True, ensure_ascii=False, default=_canonical, separators=(",", ":"),
    ).encode("utf-8")
    if key is LEGACY:
        return hashlib.sha256(payload).hexdigest()
    return hmac.new(key if key is not None else audit_key(), payload, hashlib.sha256).hexdigest()


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
    for one SELECT … FOR UPDATE, one INSERT-and-UPDATE statement and the COMMIT, nothing more. The
    COMMIT includes the deferred foreign-key checks of the transaction's inserts (KEY SHARE locks on
    the rows they refer to: category, unit, user …): a service must never lock such a row FOR UPDATE
    (use `select_for_update(of=("self",))`, or `no_key=True` for a row it only serialises on), or a
    writer holding the head waits for it while it waits for the head (issue 17).

    The event's unit path: `unit_path` when given, else the object's `audit_unit_path` (a model whose
    path is held elsewhere defines it), its `unit_path` column or, for a unit, its `path`."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside a service's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        unit_path = (unit_path or getattr(obj, "audit_unit_path", "") or getattr(obj, "unit_path", "")
                     or getattr(obj, "path", "") or "")
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


def _event_digest(ev, prev_hash, key) -> str:
    return event_digest(prev_hash=prev_hash, seq=ev.seq, at=ev.at, actor_id=ev.actor_id, action=ev.action,
                        object_type=ev.object_type, object_id=ev.object_id, unit_path=ev.unit_path,
                        changes=ev.changes, key=key)


def audit_verify(*, chunk: int = 5000, key=None, model=None, head_model=None):
    """Walk the chain in order. Return (events checked, first broken event or None, reason)."""
    model, head_model = model or AuditEvent, head_model or AuditHead
    prev = GENESIS
    expected_seq = 1
    count = 0
    with transaction.atomic():
        for ev in model.objects.order_by("seq").iterator(chunk_size=chunk):
            if ev.seq != expected_seq:
                return count, ev, f"sequence gap: expected {expected_seq}, found {ev.seq}"
            if ev.prev_hash != prev:
                return count, ev, "previous-hash link broken"
            if not hmac.compare_digest(_event_digest(ev, ev.prev_hash, key), ev.hash):
                return count, ev, "content does not match its keyed hash (edited, or re-hashed without the key)"
            prev = ev.hash
            expected_seq += 1
            count += 1
        head = head_model.objects.filter(pk=1).first()
        if head is None and count:
            return count, None, f"chain head missing, {count} events found"
        if head and (head.seq != count or (count and head.hash != prev)):
            return count, None, f"chain head says {head.seq} events, found {count} (events deleted at the end?)"
    return count, None, ""


def audit_rekey(*, old_key, new_key, schema_editor=None, chunk: int = 2000, model=None, head_model=None) -> int:
    """Verify the whole chain with `old_key` (LEGACY: unkeyed SHA-256), then re-hash it with `new_key`.

    Refuses (RuntimeError naming the first broken record) when the chain does not verify: a broken
    chain is investigated, never laundered under a new key. The append-only triggers are lifted for
    the rewrite and put back in the same transaction. Returns the number of events re-hashed."""
    from importlib import import_module

    model, head_model = model or AuditEvent, head_model or AuditHead
    count, broken, reason = audit_verify(key=old_key, model=model, head_model=head_model)
    if reason:
        where = f"record #{broken.seq}" if broken else "the chain head"
        raise RuntimeError(f"The audit chain does not verify at {where} ({reason}); it is not re-keyed. "
                           "Investigate, then re-key with `manage.py audit_rekey`.")
    if not count:
        return 0
    append_only = import_module("jiceng.core.migrations.0002_audit_append_only")
    table = connection.ops.quote_name(model._meta.db_table)
    own_editor = contextlib.nullcontext(schema_editor) if schema_editor else connection.schema_editor(atomic=False)
    with own_editor as editor, transaction.atomic():
        append_only.down(None, editor)
        prev = GENESIS
        batch = []
        with connection.cursor() as cursor:
            for ev in model.objects.order_by("seq").iterator(chunk_size=chunk):
                digest = _event_digest(ev, prev, new_key)
                batch.append((prev, digest, ev.pk))
                prev = digest
                if len(batch) >= chunk:
                    cursor.executemany(f"UPDATE {table} SET prev_hash = %s, hash = %s WHERE id = %s", batch)  # noqa: S608  # nosec B608  # the table name comes from the model's _meta, the values are parameters
                    batch = []
            if batch:
                cursor.executemany(f"UPDATE {table} SET prev_hash = %s, hash = %s WHERE id = %s", batch)  # noqa: S608  # nosec B608  # the table name comes from the model's _meta, the values are parameters
        head_model.objects.filter(pk=1).update(hash=prev)
        append_only.up(None, editor)
    return count


def diff_fields(before: dict, after: dict, *, secret: set[str] = frozenset()) -> dict:
    """Changed fields as {field: [old, new]}; secret fields are named but their values withheld."""
    out = {}
    for key in after:
        if before.get(key) != after.get(key):
            out[key] = "(changed)" if key in secret else [before.get(key), after.get(key)]
    return out
