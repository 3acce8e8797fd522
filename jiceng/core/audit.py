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


def audit_record(*, actor, action: str, obj=None, object_type: str = "", object_id="", unit_path: str = "",
                 changes: dict | None = None) -> AuditEvent:
    """Append one event. Must run inside the caller's transaction (services are atomic)."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside a service's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        unit_path = unit_path or getattr(obj, "audit_unit_path", "") or getattr(obj, "path", "") or ""
    changes = json.loads(json.dumps(changes or {}, default=_canonical, ensure_ascii=False))
    head = _lock_head()
    seq = head.seq + 1
    at = timezone.now()
    actor_id = getattr(actor, "pk", None)
    digest = event_digest(prev_hash=head.hash, seq=seq, at=at, actor_id=actor_id, action=action,
                          object_type=object_type, object_id=object_id, unit_path=unit_path, changes=changes)
    event = AuditEvent.objects.create(
        seq=seq, at=at, actor_id=actor_id, actor_label=getattr(actor, "username", "") or "system",
        action=action, object_type=object_type, object_id=str(object_id), unit_path=unit_path,
        changes=changes, prev_hash=head.hash, hash=digest,
    )
    AuditHead.objects.filter(pk=1).update(seq=seq, hash=digest)
    return event


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
