"""Periodic sweep for joint meetings: reminders before a period ends, a prompt card when it ended
without a quorate meeting, prompt cards for overdue action items. Idempotent."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core.models import SupervisionCard
from jiceng.core.supervision import cards_raise
from jiceng.meetings import services
from jiceng.meetings.models import ActionItem, ActionStatus, MeetingPeriod, MeetingSystem, PeriodStatus


def sweep(now) -> dict:
    today = timezone.localdate(now)
    out = {"reminded": 0, "missed": 0, "actions_overdue": 0, "scheduled": 0}
    # Each active system gets the new year's schedule on the first sweep of the year.
    unscheduled = list(MeetingSystem.objects.filter(active=True).exclude(periods__year=today.year))
    if unscheduled:
        out["scheduled"] = len(services.systems_schedule_year(systems=unscheduled, year=today.year))
    with transaction.atomic():
        # Reminders: open periods ending within the system's reminder window.
        due = list(MeetingPeriod.objects.select_for_update(skip_locked=True, of=("self",))
                   .filter(status=PeriodStatus.OPEN, reminded_at__isnull=True, ends_on__gte=today, system__active=True,
                           ends_on__lte=today + datetime.timedelta(days=31))
                   .select_related("system", "system__unit"))
        due = [p for p in due if p.ends_on - datetime.timedelta(days=p.system.remind_days) <= today]
        out["reminded"] = cards_raise(now=now, audit_action="prompt_card.raise", cards=[
            SupervisionCard(kind="meeting_due", unit=p.system.unit, unit_path=p.unit_path,
                       subject_type="meetings.meetingperiod", subject_id=p.pk,
                       title=_("%(system)s: the meeting of this period is due by %(end)s")
                       % {"system": p.system.name, "end": p.ends_on.isoformat()}) for p in due])
        MeetingPeriod.objects.filter(pk__in=[p.pk for p in due]).update(reminded_at=now)
        # Periods that ended without a quorate meeting.
        missed = list(MeetingPeriod.objects.select_for_update(skip_locked=True, of=("self",))
                      .filter(status=PeriodStatus.OPEN, ends_on__lt=today, system__active=True)
                      .select_related("system", "system__unit"))
        out["missed"] = cards_raise(now=now, audit_action="prompt_card.raise", cards=[
            SupervisionCard(kind="meeting_missed", unit=p.system.unit, unit_path=p.unit_path,
                       subject_type="meetings.meetingperiod", subject_id=p.pk,
                       title=_("%(system)s: no quorate meeting from %(start)s to %(end)s")
                       % {"system": p.system.name, "start": p.starts_on.isoformat(), "end": p.ends_on.isoformat()})
            for p in missed])
        MeetingPeriod.objects.filter(pk__in=[p.pk for p in missed]).update(status=PeriodStatus.MISSED,
                                                                          missed_card_at=now)
        # Overdue action items: a supervision prompt card each.
        overdue = list(ActionItem.objects.select_for_update(skip_locked=True, of=("self",))
                       .filter(status=ActionStatus.OPEN, deadline__lt=today, overdue_card_at__isnull=True)
                       .select_related("resolution__meeting"))
        out["actions_overdue"] = cards_raise(now=now, audit_action="prompt_card.raise", cards=[
            SupervisionCard(kind="action_overdue",
                            unit_id=a.owner_unit_id or (a.resolution.meeting.unit_id if a.resolution_id else None),
                            unit_path=a.unit_path, subject_type="meetings.actionitem", subject_id=a.pk,
                            title=_("Action item overdue since %(d)s: %(t)s (owner %(o)s)")
                            % {"d": a.deadline.isoformat(), "t": a.title, "o": a.owner_name}) for a in overdue])
        ActionItem.objects.filter(pk__in=[a.pk for a in overdue]).update(overdue_card_at=now)
    return out
