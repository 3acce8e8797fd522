"""Stakeholders and deliberation API (D1, D2): a compound's one core and its gaps, the registries
(owners' committees, property companies and the compounds they serve, instructors and their visits,
cross-appointments, report-ins) and the matters (open, sessions, decision). Mounted by `api.py`."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from jiceng.consult import deliberation, onecore, selectors, stakeholders
from jiceng.consult.models.stakeholders import Instructor, OwnersCommittee, PropertyCompany, PropertyService
from jiceng.core.errors import NotFound, ValidationFailed
from jiceng.core.fields import Count, Day, Id, PathId, Text
from jiceng.core.pagination import Page
from jiceng.core.schemas import UnitCodeOut
from jiceng.core.scope import scope_filter
from jiceng.orgs.selectors import unit_get, unit_or_top
from jiceng.people.selectors import person_get

router = Router(tags=["consult"])


def _one(model, user, pk, related=()):
    obj = scope_filter(model.objects.select_related(*related), user, "unit_path").filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


# ---------------------------------------------------------------- one core


class ConsultCompoundCoreOut(Schema):
    compound: str
    branch: str | None
    owners_committee: str | None
    committee_party_members: int
    property_company: str | None
    project_manager: str | None
    report_ins_this_year: list[str]
    instructors: list[str]
    volunteer_teams: list[str]
    cross_appointments: list[str]
    missing: list[str]


@router.get("/compounds/{code}/core", response=ConsultCompoundCoreOut,
            summary="A compound's one core, many parties, and what is missing")
def compound_core(request, code: Text(32, 1)):
    unit = unit_get(user=request.user, code=code)
    if unit.kind != "compound":
        raise NotFound()
    core = onecore.compounds_core([unit], today=timezone.localdate())[0]
    return {"compound": unit.code, "branch": core.branch.name if core.branch else None,
            "owners_committee": core.committee.name if core.committee else None,
            "committee_party_members": core.party_members_on_committee,
            "property_company": core.service.company.name if core.service else None,
            "project_manager": core.service.manager.name if core.service else None,
            "report_ins_this_year": [r.to for r in core.report_ins],
            "instructors": [i.person.name for i in core.instructors], "volunteer_teams": [t.name for t in core.teams],
            "cross_appointments": [a.kind for a in core.appointments], "missing": core.missing}


# ---------------------------------------------------------------- registries


class ConsultCommitteeMemberIn(Schema):
    person: Id
    role: Text(12, 1)


class ConsultOwnersCommitteeIn(Schema):
    compound: Text(32, 1)
    name: Text(120, 1)
    elected_on: Day
    term_start: Day
    term_end: Day
    members: list[ConsultCommitteeMemberIn] = Field(..., min_length=1, max_length=50)


class ConsultOwnersCommitteeOut(Schema):
    id: int
    name: str
    elected_on: datetime.date
    term_start: datetime.date
    term_end: datetime.date
    members: int

    @staticmethod
    def resolve_members(obj):
        return obj.members.count()


@router.post("/owners-committees", response={201: ConsultOwnersCommitteeOut},
             summary="Register a compound's owners' committee for a term")
def owners_committee_create(request, payload: ConsultOwnersCommitteeIn):
    compound = unit_get(user=request.user, code=payload.compound)
    members = [(person_get(user=request.user, pk=m.person), m.role) for m in payload.members]
    return Status(201, stakeholders.owners_committee_create(
        actor=request.user, compound=compound, name=payload.name, elected_on=payload.elected_on,
        term_start=payload.term_start, term_end=payload.term_end, members=members))


class ConsultPropertyCompanyIn(Schema):
    unit: Text(32, 1)
    name: Text(120, 1)
    licence_code: Text(18, 1)


class ConsultPropertyCompanyOut(Schema):
    id: int
    name: str
    licence_code: str


@router.get("/property-companies", response=list[ConsultPropertyCompanyOut],
            summary="Property companies registered in an area")
def property_companies(request, unit: Text(32) | None = None, page: Query[Page] = None):
    area = unit_or_top(user=request.user, code=unit)
    from jiceng.core.scope import subtree_q

    qs = scope_filter(PropertyCompany.objects.filter(subtree_q(area.path, "unit_path")), request.user,
                      "unit_path").order_by("name", "id")
    return list(page.slice(qs))


@router.post("/property-companies", response={201: ConsultPropertyCompanyOut},
             summary="Register a property company (unified social credit code checked)")
def property_company_create(request, payload: ConsultPropertyCompanyIn):
    unit = unit_get(user=request.user, code=payload.unit)
    return Status(201, stakeholders.property_company_create(actor=request.user, unit=unit, name=payload.name,
                                                            licence_code=payload.licence_code))


class ConsultPropertyServiceIn(Schema):
    company: Id
    compound: Text(32, 1)
    manager: Id
    started_on: Day


class ConsultPropertyServiceOut(Schema):
    id: int
    company_id: int
    manager_id: int
    started_on: datetime.date


@router.post("/property-services", response={201: ConsultPropertyServiceOut},
             summary="A property company now serves a compound, with its project manager")
def property_service_set(request, payload: ConsultPropertyServiceIn):
    compound = unit_get(user=request.user, code=payload.compound)
    company = PropertyCompany.objects.filter(pk=payload.company).first()
    if company is None or not compound.path.startswith(company.unit_path):
        raise ValidationFailed(_("No such property company in this area."), field="company")
    return Status(201, stakeholders.property_service_set(
        actor=request.user, company=company, compound=compound,
        manager=person_get(user=request.user, pk=payload.manager), started_on=payload.started_on))


class ConsultReportInIn(Schema):
    to: Text(10, 1)
    reported_on: Day


class ConsultReportInOut(Schema):
    id: int
    year: int
    to: str
    reported_on: datetime.date


@router.post("/property-services/{service_id}/report-ins", response={201: ConsultReportInOut},
             summary="The project manager reported in to the community or the grid")
def report_in(request, service_id: PathId, payload: ConsultReportInIn):
    service = _one(PropertyService, request.user, service_id)
    return Status(201, stakeholders.report_in_record(actor=request.user, service=service, to=payload.to,
                                                     reported_on=payload.reported_on))


class ConsultInstructorIn(Schema):
    community: Text(32, 1)
    person: Id
    company: Id
    term_start: Day
    term_end: Day


class ConsultInstructorOut(Schema):
    id: int
    person_id: int
    company_id: int
    term_start: datetime.date
    term_end: datetime.date


@router.post("/instructors", response={201: ConsultInstructorOut},
             summary="Send a party-building instructor to a property company")
def instructor_assign(request, payload: ConsultInstructorIn):
    community = unit_get(user=request.user, code=payload.community)
    company = PropertyCompany.objects.filter(pk=payload.company).first()
    if company is None:
        raise ValidationFailed(_("No such property company."), field="company")
    return Status(201, stakeholders.instructor_assign(
        actor=request.user, community=community, person=person_get(user=request.user, pk=payload.person),
        company=company, term_start=payload.term_start, term_end=payload.term_end))


class ConsultVisitIn(Schema):
    visited_on: Day
    note: Text(2000, 1)


class ConsultVisitOut(Schema):
    id: int
    visited_on: datetime.date
    note: str


@router.post("/instructors/{instructor_id}/visits", response={201: ConsultVisitOut},
             summary="Log an instructor's visit to the company")
def instructor_visit(request, instructor_id: PathId, payload: ConsultVisitIn):
    inst = _one(Instructor, request.user, instructor_id)
    return Status(201, stakeholders.instructor_visit_record(actor=request.user, instructor=inst,
                                                            visited_on=payload.visited_on, note=payload.note))


class ConsultCrossAppointmentIn(Schema):
    kind: Text(24, 1)
    compound: Text(32, 1)
    person: Id
    term_start: Day
    term_end: Day
    position: Text(60) = ""


class ConsultCrossAppointmentOut(Schema):
    id: int
    kind: str
    person_id: int
    part_time_member_id: int | None
    branch_id: int | None


@router.post("/cross-appointments", response={201: ConsultCrossAppointmentOut},
             summary="Record a cross-appointment (big committee, branch committee, cadre heading the owners' committee)")
def cross_appointment(request, payload: ConsultCrossAppointmentIn):
    compound = unit_get(user=request.user, code=payload.compound)
    return Status(201, stakeholders.cross_appointment_create(
        actor=request.user, kind=payload.kind, compound=compound,
        person=person_get(user=request.user, pk=payload.person), term_start=payload.term_start,
        term_end=payload.term_end, position=payload.position))


# ---------------------------------------------------------------- deliberation


class ConsultPartyIn(Schema):
    kind: Text(20, 1)
    name: Text(120) = ""


class ConsultMatterIn(Schema):
    unit: Text(32, 1)
    kind: Text(20, 1)
    title: Text(160, 1)
    description: Text(4000) = ""
    decide_by: Day
    case: Text(32) | None = None
    parties: list[ConsultPartyIn] = Field([], max_length=20)


class ConsultPartyOut(Schema):
    id: int
    kind: str
    name: str


class ConsultMatterOut(UnitCodeOut):
    id: int
    kind: str
    title: str
    status: str
    opened_on: datetime.date
    decide_by: datetime.date
    case_code: str | None

    @staticmethod
    def resolve_case_code(obj):
        return obj.case.code if obj.case_id else None


class ConsultMatterDetailOut(ConsultMatterOut):
    parties: list[ConsultPartyOut]
    sessions: int
    decision: str | None

    @staticmethod
    def resolve_parties(obj):
        return list(obj.parties.all())

    @staticmethod
    def resolve_sessions(obj):
        return obj.sessions.count()

    @staticmethod
    def resolve_decision(obj):
        d = getattr(obj, "decision", None) if obj.status == "decided" else None
        return d.text if d else None


def _party(matter_unit, p: ConsultPartyIn) -> dict:
    """The owners' committee and the property company invited are those of the matter's area."""
    row = {"kind": p.kind, "name": p.name}
    if p.kind == "owners_committee":
        row["owners_committee"] = OwnersCommittee.objects.filter(unit_path__startswith=matter_unit.path,
                                                                 active=True).order_by("id").first()
    if p.kind == "property_company":
        s = (PropertyService.objects.filter(unit_path__startswith=matter_unit.path, active=True)
             .select_related("company").order_by("id").first())
        row["property_company"] = s.company if s else None
    return row


@router.get("/matters", response=list[ConsultMatterOut], summary="Matters under deliberation in an area")
def matters(request, unit: Text(32) | None = None, status: Text(8) | None = None, page: Query[Page] = None):
    if status not in (None, "open", "decided"):
        raise ValidationFailed(_("The status is “open” or “decided”."), field="status")
    area = unit_or_top(user=request.user, code=unit)
    return list(page.slice(selectors.matters_in(user=request.user, unit=area, status=status)))


@router.post("/matters", response={201: ConsultMatterDetailOut}, summary="Open a matter for deliberation")
def matter_open(request, payload: ConsultMatterIn):
    from jiceng.cases.selectors import case_get

    unit = unit_get(user=request.user, code=payload.unit)
    case = case_get(user=request.user, code=payload.case) if payload.case else None
    return Status(201, deliberation.matter_open(
        actor=request.user, unit=unit, kind=payload.kind, title=payload.title, description=payload.description,
        decide_by=payload.decide_by, case=case, parties=[_party(unit, p) for p in payload.parties]))


@router.get("/matters/{matter_id}", response=ConsultMatterDetailOut, summary="One matter")
def matter(request, matter_id: PathId):
    return selectors.matter_get(user=request.user, pk=matter_id)


class ConsultAttendanceIn(Schema):
    party: Id
    name: Text(60, 1)


class ConsultSessionIn(Schema):
    held_on: Day
    minutes: Text(20000, 1)
    attendance: list[ConsultAttendanceIn] = Field(..., min_length=1, max_length=200)


class ConsultSessionOut(Schema):
    id: int
    held_on: datetime.date


@router.post("/matters/{matter_id}/sessions", response={201: ConsultSessionOut},
             summary="Record a held session: minutes and attendance")
def session_record(request, matter_id: PathId, payload: ConsultSessionIn):
    obj = selectors.matter_get(user=request.user, pk=matter_id)
    parties = {p.pk: p for p in obj.parties.all()}
    attendance = [{"party": parties.get(a.party), "name": a.name} for a in payload.attendance]
    return Status(201, deliberation.session_record(actor=request.user, matter=obj, held_on=payload.held_on,
                                                   minutes=payload.minutes, attendance=attendance))


class ConsultActionIn(Schema):
    title: Text(200, 1)
    owner_name: Text(60)
    deadline: Day


class ConsultDecisionIn(Schema):
    session: Id | None = None
    method: Text(10, 1)
    text: Text(4000, 1)
    votes_for: Count | None = None
    votes_against: Count | None = None
    abstentions: Count | None = None
    public: bool = False
    actions: list[ConsultActionIn] = Field([], max_length=50)


class ConsultDecisionOut(Schema):
    id: int
    method: str
    text: str
    decided_on: datetime.date
    public: bool


@router.post("/matters/{matter_id}/decision", response={201: ConsultDecisionOut},
             summary="Decide a matter at one of its sessions; follow-up actions; a case it came from is closed")
def matter_decide(request, matter_id: PathId, payload: ConsultDecisionIn):
    obj = selectors.matter_get(user=request.user, pk=matter_id)
    session = obj.sessions.filter(pk=payload.session).first() if payload.session else None
    votes = None
    if payload.method == "vote":
        votes = (payload.votes_for, payload.votes_against, payload.abstentions)
        votes = None if None in votes else votes
    return Status(201, deliberation.matter_decide(
        actor=request.user, matter=obj, session=session, method=payload.method, text=payload.text, votes=votes,
        public=payload.public, actions=[a.dict() for a in payload.actions]))
