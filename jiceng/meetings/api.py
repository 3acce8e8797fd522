"""Joint meetings API (E1–E2): systems and schedules, meetings, resolutions and action items, contact points."""

import datetime
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from jiceng.core.errors import ValidationFailed
from jiceng.core.fields import Bool, Day, Id, Int, PathId, Share, Text, Year
from jiceng.core.pagination import Page
from jiceng.core.schemas import UnitCodeOut, UnitOut, related
from jiceng.meetings import selectors, services
from jiceng.orgs.selectors import unit_get, unit_or_top

router = Router(tags=["meetings"])


def _unit(request, code):
    return unit_or_top(user=request.user, code=code)


class SystemMemberIn(Schema):
    name: Text(60, 1)
    position: Text(80) = ""


class SystemIn(Schema):
    unit: Text(32, 1)
    cadence: Text(16) | None = None
    name: Text(120) = ""
    quorum_share: Share = 0.5
    remind_days: Annotated[Int, Field(ge=0, le=90)] = 7
    members: list[SystemMemberIn] = Field([], max_length=200)


class SystemMemberOut(Schema):
    id: int
    name: str
    position: str


class SystemOut(UnitOut):
    id: int
    level: str
    name: str
    cadence: str
    quorum_share: float
    remind_days: int


class YearIn(Schema):
    year: Year


class PeriodOut(Schema):
    id: int
    system_id: int
    unit_code: str
    year: int
    index: int
    starts_on: datetime.date
    ends_on: datetime.date
    status: str
    meeting_id: int | None

    resolve_unit_code = related("system.unit.code")


class AgendaIn(Schema):
    title: Text(200, 1)
    ref_type: Text(40) = ""
    ref_id: Text(40) = ""


class DeputyIn(Schema):
    member_id: Id
    name: Text(60, 1)


class MeetingIn(Schema):
    system_id: Id
    held_on: Day
    title: Text(160, 1)
    minutes: Text(20000) = ""
    agenda: list[AgendaIn] = Field([], max_length=100)
    present_member_ids: list[Id] = Field([], max_length=500)
    deputies: list[DeputyIn] = Field([], max_length=500)
    leader_contact_point_ids: list[Id] = Field([], max_length=100)


class MeetingRow(UnitCodeOut):
    id: int
    held_on: datetime.date
    title: str
    member_count: int
    present_count: int
    quorate: bool


class AgendaOut(Schema):
    order: int
    title: str
    ref_type: str
    ref_id: str


class AttendanceOut(Schema):
    name: str
    present: bool
    deputy: str
    member_id: int | None
    roster_member_id: int | None
    contact_point_id: int | None


class ActionOut(Schema):
    id: int
    title: str
    owner_name: str
    owner_unit: str | None
    deadline: datetime.date
    status: str
    done_on: datetime.date | None
    overdue: bool

    @staticmethod
    def resolve_owner_unit(obj):
        return obj.owner_unit.code if obj.owner_unit_id else None

    @staticmethod
    def resolve_overdue(obj):
        return obj.status == "open" and obj.deadline < timezone.localdate()


class ResolutionOut(Schema):
    id: int
    text: str
    actions: list[ActionOut]

    @staticmethod
    def resolve_actions(obj):
        return list(obj.actions.all())


class MeetingOut(MeetingRow):
    minutes: str
    agenda: list[AgendaOut]
    attendance: list[AttendanceOut]
    resolutions: list[ResolutionOut]

    @staticmethod
    def resolve_agenda(obj):
        return list(obj.agenda.all())

    @staticmethod
    def resolve_attendance(obj):
        return list(obj.attendance.all())

    @staticmethod
    def resolve_resolutions(obj):
        return list(obj.resolutions.prefetch_related("actions__owner_unit"))


class ActionItemIn(Schema):
    title: Text(200, 1)
    owner_name: Text(60, 1)
    deadline: Day
    owner_unit: Text(32) | None = None


class ResolutionIn(Schema):
    text: Text(5000, 1)
    actions: list[ActionItemIn] = Field([], max_length=100)


class DoneIn(Schema):
    note: Text(2000) = ""


class ContactPointIn(Schema):
    leader_name: Text(60, 1)
    leader_unit: Text(100, 1)
    unit: Text(32, 1)


class ContactPointOut(Schema):
    id: int
    leader_name: str
    leader_unit: str
    unit: str

    resolve_leader_unit = related("leader_unit.code")
    resolve_unit = related("unit.code")


class ContactStatOut(Schema):
    contact_point: ContactPointOut
    meetings: int
    attended: int


class ComplianceOut(Schema):
    unit: str
    year: int
    on_time_rate: float | None


@router.get("/systems", response=list[SystemOut], summary="Joint-meeting systems under a unit")
def systems(request, unit: str | None = None):
    return list(selectors.systems_in(user=request.user, unit=_unit(request, unit)))


@router.post("/systems", response={201: SystemOut}, summary="Set up or reconfigure a unit's joint-meeting system")
def system_configure(request, payload: SystemIn):
    unit = unit_get(user=request.user, code=payload.unit)
    system = services.system_configure(actor=request.user, unit=unit, cadence=payload.cadence, name=payload.name,
                                       quorum_share=payload.quorum_share, remind_days=payload.remind_days,
                                       members=[m.dict() for m in payload.members])
    return Status(201, system)


@router.get("/systems/{system_id}/members", response=list[SystemMemberOut], summary="Members of a joint meeting")
def system_members(request, system_id: PathId):
    system = selectors.system_get(user=request.user, pk=system_id)
    return list(system.members.filter(active=True).order_by("id"))


@router.post("/systems/{system_id}/schedule", summary="Generate a year's schedule (idempotent)")
def schedule(request, system_id: PathId, payload: YearIn):
    system = selectors.system_get(user=request.user, pk=system_id)
    return {"created": services.schedule_generate(actor=request.user, system=system, year=payload.year)}


@router.get("/periods", response=list[PeriodOut], summary="The year's schedule and compliance under a unit")
def periods(request, unit: str | None = None, year: Year | None = None, page: Query[Page.sized(500, 2000)] = None):
    year = year or timezone.localdate().year
    qs = selectors.periods_in(user=request.user, unit=_unit(request, unit), year=year)
    return list(page.slice(qs))


@router.get("/compliance", response=ComplianceOut, summary="Share of periods held on time this year under a unit")
def compliance(request, unit: str | None = None, year: Year | None = None):
    u = _unit(request, unit)
    today = timezone.localdate()
    year = year or today.year
    return {"unit": u.code, "year": year,
            "on_time_rate": selectors.on_time_rate(u, year, min(today, datetime.date(year + 1, 1, 1)))}


@router.get("/meetings", response=list[MeetingRow], summary="Meetings held under a unit")
def meetings(request, unit: str | None = None, year: Year | None = None, page: Query[Page.sized(100, 500)] = None):
    qs = selectors.meetings_in(user=request.user, unit=_unit(request, unit), year=year)
    return list(page.slice(qs))


@router.post("/meetings", response={201: MeetingOut},
             summary="Record a held meeting (agenda, minutes, attendance of those due: the big committee's roster "
                     "for a street or community, who came and who sent a deputy)")
def meeting_record(request, payload: MeetingIn):
    system = selectors.system_get(user=request.user, pk=payload.system_id)
    meeting = services.meeting_record(
        actor=request.user, system=system, held_on=payload.held_on, title=payload.title, minutes=payload.minutes,
        agenda=[a.dict() for a in payload.agenda], present_member_ids=payload.present_member_ids,
        deputies={d.member_id: d.name for d in payload.deputies},
        leader_contact_point_ids=payload.leader_contact_point_ids)
    return Status(201, meeting)


@router.get("/meetings/{meeting_id}", response=MeetingOut, summary="One meeting with agenda, attendance, resolutions")
def meeting_detail(request, meeting_id: PathId):
    return selectors.meeting_get(user=request.user, pk=meeting_id)


@router.post("/meetings/{meeting_id}/resolutions", response={201: ResolutionOut},
             summary="A resolution and the action items it creates")
def resolution_add(request, meeting_id: PathId, payload: ResolutionIn):
    meeting = selectors.meeting_get(user=request.user, pk=meeting_id)
    actions = []
    for a in payload.actions:
        data = a.dict()
        data["owner_unit"] = unit_get(user=request.user, code=a.owner_unit) if a.owner_unit else None
        actions.append(data)
    return Status(201, services.resolution_add(actor=request.user, meeting=meeting, text=payload.text,
                                               actions=actions))


@router.get("/action-items", response=list[ActionOut], summary="Action items under a unit")
def action_items(request, unit: str | None = None, status: str | None = None, page: Query[Page.sized(200, 1000)] = None):
    if status not in (None, "open", "done"):
        raise ValidationFailed(_("The status is “open” or “done”."), field="status")
    qs = selectors.action_items_in(user=request.user, unit=_unit(request, unit), status=status)
    return list(page.slice(qs))


@router.post("/action-items/{item_id}/done", response=ActionOut, summary="Mark an action item done")
def action_done(request, item_id: PathId, payload: DoneIn):
    item = selectors.action_item_get(user=request.user, pk=item_id)
    return services.action_item_complete(actor=request.user, item=item, note=payload.note)


@router.post("/contact-points", response={201: ContactPointOut}, summary="A higher leader's contact point")
def contact_point_create(request, payload: ContactPointIn):
    leader_unit = unit_get(user=request.user, code=payload.leader_unit)
    unit = unit_get(user=request.user, code=payload.unit)
    return Status(201, services.contact_point_create(actor=request.user, leader_name=payload.leader_name,
                                                     leader_unit=leader_unit, unit=unit))


@router.get("/contact-points/stats", response=list[ContactStatOut],
            summary="Each contact point: meetings held there this year and how many its leader attended")
def contact_point_stats(request, unit: str | None = None, year: Year | None = None):
    rows = selectors.contact_point_stats(user=request.user, unit=_unit(request, unit),
                                         year=year or timezone.localdate().year)
    return [{"contact_point": r["point"], "meetings": r["meetings"], "attended": r["attended"]} for r in rows]


class MeetingNoticeIn(Schema):
    planned_on: Day
    title: Text(160, 1)
    place: Text(120) = ""


class MeetingInvitationOut(Schema):
    id: int
    name: str
    status: str
    note: str
    has_account: bool
    times_invited: int
    roster_member_id: int | None
    member_id: int | None

    @staticmethod
    def resolve_has_account(obj):
        return obj.user_id is not None


class MeetingInvitationRow(MeetingInvitationOut):
    """A row of the comparison: the answer and, once the meeting is recorded, "present", "deputy" or "absent"."""

    attendance: str | None


class InvitationTotalsOut(Schema):
    invited: int
    accepted: int
    declined: int
    unanswered: int
    accepted_came: int
    accepted_absent: int
    declined_came: int
    unanswered_came: int


class MeetingNoticeOut(Schema):
    id: int
    system_id: int
    planned_on: datetime.date
    title: str
    place: str
    rounds: int
    meeting_id: int | None
    invitations: list[MeetingInvitationRow]
    totals: InvitationTotalsOut


class OwnInvitationOut(Schema):
    id: int
    notice_title: str
    planned_on: datetime.date
    place: str
    status: str
    note: str

    resolve_notice_title = related("notice.title")
    resolve_planned_on = related("notice.planned_on")
    resolve_place = related("notice.place")


class InvitationReplyIn(Schema):
    accept: Bool
    note: Text(200) = ""


class ReinvitedOut(Schema):
    invited: int


def _notice_out(notice):
    cmp = selectors.invitation_comparison(notice)
    rows = []
    for r in cmp["rows"]:
        inv = r["invitation"]
        inv.attendance = r["outcome"]
        rows.append(inv)
    return {"id": notice.pk, "system_id": notice.system_id, "planned_on": notice.planned_on, "title": notice.title,
            "place": notice.place, "rounds": notice.rounds, "meeting_id": notice.meeting_id, "invitations": rows,
            "totals": cmp["totals"]}


@router.post("/systems/{system_id}/notices", response={201: MeetingNoticeOut},
             summary="Call a meeting: invite everyone due that day (the big committee's roster) and tell them")
def meeting_invite(request, system_id: PathId, payload: MeetingNoticeIn):
    system = selectors.system_get(user=request.user, pk=system_id)
    notice = services.meeting_invite(actor=request.user, system=system, planned_on=payload.planned_on,
                                     title=payload.title, place=payload.place)
    return Status(201, _notice_out(notice))


@router.get("/notices/{notice_id}", response=MeetingNoticeOut,
            summary="A called meeting: invitations, answers and (once recorded) attendance compared")
def notice_detail(request, notice_id: PathId):
    return _notice_out(selectors.notice_get(user=request.user, pk=notice_id))


@router.post("/notices/{notice_id}/reinvite", response=ReinvitedOut,
             summary="Invite again those who have not answered")
def notice_reinvite(request, notice_id: PathId):
    notice = selectors.notice_get(user=request.user, pk=notice_id)
    return {"invited": services.meeting_reinvite(actor=request.user, notice=notice)}


@router.get("/invitations", response=list[OwnInvitationOut], summary="My invitations to meetings still to come")
def my_invitations(request, page: Query[Page.sized(50, 200)] = None):
    return list(page.slice(selectors.invitations_own(user=request.user)))


@router.post("/invitations/{invitation_id}/reply", response=OwnInvitationOut,
             summary="Answer my own invitation (anyone else's: not found)")
def invitation_reply(request, invitation_id: PathId, payload: InvitationReplyIn):
    invitation = selectors.invitation_own(user=request.user, pk=invitation_id)
    return services.invitation_reply(actor=request.user, invitation=invitation, accept=payload.accept,
                                     note=payload.note)
