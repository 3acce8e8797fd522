"""Mobilization API: double registration, the three lists, activities, wartime calls."""

import datetime
from typing import Annotated

from django.utils import timezone
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from jiceng.core.errors import ValidationFailed
from jiceng.core.fields import Bool, Day, Id, Int, Latitude, Longitude, Moment, PathId, Score5, Text, Year
from jiceng.mobilize import calls, selectors, services
from jiceng.orgs.selectors import unit_get
from jiceng.people.selectors import person_get

router = Router(tags=["mobilize"])


class Ok(Schema):
    id: int


class AgencyIn(Schema):
    community: Text(32, 1)
    name: Text(120, 1)
    agreement_start: Day
    agreement_end: Day
    commitments: Text(5000)


class AgencyOut(Schema):
    id: int
    name: str
    status: str
    agreement_start: datetime.date
    agreement_end: datetime.date


class MemberIn(Schema):
    community: Text(32, 1)
    employer: Text(120, 1)
    skills: list[Text(40)] = Field([], max_length=64)
    weekly: Text(168) | None = None
    blackouts: list[tuple[Day, Day]] = Field([], max_length=100)
    person_id: Id | None = None


class MemberOut(Schema):
    id: int
    name: str
    community_id: int
    employer: str
    status: str
    skills: list[str]

    @staticmethod
    def resolve_skills(obj):
        return services.skills_codes(obj.skills)


class UploadOut(Schema):
    imported: int


class SummaryOut(Schema):
    member: int
    year: int
    activities: int
    hours: float
    wartime_shifts: int


class NeedIn(Schema):
    community: Text(32, 1)
    title: Text(120, 1)
    category: Text(16, 1)
    source: Text(16) = "community"
    place: Text(120) = ""
    lat: Latitude | None = None
    lng: Longitude | None = None
    urgency: Annotated[Int, Field(ge=1, le=3)] = 2
    wanted_from: Day
    wanted_to: Day
    quantity: Annotated[Int, Field(ge=1, le=100_000)] = 1


class ResourceIn(Schema):
    community: Text(32, 1)
    title: Text(120, 1)
    category: Text(16, 1)
    available_from: Day
    available_to: Day
    capacity: Annotated[Int, Field(ge=1, le=100_000)] = 1
    agency_id: Id | None = None
    member_id: Id | None = None
    lat: Latitude | None = None
    lng: Longitude | None = None


class MatchOut(Schema):
    resource_id: int
    title: str
    score: float
    category: float
    distance_m: int | None
    time_overlap: float
    capacity: float


class MatchProjectIn(Schema):
    need_id: Id
    resource_ids: list[Id] = Field(min_length=1, max_length=100)
    title: Text(120) = ""


class MatchProjectOut(Schema):
    id: int
    title: str
    stage: str
    score: float | None


class CheckIn(Schema):
    note: Text(2000)


class EvaluateIn(Schema):
    score: Score5
    comment: Text(300) = ""


class ActivityIn(Schema):
    community: Text(32, 1)
    kind: Text(16, 1)
    title: Text(120, 1)
    starts_at: Moment
    ends_at: Moment
    capacity: Annotated[Int, Field(ge=1, le=100_000)]
    lat: Latitude | None = None
    lng: Longitude | None = None


class PresenceIn(Schema):
    code: Text(12) | None = None
    lat: Latitude | None = None
    lng: Longitude | None = None
    member_id: Id | None = None


class SignupOut(Schema):
    id: int
    hours: float
    checked_in_at: datetime.datetime | None
    checked_out_at: datetime.datetime | None


class ModeIn(Schema):
    unit: Text(32, 1)
    mode: Text(16, 1)
    reason: Text(200)


class PostIn(Schema):
    kind: Text(16, 1)
    place: Text(120)
    lat: Latitude
    lng: Longitude
    shift_start: Moment
    shift_end: Moment
    headcount: Annotated[Int, Field(ge=0, le=10_000)]  # the service says "at least 1" in words
    skills: list[Text(40)] = Field([], max_length=64)


class CallIn(Schema):
    unit: Text(32, 1)
    title: Text(120, 1)
    posts: list[PostIn] = Field(min_length=1, max_length=5000)
    respond_minutes: Annotated[Int, Field(ge=1, le=24 * 60)] = 30
    max_distance_m: Annotated[Int, Field(ge=100, le=50_000)] = 5000
    assign: Bool = True


class CallOut(Schema):
    id: int
    title: str
    status: str
    last_run: dict


class PostBoard(Schema):
    id: int
    kind: str
    place: str
    shift_start: datetime.datetime
    shift_end: datetime.datetime
    headcount: int
    filled: int
    offered: int
    on_duty: int


class BoardOut(Schema):
    call: CallOut
    required: int
    filled: int
    offered: int
    on_duty: int
    posts: list[PostBoard]


class AssignmentOut(Schema):
    id: int
    call_id: int
    post_id: int
    state: str
    shift_start: datetime.datetime
    shift_end: datetime.datetime
    respond_by: datetime.datetime
    distance_m: int


# --- C1 ------------------------------------------------------------------------------------------


@router.post("/agencies", response={201: AgencyOut}, summary="Register an agency party organization with a community")
def agency_register(request, payload: AgencyIn):
    community = unit_get(user=request.user, code=payload.community)
    return Status(201, services.agency_register(
        actor=request.user, community=community, name=payload.name, agreement_start=payload.agreement_start,
        agreement_end=payload.agreement_end, commitments=payload.commitments))


@router.post("/agencies/{agency_id}/confirm", response=AgencyOut, summary="The community confirms an agency")
def agency_confirm(request, agency_id: PathId):
    return services.agency_confirm(actor=request.user, agency=selectors.agency_get(user=request.user, pk=agency_id))


@router.post("/members", response={201: MemberOut}, summary="Register an in-service member with a home community")
def member_register(request, payload: MemberIn):
    community = services.community_resolve(payload.community)
    person = None
    if payload.person_id is not None:
        person = person_get(user=request.user, pk=payload.person_id)
    return Status(201, services.member_register(
        actor=request.user, community=community, employer=payload.employer, skills=payload.skills,
        weekly=payload.weekly, blackouts=payload.blackouts, person=person))


@router.post("/members/{member_id}/confirm", response=MemberOut, summary="The community confirms a member")
def member_confirm(request, member_id: PathId):
    return services.member_confirm(actor=request.user, member=selectors.member_get(user=request.user, pk=member_id))


@router.post("/members/upload", response={201: UploadOut}, summary="An employer's Excel list of members (all or nothing)")
def members_upload(request, file: UploadedFile = File(...), agency_id: PathId | None = None):
    agency = selectors.agency_get(user=request.user, pk=agency_id) if agency_id else None
    if file.size > 20 * 1024 * 1024:
        raise ValidationFailed("The file is larger than 20 MB.", field="file")
    return Status(201, {"imported": services.members_upload(actor=request.user, data=file.read(), agency=agency)})


@router.get("/members/{member_id}/summary", response=SummaryOut, summary="A member's year: activities, hours, shifts")
def member_summary(request, member_id: PathId, year: Year | None = None):
    member = selectors.member_get(user=request.user, pk=member_id)
    return selectors.member_year_summary(member, year or timezone.localdate().year)


# --- C2 ------------------------------------------------------------------------------------------


@router.post("/needs", response={201: Ok}, summary="List a need")
def need_create(request, payload: NeedIn):
    community = services.community_resolve(payload.community)
    data = payload.dict(exclude={"community"})
    return Status(201, services.need_create(actor=request.user, community=community, **data))


@router.post("/resources", response={201: Ok}, summary="List a resource")
def resource_create(request, payload: ResourceIn):
    community = unit_get(user=request.user, code=payload.community)
    agency = selectors.agency_get(user=request.user, pk=payload.agency_id) if payload.agency_id else None
    member = selectors.member_get(user=request.user, pk=payload.member_id) if payload.member_id else None
    data = payload.dict(exclude={"community", "agency_id", "member_id"})
    return Status(201, services.resource_create(actor=request.user, community=community, agency=agency,
                                                member=member, **data))


@router.get("/needs/{need_id}/matches", response=list[MatchOut], summary="Suggested resources for a need, best first")
def need_matches(request, need_id: PathId):
    need = selectors.need_get(user=request.user, pk=need_id)
    return [{"resource_id": r.pk, "title": r.title, **s} for r, s in selectors.match_suggestions(need)]


@router.post("/projects", response={201: MatchProjectOut}, summary="Set a project: a need matched with resources")
def project_create(request, payload: MatchProjectIn):
    need = selectors.need_get(user=request.user, pk=payload.need_id)
    resources = [selectors.resource_get(user=request.user, pk=pk) for pk in payload.resource_ids]
    return Status(201, services.project_create(actor=request.user, need=need, resources=resources,
                                               title=payload.title))


@router.post("/projects/{project_id}/check", response=MatchProjectOut, summary="Check a project")
def project_check(request, project_id: PathId, payload: CheckIn):
    project = selectors.project_get(user=request.user, pk=project_id)
    return services.project_check(actor=request.user, project=project, note=payload.note)


@router.post("/projects/{project_id}/evaluate", response=MatchProjectOut, summary="A resident evaluates a project")
def project_evaluate(request, project_id: PathId, payload: EvaluateIn):
    project = selectors.project_get(user=request.user, pk=project_id)
    services.project_evaluate(actor=request.user, project=project, score=payload.score, comment=payload.comment)
    project.refresh_from_db()
    return project


# --- C3 ------------------------------------------------------------------------------------------


@router.post("/activities", response={201: Ok}, summary="Create an activity")
def activity_create(request, payload: ActivityIn):
    community = unit_get(user=request.user, code=payload.community)
    data = payload.dict(exclude={"community"})
    return Status(201, services.activity_create(actor=request.user, community=community, **data))


def _acting_member(request, member_id):
    if member_id:
        return selectors.member_get(user=request.user, pk=member_id)
    me = selectors.member_for_user(request.user)
    if me is None:
        raise ValidationFailed("You are not a registered member.", field="member_id")
    return me


@router.post("/activities/{activity_id}/signup", response={201: SignupOut}, summary="Sign up for an activity")
def activity_signup(request, activity_id: PathId, member_id: PathId | None = None):
    act = selectors.activity_get(user=request.user, pk=activity_id)
    return Status(201, services.activity_signup(actor=request.user, activity=act,
                                                member=_acting_member(request, member_id)))


@router.post("/activities/{activity_id}/check-in", response=SignupOut, summary="Check in with the code or location")
def activity_check_in(request, activity_id: PathId, payload: PresenceIn):
    act = selectors.activity_get(user=request.user, pk=activity_id)
    return services.activity_check_in(actor=request.user, activity=act,
                                      member=_acting_member(request, payload.member_id),
                                      code=payload.code, lat=payload.lat, lng=payload.lng)


@router.post("/activities/{activity_id}/check-out", response=SignupOut, summary="Check out; hours are credited")
def activity_check_out(request, activity_id: PathId, payload: PresenceIn):
    act = selectors.activity_get(user=request.user, pk=activity_id)
    return services.activity_check_out(actor=request.user, activity=act,
                                       member=_acting_member(request, payload.member_id),
                                       code=payload.code, lat=payload.lat, lng=payload.lng)


# --- C4 ------------------------------------------------------------------------------------------


@router.post("/mode", response={201: Ok}, summary="Record a switch between peacetime and wartime")
def mode_switch(request, payload: ModeIn):
    unit = unit_get(user=request.user, code=payload.unit)
    return Status(201, calls.mode_switch(actor=request.user, unit=unit, mode=payload.mode, reason=payload.reason))


@router.post("/calls", response={201: CallOut}, summary="Issue a wartime call with posts (and assign members)")
def call_issue(request, payload: CallIn):
    unit = unit_get(user=request.user, code=payload.unit)
    call = calls.call_issue(actor=request.user, unit=unit, title=payload.title,
                            posts=[p.dict() for p in payload.posts], respond_minutes=payload.respond_minutes,
                            max_distance_m=payload.max_distance_m)
    if payload.assign:
        calls.call_assign(actor=request.user, call=call)
        call.refresh_from_db()
    return Status(201, call)


@router.get("/calls/{call_id}/board", response=BoardOut, summary="Live status board of a call")
def call_board(request, call_id: PathId):
    call = selectors.call_get(user=request.user, pk=call_id)
    return {"call": call, **selectors.call_board(call)}


@router.post("/calls/{call_id}/assign", response=dict, summary="Re-optimize a call (people who accepted keep their seats)")
def call_assign(request, call_id: PathId):
    call = selectors.call_get(user=request.user, pk=call_id)
    return calls.call_assign(actor=request.user, call=call)


@router.post("/calls/{call_id}/draw-neighbours", response=dict, summary="The street draws on its other communities")
def call_draw(request, call_id: PathId):
    call = selectors.call_get(user=request.user, pk=call_id)
    return calls.call_draw_neighbours(actor=request.user, call=call)


@router.get("/my-calls", response=list[AssignmentOut], summary="The signed-in member's calls")
def my_calls(request):
    return selectors.my_calls(selectors.member_for_user(request.user))


@router.post("/assignments/{assignment_id}/accept", response=AssignmentOut, summary="Accept an offered seat")
def assignment_accept(request, assignment_id: PathId):
    a = selectors.assignment_get(user=request.user, pk=assignment_id)
    return calls.assignment_respond(actor=request.user, assignment=a, accept=True)


@router.post("/assignments/{assignment_id}/decline", response=AssignmentOut, summary="Decline an offered seat")
def assignment_decline(request, assignment_id: PathId):
    a = selectors.assignment_get(user=request.user, pk=assignment_id)
    return calls.assignment_respond(actor=request.user, assignment=a, accept=False)


@router.post("/assignments/{assignment_id}/check-in", response=AssignmentOut, summary="Check in at the post")
def assignment_check_in(request, assignment_id: PathId):
    a = selectors.assignment_get(user=request.user, pk=assignment_id)
    return calls.assignment_check_in(actor=request.user, assignment=a)


@router.post("/assignments/{assignment_id}/check-out", response=AssignmentOut, summary="Check out from the post")
def assignment_check_out(request, assignment_id: PathId):
    a = selectors.assignment_get(user=request.user, pk=assignment_id)
    return calls.assignment_check_out(actor=request.user, assignment=a)


@router.post("/posts/{post_id}/take", response={201: AssignmentOut}, summary="Take an open seat of a post")
def post_take(request, post_id: PathId):
    post = selectors.post_get(user=request.user, pk=post_id)
    return Status(201, calls.seat_take(actor=request.user, post=post,
                                       member=_acting_member(request, None)))
