"""Reads for joint meetings, always within the user's scope."""

import datetime

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from jiceng.core.errors import NotFound
from jiceng.core.scope import scope_filter, scoped_get, subtree_q
from jiceng.core.supervision import cards_under
from jiceng.meetings.models import (
    ActionItem,
    Attendance,
    ContactPoint,
    Invitation,
    Meeting,
    MeetingCardKind,
    MeetingNotice,
    MeetingPeriod,
    MeetingSystem,
    PeriodStatus,
)


def system_get(*, user, pk: int) -> MeetingSystem:
    return scoped_get(MeetingSystem.objects.select_related("unit"), user=user, pk=pk)


def system_of(unit) -> MeetingSystem | None:
    """The unit's own active joint-meeting system, if it has one."""
    return MeetingSystem.objects.filter(unit=unit, active=True).first()


def meeting_get(*, user, pk: int) -> Meeting:
    return scoped_get(Meeting.objects.select_related("unit", "system"), user=user, pk=pk)


def action_item_get(*, user, pk: int) -> ActionItem:
    obj = scope_filter(ActionItem.objects.select_related("resolution__meeting"), user, "unit_path") \
        .filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def systems_in(*, user, unit):
    return (scope_filter(MeetingSystem.objects.filter(subtree_q(unit.path, "unit_path"), active=True), user,
                         "unit_path").select_related("unit").annotate(member_count=Count("members"))
            .order_by("unit_path"))


def periods_in(*, user, unit, year: int):
    return (scope_filter(MeetingPeriod.objects.filter(subtree_q(unit.path, "unit_path"), year=year), user,
                         "unit_path").select_related("system__unit", "meeting").order_by("unit_path", "index"))


def meetings_in(*, user, unit, year: int | None = None):
    qs = scope_filter(Meeting.objects.filter(subtree_q(unit.path, "unit_path")), user, "unit_path")
    if year:
        qs = qs.filter(held_on__year=year)
    return qs.select_related("unit").order_by("-held_on", "-id")


def action_items_in(*, user, unit, status: str | None = None):
    qs = scope_filter(ActionItem.objects.filter(subtree_q(unit.path, "unit_path")), user, "unit_path")
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("resolution__meeting", "owner_unit").order_by("deadline", "id")


def _counted_q(today: datetime.date):
    """Periods that count toward compliance: held ones, and ones that have ended."""
    return Q(status=PeriodStatus.HELD) | Q(ends_on__lt=today)


def on_time_rate(unit, year: int, today: datetime.date) -> float | None:
    """Share of this year's counted periods under `unit` held on time (quorate, inside the period)."""
    row = (MeetingPeriod.objects.filter(subtree_q(unit.path, "unit_path"), year=year, system__active=True)
           .filter(_counted_q(today))
           .aggregate(n=Count("id"), held=Count("id", filter=Q(status=PeriodStatus.HELD))))
    return row["held"] / row["n"] if row["n"] else None


def on_time_rates_by_prefix(units, year: int, today: datetime.date) -> dict[int, float | None]:
    """The same rate for many units at once: one grouped query per path length."""
    out = {}
    by_len: dict[int, list] = {}
    for u in units:
        by_len.setdefault(len(u.path), []).append(u)
    for length, group in by_len.items():
        rows = (MeetingPeriod.objects.filter(year=year, system__active=True).filter(_counted_q(today))
                .annotate(prefix=Substr("unit_path", 1, length)).values("prefix")
                .annotate(n=Count("id"), held=Count("id", filter=Q(status=PeriodStatus.HELD))).order_by())
        stats = {r["prefix"]: r for r in rows}
        for u in group:
            r = stats.get(u.path)
            out[u.pk] = (r["held"] / r["n"]) if r and r["n"] else None
    return out


def contact_point_stats(*, user, unit, year: int):
    """Each contact point under `unit`: meetings held there this year and how many its leader attended."""
    points = list(scope_filter(ContactPoint.objects.filter(subtree_q(unit.path, "unit_path"), active=True), user,
                               "unit_path").select_related("unit", "leader_unit").order_by("leader_name", "id"))
    held = dict(Meeting.objects.filter(unit_id__in={p.unit_id for p in points}, held_on__year=year)
                .values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n"))
    attended = dict(Attendance.objects.filter(contact_point__in=points, present=True,
                                              meeting__held_on__year=year)
                    .values("contact_point_id").annotate(n=Count("id")).values_list("contact_point_id", "n"))
    return [{"point": p, "meetings": held.get(p.unit_id, 0), "attended": attended.get(p.pk, 0)} for p in points]


def cards_in(*, user, unit, open_only: bool = True):
    """The joint meetings' open prompt cards held at or under `unit`."""
    return (cards_under(user=user, unit=unit, kinds=MeetingCardKind.values, open_only=open_only)
            .select_related("unit").order_by("-raised_at", "-id"))


def committee_attendance(committee) -> dict:
    """Joint-meeting attendance of a big committee's roster, per member and per source (two grouped queries):
    {"members": {member id: {"due", "came", "deputy", "rate"}}, "sources": {source: {…}}}; `rate` is the share
    of meetings due at which the member came in person (None before any meeting)."""
    base = Attendance.objects.filter(roster_member__committee=committee)
    counts = {"due": Count("id"), "came": Count("id", filter=Q(present=True, deputy="")),
              "deputy": Count("id", filter=Q(present=True) & ~Q(deputy=""))}

    def rated(row):
        return {"due": row["due"], "came": row["came"], "deputy": row["deputy"],
                "rate": row["came"] / row["due"] if row["due"] else None}

    members = {r["roster_member_id"]: rated(r)
               for r in base.values("roster_member_id").annotate(**counts).order_by()}
    sources = {r["roster_member__source"]: rated(r)
               for r in base.values("roster_member__source").annotate(**counts).order_by()}
    return {"members": members, "sources": sources}


def notice_get(*, user, pk: int) -> MeetingNotice:
    return scoped_get(MeetingNotice.objects.select_related("system__unit", "meeting"), user=user, pk=pk)


def notices_of(system) -> list[MeetingNotice]:
    """A system's meeting notices, the latest first, with their answer counts."""
    return list(MeetingNotice.objects.filter(system=system).annotate(
        invited=Count("invitations"),
        accepted=Count("invitations", filter=Q(invitations__status="accepted")),
        declined=Count("invitations", filter=Q(invitations__status="declined")))
        .order_by("-planned_on", "-id")[:20])


def invitation_own(*, user, pk: int) -> Invitation:
    """An invitation, for its invitee only: anybody else (even an official above) gets not found."""
    obj = (Invitation.objects.select_related("notice__system__unit", "notice__meeting")
           .filter(pk=pk, user_id=getattr(user, "pk", None)).first())
    if obj is None:
        raise NotFound()
    return obj


def invitations_own(*, user):
    """The user's own invitations to meetings still to come, the nearest first."""
    return (Invitation.objects.filter(user_id=user.pk, notice__meeting__isnull=True,
                                      notice__planned_on__gte=timezone.localdate())
            .select_related("notice__system__unit").order_by("notice__planned_on", "id"))


def invitation_comparison(notice: MeetingNotice) -> dict:
    """Each invitation with its answer and, once the meeting is recorded, what happened: "present", "deputy"
    or "absent". Totals compare the answers with the attendance (accepted and came, accepted and stayed away,
    declined and came anyway, never answered)."""
    invitations = list(notice.invitations.order_by("id"))
    outcome = {}
    if notice.meeting_id:
        for a in Attendance.objects.filter(meeting_id=notice.meeting_id, contact_point__isnull=True):
            key = ("r", a.roster_member_id) if a.roster_member_id else ("m", a.member_id)
            outcome[key] = ("deputy" if a.deputy else "present") if a.present else "absent"
    rows, totals = [], {"invited": len(invitations), "accepted": 0, "declined": 0, "unanswered": 0,
                        "accepted_came": 0, "accepted_absent": 0, "declined_came": 0, "unanswered_came": 0}
    for inv in invitations:
        key = ("r", inv.roster_member_id) if inv.roster_member_id else ("m", inv.member_id)
        came = outcome.get(key) if notice.meeting_id else None
        rows.append({"invitation": inv, "outcome": came})
        answer = {"accepted": "accepted", "declined": "declined"}.get(inv.status, "unanswered")
        totals[answer] += 1
        if came is not None:
            attended = came in ("present", "deputy")
            if answer == "accepted":
                totals["accepted_came" if attended else "accepted_absent"] += 1
            elif attended:
                totals[f"{answer}_came"] += 1
    return {"rows": rows, "totals": totals, "recorded": bool(notice.meeting_id)}
