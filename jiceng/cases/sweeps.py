"""Deadline sweep (B5, B6), run by `manage.py sweep`: a warning at 75 % of a case's deadline, and at
breach a supervision card (督办单) held by the level above plus automatic escalation one level.

Each case is claimed with a row lock (SKIP LOCKED on PostgreSQL), so several sweepers never act on the
same case twice, and a sweeper killed mid-way leaves every case either untouched or fully handled."""

import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.cases.models import (
    CARD_KIND,
    CARD_SUBJECT,
    Case,
    CaseEvent,
    Level,
    PhoneCheck,
    Status,
    ThrottleCount,
)
from jiceng.cases.services import _escalate, _event, _notify_case, case_about
from jiceng.core.audit import audit_record
from jiceng.core.notify import Message, notify
from jiceng.core.supervision import card_raise
from jiceng.orgs.models import Unit

LIVE = [Status.RECEIVED, Status.REGISTERED, Status.DISPATCHED, Status.IN_PROGRESS, Status.REWORK, Status.HANDLED]
BATCH = 500


def _claim(qs):
    if connection.vendor == "postgresql":
        return qs.select_for_update(skip_locked=True)
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
            handler = case.handler
            upper = Unit.objects.get(pk=handler.parent_id) if handler.parent_id else handler
            card_raise(actor=None, kind=CARD_KIND, unit=upper, subject_type=CARD_SUBJECT, subject_id=case.pk,
                       title=case.code, missed_deadline=case.deadline_at, data={"handler_path": case.handler_path},
                       now=now, audit_action=None)  # the breach is audited on the case below
            before = case.status
            case.overdue = True
            if handler.kind != Level.CITY and handler.parent_id:
                _escalate(case, now)
                action = "auto_escalate"
            else:
                from jiceng.cases.deadlines import deadline_for

                case.deadline_at, case.warn_at = deadline_for(now, case.category.deadline_hours,
                                                              case.category.deadline_kind)
                case.warned = False
                action = "supervise"
            case.version += 1
            case.save()
            _event(case, actor=None, action=action, before=before, at=now,
                   comment=_("Deadline missed: supervision card raised and the case reported up."))
            _notify_case(case, _("Case %(code)s missed its deadline and now has a supervision card.")
                         % {"code": case.code}, reporter=False)
            audit_record(actor=None, action=f"case.{action}", obj=case,
                         changes={"card_unit": upper.code, "handler": case.handler_path})
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
