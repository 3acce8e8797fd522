"""Deadline sweep (B5, B6), run by `manage.py sweep`: a warning at 75 % of a case's deadline, and at
breach a supervision card (督办单) held by the level above plus automatic escalation one level.

Each case is claimed with a row lock (SKIP LOCKED on PostgreSQL), so several sweepers never act on the
same case twice, and a sweeper killed mid-way leaves every case either untouched or fully handled."""

import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.cases.models import Case, CaseEvent, PhoneCheck, Status, ThrottleCount
from jiceng.cases.services import case_about, case_breach
from jiceng.core.audit import audit_record
from jiceng.core.notify import Message, notify

LIVE = [Status.RECEIVED, Status.REGISTERED, Status.DISPATCHED, Status.IN_PROGRESS, Status.REWORK, Status.HANDLED]
BATCH = 500


def _claim(qs):
    if connection.vendor == "postgresql":
        return qs.select_for_update(skip_locked=True, of=("self",), no_key=True)
    return qs.select_for_update()


def sweep_warnings(now) -> int:
    with transaction.atomic():
        due = list(_claim(Case.objects.filter(status__in=LIVE, warned=False, warn_at__lte=now,
                                              deadline_at__gt=now).order_by("warn_at"))[:BATCH])
        if not due:
            return 0
        Case.objects.filter(pk__in=[c.pk for c in due]).update(warned=True)
        CaseEvent.objects.bulk_create([
            CaseEvent(case=c, at=now, action="warning", from_status=c.status, to_status=c.status,
                      handler_path=c.handler_path, actor_label=_("System"), public=False,
                      comment=_("75 %% of the deadline has passed; due %(due)s.")
                      % {"due": timezone.localtime(c.deadline_at).strftime("%Y-%m-%d %H:%M")}) for c in due])
        for c in due:
            notify(Message(kind="case.warning", **case_about(c), unit_path=c.handler_path,
                           text=_("Case %(code)s is nearing its deadline.") % {"code": c.code}))
        audit_record(actor=None, action="case.warn_batch", object_type="cases.case",  # last: holds the chain head
                     changes={"count": len(due), "cases": [c.code for c in due[:50]]})
    return len(due)


def sweep_breaches(now) -> int:
    done = 0
    ids = list(Case.objects.filter(status__in=LIVE, deadline_at__lte=now).order_by("deadline_at")
               .values_list("pk", flat=True)[:BATCH])
    for pk in ids:
        with transaction.atomic():
            case = _claim(Case.objects.select_related("handler", "category")
                          .filter(pk=pk, status__in=LIVE, deadline_at__lte=now)).first()
            if case is None:
                continue
            case_breach(case=case, now=now)
            done += 1
    return done


def sweep_intake_records(now) -> int:
    """Forget the throttle counters (client addresses, users, hashed numbers) and SMS code checks after a
    day (the longest throttle window)."""
    before = now - datetime.timedelta(days=1)
    with transaction.atomic():
        gone = (ThrottleCount.objects.filter(window__lt=before - datetime.timedelta(minutes=5)).delete()[0]
                + PhoneCheck.objects.filter(created_at__lt=before).delete()[0])
        if gone:
            audit_record(actor=None, action="case.intake_records_purge", object_type="cases.throttlecount",
                         changes={"deleted": gone, "before": before.isoformat()})
    return gone


def sweep(now) -> dict:
    return {"warnings": sweep_warnings(now), "breaches": sweep_breaches(now),
            "intake_records_purged": sweep_intake_records(now)}
