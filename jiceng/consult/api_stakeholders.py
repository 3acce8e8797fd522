"""The stakeholder registries in the API, read side (D1): owners' committees and their members, the
compounds each property company serves with their project managers, report-ins, party-building
instructors and their visits, cross-appointments and volunteer teams, each listed under a unit (the
user's area by default) with `limit`/`offset`; and volunteer teams registered. Writes go through
consult.stakeholders. Operations on api_deliberation's router (a path such as /property-services has its
POST there, and one path's methods live on one router)."""

import datetime

from django.db.models import Count
from ninja import Field, Query, Schema, Status

from jiceng.consult import stakeholders
from jiceng.consult.api_deliberation import router
from jiceng.consult.models.stakeholders import (
    CrossAppointment,
    Instructor,
    InstructorVisit,
    OwnersCommittee,
    OwnersCommitteeMember,
    PropertyService,
    ReportIn,
    VolunteerTeam,
)
from jiceng.core.errors import NotFound
from jiceng.core.fields import Id, PathId, Text, Year
from jiceng.core.pagination import Page
from jiceng.core.scope import scope_filter, subtree_q
from jiceng.orgs.selectors import unit_get, unit_or_top
from jiceng.people.models import PartyMembership
from jiceng.people.selectors import person_get


def _under(request, model, unit, *related):
    area = unit_or_top(user=request.user, code=unit)
    qs = model.objects.filter(subtree_q(area.path, "unit_path"))
    if related:
        qs = qs.select_related(*related)
    return scope_filter(qs, request.user, "unit_path")


class ConsultOwnersCommitteeRow(Schema):
    id: int
    compound: str = Field(..., alias="compound.code")
    name: str
    elected_on: datetime.date
    term_start: datetime.date
    term_end: datetime.date
    active: bool
    member_count: int


@router.get("/owners-committees", response=list[ConsultOwnersCommitteeRow],
            summary="Owners' committees of the compounds in an area")
def owners_committees(request, unit: Text(32) | None = None, active: bool = True, page: Query[Page] = None):
    qs = (_under(request, OwnersCommittee, unit, "compound").filter(active=active)
          .defer("compound__geom").annotate(member_count=Count("members")).order_by("unit_path", "id"))
    return list(page.slice(qs))


class ConsultCommitteeMemberRow(Schema):
    id: int
    person_id: int
    name: str = Field(..., alias="person.name")
    role: str
    party_member: bool


@router.get("/owners-committees/{committee_id}/members", response=list[ConsultCommitteeMemberRow],
            summary="The members of an owners' committee (party membership read from the people registry)")
def owners_committee_members(request, committee_id: PathId):
    committee = scope_filter(OwnersCommittee.objects.filter(pk=committee_id), request.user, "unit_path").first()
    if committee is None:
        raise NotFound()
    members = list(OwnersCommitteeMember.objects.filter(committee=committee).select_related("person")
                   .order_by("role", "id"))
    party = set(PartyMembership.objects.filter(person_id__in=[m.person_id for m in members])
                .values_list("person_id", flat=True))
    for m in members:
        m.party_member = m.person_id in party
    return members


class ConsultPropertyServiceRow(Schema):
    id: int
    company_id: int
    company: str = Field(..., alias="company.name")
    compound: str = Field(..., alias="compound.code")
    manager_id: int
    manager: str = Field(..., alias="manager.name")
    started_on: datetime.date
    active: bool


@router.get("/property-services", response=list[ConsultPropertyServiceRow],
            summary="The compounds property companies serve in an area, with their project managers")
def property_services(request, unit: Text(32) | None = None, active: bool = True, page: Query[Page] = None):
    qs = (_under(request, PropertyService, unit, "company", "compound", "manager").filter(active=active)
          .defer("compound__geom").order_by("unit_path", "id"))
    return list(page.slice(qs))


class ConsultReportInRow(Schema):
    id: int
    service_id: int
    year: int
    to: str
    reported_on: datetime.date


@router.get("/report-ins", response=list[ConsultReportInRow],
            summary="Project managers' report-ins to the community and the grid in an area")
def report_ins(request, unit: Text(32) | None = None, year: Year | None = None, page: Query[Page] = None):
    qs = _under(request, ReportIn, unit)
    if year is not None:
        qs = qs.filter(year=year)
    return list(page.slice(qs.order_by("-reported_on", "id")))


class ConsultInstructorRow(Schema):
    id: int
    person_id: int
    name: str = Field(..., alias="person.name")
    company_id: int
    company: str = Field(..., alias="company.name")
    community: str = Field(..., alias="unit.code")
    term_start: datetime.date
    term_end: datetime.date
    visit_count: int


@router.get("/instructors", response=list[ConsultInstructorRow],
            summary="Party-building instructors sent by the communities of an area")
def instructors(request, unit: Text(32) | None = None, page: Query[Page] = None):
    qs = (_under(request, Instructor, unit, "person", "company", "unit").defer("unit__geom")
          .annotate(visit_count=Count("visits")).order_by("unit_path", "id"))
    return list(page.slice(qs))


class ConsultVisitRow(Schema):
    id: int
    visited_on: datetime.date
    note: str


@router.get("/instructors/{instructor_id}/visits", response=list[ConsultVisitRow],
            summary="An instructor's visits to the company")
def instructor_visits(request, instructor_id: PathId, page: Query[Page] = None):
    inst = scope_filter(Instructor.objects.filter(pk=instructor_id), request.user, "unit_path").first()
    if inst is None:
        raise NotFound()
    return list(page.slice(InstructorVisit.objects.filter(instructor=inst).order_by("-visited_on", "-id")))


class ConsultCrossAppointmentRow(Schema):
    id: int
    kind: str
    compound: str = Field(..., alias="compound.code")
    person_id: int
    name: str = Field(..., alias="person.name")
    part_time_member_id: int | None
    branch_id: int | None
    owners_committee_id: PathId | None
    property_company_id: int | None
    term_start: datetime.date
    term_end: datetime.date


@router.get("/cross-appointments", response=list[ConsultCrossAppointmentRow],
            summary="Cross-appointments of the compounds in an area")
def cross_appointments(request, unit: Text(32) | None = None, page: Query[Page] = None):
    qs = _under(request, CrossAppointment, unit, "compound", "person").defer("compound__geom").order_by("unit_path", "id")
    return list(page.slice(qs))


class ConsultVolunteerTeamRow(Schema):
    id: int
    unit: str = Field(..., alias="unit.code")
    name: str
    member_count: int


@router.get("/volunteer-teams", response=list[ConsultVolunteerTeamRow],
            summary="Volunteer teams serving the communities and compounds of an area")
def volunteer_teams(request, unit: Text(32) | None = None, page: Query[Page] = None):
    qs = (_under(request, VolunteerTeam, unit, "unit").defer("unit__geom").annotate(member_count=Count("members"))
          .order_by("unit_path", "name", "id"))
    return list(page.slice(qs))


class ConsultVolunteerTeamIn(Schema):
    unit: Text(32, 1)
    name: Text(120, 1)
    members: list[Id] = Field(..., min_length=1, max_length=200)
    leader: Id | None = None


@router.post("/volunteer-teams", response={201: ConsultVolunteerTeamRow},
             summary="Register a volunteer team serving a community or a compound")
def volunteer_team_create(request, payload: ConsultVolunteerTeamIn):
    unit = unit_get(user=request.user, code=payload.unit)
    members = [person_get(user=request.user, pk=pk) for pk in dict.fromkeys(payload.members)]
    leader = next((p for p in members if p.pk == payload.leader), None) if payload.leader else None
    if payload.leader and leader is None:
        leader = person_get(user=request.user, pk=payload.leader)
    team = stakeholders.volunteer_team_create(actor=request.user, unit=unit, name=payload.name, members=members,
                                              leader=leader)
    team.member_count = len(members)
    return Status(201, team)
