"""Writes for the stakeholders of compounds and communities (D1) and their links up and down to the party
organization (cross-appointments, party-building instructors and their visits, project managers'
report-ins). Every one checks scope, validates, runs in a transaction and writes the audit log.

Party membership is never typed here: it is read from the people registry (`people.PartyMembership`)."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.consult.models.stakeholders import (
    AppointmentKind,
    CommitteeRole,
    CrossAppointment,
    Instructor,
    InstructorVisit,
    OwnersCommittee,
    OwnersCommitteeMember,
    PropertyCompany,
    PropertyService,
    ReportIn,
    ReportInKind,
    ResidentUnitLink,
    VolunteerTeam,
    VolunteerTeamMember,
)
from jiceng.core import codes
from jiceng.core.audit import audit_record
from jiceng.core.errors import Conflict, ValidationFailed
from jiceng.core.scope import require_scope
from jiceng.core.text import checked_text
from jiceng.neworgs.roster import instructor_for_person, instructors_for_people
from jiceng.orgs.models import GRID_PARTY_ORG_KINDS, BigCommittee, PartyOrg, Unit
from jiceng.people.models import PartyMembership, Person

TERM_MAX_YEARS = 6


def credit_code_clean(value: str, field: str = "licence_code") -> str:
    """A valid unified social credit code (normalized), or ValidationFailed with the reason (core.codes)."""
    return codes.credit_code_clean(value, field)


def community_path(path: str) -> str:
    """The path of the community a unit lies in (the unit's own when it is a community)."""
    parts = path.strip("/").split("/")
    for i, code in enumerate(parts):
        if len(code) == 12:
            return "/" + "/".join(parts[: i + 1]) + "/"
    raise ValidationFailed(_("This unit is not inside a community."), field="unit")


def _term(start, end):
    if not isinstance(start, datetime.date) or not isinstance(end, datetime.date):
        raise ValidationFailed(_("Give the start and end of the term."), field="term_start")
    if end <= start or (end - start).days > 366 * TERM_MAX_YEARS:
        raise ValidationFailed(_("A term ends after it starts and lasts at most %(n)d years.")
                               % {"n": TERM_MAX_YEARS}, field="term_end")


def _compound(unit: Unit) -> Unit:
    if unit.kind != "compound":
        raise ValidationFailed(_("Choose a compound."), field="compound")
    return unit


def _person_in(person: Person, path: str, field: str) -> Person:
    if not person.unit_path.startswith(path):
        raise ValidationFailed(_("%(name)s is not registered in this area.") % {"name": person.name}, field=field)
    return person


def party_membership_of(person: Person) -> PartyMembership | None:
    """Derived from the people registry: a person's party membership, or None."""
    return PartyMembership.objects.filter(person=person).select_related("org").first()


# ---------------------------------------------------------------- owners' committees


def owners_committee_create(*, actor, compound: Unit, name: str, elected_on: datetime.date,
                            term_start: datetime.date, term_end: datetime.date,
                            members: list[tuple[Person, str]]) -> OwnersCommittee:
    """A compound's owners' committee for a term, replacing the one before. members: [(person, role)],
    one chair, people registered in the compound's community (a community cadre may head it)."""
    _compound(compound)
    require_scope(actor, compound.path, "write")
    name = checked_text(name, "name", 120)
    _term(term_start, term_end)
    if not isinstance(elected_on, datetime.date) or elected_on > term_start:
        raise ValidationFailed(_("The election is on or before the start of the term."), field="elected_on")
    if not members:
        raise ValidationFailed(_("An owners' committee needs its members."), field="members")
    area = community_path(compound.path)
    for person, role in members:
        _person_in(person, area, "members")
        if role not in CommitteeRole.values:
            raise ValidationFailed(_("Unknown role “%(r)s”.") % {"r": role}, field="members")
    if sum(1 for _p, r in members if r == CommitteeRole.CHAIR) != 1:
        raise ValidationFailed(_("An owners' committee has exactly one chair."), field="members")
    if len({p.pk for p, _r in members}) != len(members):
        raise ValidationFailed(_("A person is listed twice."), field="members")
    with transaction.atomic():
        OwnersCommittee.objects.filter(compound=compound, active=True).update(active=False)
        committee = OwnersCommittee.objects.create(compound=compound, unit_path=compound.path, name=name,
                                                   elected_on=elected_on, term_start=term_start, term_end=term_end)
        OwnersCommitteeMember.objects.bulk_create([
            OwnersCommitteeMember(committee=committee, unit_path=compound.path, person=p, role=r) for p, r in members])
        audit_record(actor=actor, action="owners_committee.create", obj=committee,
                     changes={"members": len(members), "term": [term_start, term_end]})
    return committee


# ---------------------------------------------------------------- property companies and project managers


def property_company_create(*, actor, unit: Unit, name: str, licence_code: str) -> PropertyCompany:
    """A property company registered by the street or community where it works."""
    if unit.kind not in ("street", "community"):
        raise ValidationFailed(_("A property company is registered by a street or a community."), field="unit")
    require_scope(actor, unit.path, "write")
    name = checked_text(name, "name", 120)
    code = credit_code_clean(licence_code)
    with transaction.atomic():
        try:
            with transaction.atomic():
                company = PropertyCompany.objects.create(unit=unit, unit_path=unit.path, name=name, licence_code=code)
        except IntegrityError:
            raise Conflict(_("A property company with this credit code is registered already."),
                           code="duplicate_licence") from None
        audit_record(actor=actor, action="property_company.create", obj=company)
    return company


def property_service_set(*, actor, company: PropertyCompany, compound: Unit, manager: Person,
                         started_on: datetime.date) -> PropertyService:
    """The company now serves the compound, with this project manager (the one before ends)."""
    _compound(compound)
    require_scope(actor, compound.path, "write")
    if not compound.path.startswith(company.unit_path):
        raise ValidationFailed(_("The company is registered in another area; register it where the compound is."),
                               field="company")
    _person_in(manager, community_path(compound.path), "manager")
    if not isinstance(started_on, datetime.date):
        raise ValidationFailed(_("Give the date the service started."), field="started_on")
    with transaction.atomic():
        ended = PropertyService.objects.filter(compound=compound, active=True).update(active=False)
        service = PropertyService.objects.create(company=company, compound=compound, unit_path=compound.path,
                                                 manager=manager, started_on=started_on)
        audit_record(actor=actor, action="property_service.set", obj=service,
                     changes={"company": company.pk, "replaced": ended})
    return service


def report_in_record(*, actor, service: PropertyService, to: str, reported_on: datetime.date,
                     today: datetime.date | None = None) -> ReportIn:
    """The project manager reported in to the community or the grid for the year of `reported_on`."""
    require_scope(actor, service.unit_path, "write")
    today = today or timezone.localdate()
    if to not in ReportInKind.values:
        raise ValidationFailed(_("A project manager reports in to the community or the grid."), field="to")
    if not isinstance(reported_on, datetime.date) or reported_on > today:
        raise ValidationFailed(_("A report-in cannot be recorded before it happens."), field="reported_on")
    if not service.active:
        raise Conflict(_("This company no longer serves the compound."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = ReportIn.objects.create(service=service, unit_path=service.unit_path, year=reported_on.year,
                                              to=to, reported_on=reported_on,
                                              recorded_by=actor if getattr(actor, "pk", None) else None)
        except IntegrityError:
            raise Conflict(_("The project manager has reported in for this year already."),
                           code="reported_in") from None
        audit_record(actor=actor, action="report_in.record", obj=row, changes={"to": to, "year": row.year})
    return row


# ---------------------------------------------------------------- volunteer teams and resident units


def volunteer_team_create(*, actor, unit: Unit, name: str, members: list[Person], skills=(),
                          leader: Person | None = None) -> VolunteerTeam:
    if unit.kind not in ("community", "compound"):
        raise ValidationFailed(_("A volunteer team serves a community or a compound."), field="unit")
    require_scope(actor, unit.path, "write")
    name = checked_text(name, "name", 120)
    area = community_path(unit.path)
    for p in members:
        _person_in(p, area, "members")
    if leader is not None and leader.pk not in {p.pk for p in members}:
        raise ValidationFailed(_("The team leader is one of its members."), field="leader")
    with transaction.atomic():
        team = VolunteerTeam.objects.create(unit=unit, unit_path=unit.path, name=name)
        team.skills.set(list(skills))
        VolunteerTeamMember.objects.bulk_create([
            VolunteerTeamMember(team=team, unit_path=unit.path, person=p, leader=leader is not None and p.pk == leader.pk)
            for p in {p.pk: p for p in members}.values()])
        audit_record(actor=actor, action="volunteer_team.create", obj=team, changes={"members": len(members)})
    return team


def resident_unit_link(*, actor, registration, compound: Unit) -> ResidentUnitLink:
    """Link a resident unit registered with the community (double registration) to one of its compounds."""
    _compound(compound)
    require_scope(actor, compound.path, "write")
    if not compound.path.startswith(registration.unit_path):
        raise ValidationFailed(_("This resident unit is registered with another community."), field="registration")
    with transaction.atomic():
        link, created = ResidentUnitLink.objects.get_or_create(registration=registration, compound=compound,
                                                               defaults={"unit_path": compound.path})
        if not created:
            raise Conflict(_("This resident unit is linked to the compound already."))
        audit_record(actor=actor, action="resident_unit.link", obj=link, changes={"registration": registration.pk})
    return link


# ---------------------------------------------------------------- the links up and down


def compound_branch(compound: Unit) -> PartyOrg | None:
    """The compound's party branch: one on the compound itself, else the grid's that covers it."""
    ancestors = [compound.path, compound.path.rsplit("/", 2)[0] + "/"]
    orgs = {o.unit_path: o for o in PartyOrg.objects.filter(unit_path__in=ancestors, kind__in=GRID_PARTY_ORG_KINDS)
            .order_by("id")}
    return orgs.get(compound.path) or orgs.get(ancestors[1])


def _big_committee_of(community: str, today) -> BigCommittee | None:
    return (BigCommittee.objects.filter(unit_path=community, level="community", term_start__lte=today,
                                        term_end__gte=today).order_by("-term_start").first())


def cross_appointment_create(*, actor, kind: str, compound: Unit, person: Person, term_start: datetime.date,
                             term_end: datetime.date, position: str = "",
                             today: datetime.date | None = None) -> CrossAppointment:
    """Record a cross-appointment 交叉任职 of a compound:
    - big_committee: a party member of the owners' committee, or the property company's project manager,
      becomes a part-time member of the community big party committee (a row of its roster);
    - branch_committee: the same people join the compound branch's committee;
    - heads_owners_committee: a community cadre (a member of a community-level party organization) is the
      chair of the owners' committee."""
    _compound(compound)
    today = today or timezone.localdate()
    if kind not in AppointmentKind.values:
        raise ValidationFailed(_("Unknown kind of appointment."), field="kind")
    require_scope(actor, compound.path, "write")
    _term(term_start, term_end)
    position = checked_text(position, "position", 60, required=False)
    membership = party_membership_of(person)
    committee = OwnersCommittee.objects.filter(compound=compound, active=True).first()
    in_committee = committee is not None and OwnersCommitteeMember.objects.filter(
        committee=committee, person=person).first()
    service = PropertyService.objects.filter(compound=compound, active=True, manager=person) \
        .select_related("company").first()
    community = community_path(compound.path)
    row = CrossAppointment(kind=kind, compound=compound, unit_path=compound.path, person=person,
                           term_start=term_start, term_end=term_end)
    if kind in (AppointmentKind.BIG_COMMITTEE, AppointmentKind.BRANCH_COMMITTEE):
        if membership is None:
            raise ValidationFailed(_("%(name)s is not a party member in the people registry.") % {"name": person.name},
                                   field="person")
        if not in_committee and service is None:
            raise ValidationFailed(_("%(name)s is neither on the compound's owners' committee nor its property "
                                     "project manager.") % {"name": person.name}, field="person")
        row.owners_committee = committee if in_committee else None
        row.property_company = service.company if service and not in_committee else None
    else:
        if membership is None or membership.org.unit_path != community:
            raise ValidationFailed(_("%(name)s is not a cadre of the community's party organization.")
                                   % {"name": person.name}, field="person")
        if not in_committee or in_committee.role != CommitteeRole.CHAIR:
            raise ValidationFailed(_("%(name)s is not the chair of the compound's owners' committee.")
                                   % {"name": person.name}, field="person")
        row.owners_committee = committee
    with transaction.atomic():
        if kind == AppointmentKind.BIG_COMMITTEE:
            from jiceng.orgs.services import part_time_member_add

            big = _big_committee_of(community, today)
            if big is None:
                raise ValidationFailed(_("The community has no big party committee in office."), field="kind")
            source = "owners_committee" if row.owners_committee else "property_company"
            source_org = row.owners_committee.name if row.owners_committee else row.property_company.name
            row.part_time_member = part_time_member_add(actor=actor, committee=big, name=person.name, source=source,
                                                        source_org=source_org, position=position, person=person)
        elif kind == AppointmentKind.BRANCH_COMMITTEE:
            row.branch = compound_branch(compound)
            if row.branch is None:
                raise ValidationFailed(_("The compound has no party branch yet."), field="kind")
        row.save()
        audit_record(actor=actor, action="cross_appointment.create", obj=row, changes={"kind": kind})
    return row


def instructor_assign(*, actor, community: Unit, person: Person, company: PropertyCompany,
                      term_start: datetime.date, term_end: datetime.date) -> Instructor:
    """Send a member of the community's (or a compound's) party organization as party-building instructor
    to a property company that serves a compound of the community."""
    if community.kind != "community":
        raise ValidationFailed(_("Instructors are sent by a community."), field="community")
    require_scope(actor, community.path, "write")
    _term(term_start, term_end)
    membership = party_membership_of(person)
    if membership is None or not membership.org.unit_path.startswith(community.path):
        raise ValidationFailed(_("An instructor is a member of this community's party organizations; %(name)s "
                                 "is not.") % {"name": person.name}, field="person")
    if not PropertyService.objects.filter(company=company, active=True, unit_path__startswith=community.path).exists():
        raise ValidationFailed(_("This company serves no compound of the community."), field="company")
    with transaction.atomic():
        row = Instructor.objects.create(person=person, company=company, unit=community, unit_path=community.path,
                                        term_start=term_start, term_end=term_end,
                                        roster=instructor_for_person(community=community, person=person))
        audit_record(actor=actor, action="instructor.assign", obj=row, changes={"company": company.pk})
    return row


def instructor_visit_record(*, actor, instructor: Instructor, visited_on: datetime.date, note: str,
                            today: datetime.date | None = None) -> InstructorVisit:
    require_scope(actor, instructor.unit_path, "write")
    today = today or timezone.localdate()
    note = checked_text(note, "note", 2000)
    if not isinstance(visited_on, datetime.date) or visited_on > today:
        raise ValidationFailed(_("A visit cannot be recorded before it happens."), field="visited_on")
    if not instructor.term_start <= visited_on <= instructor.term_end:
        raise ValidationFailed(_("The visit is outside the instructor's term."), field="visited_on")
    with transaction.atomic():
        visit = InstructorVisit.objects.create(instructor=instructor, unit_path=instructor.unit_path,
                                               visited_on=visited_on, note=note)
        audit_record(actor=actor, action="instructor.visit", obj=instructor, changes={"visited_on": visited_on})
    return visit


# ---------------------------------------------------------------- bulk (demo, imports)


def _insert(model, rows, **lookup):
    """bulk_create, re-reading the keys on a backend without RETURNING."""
    model.objects.bulk_create(rows, batch_size=1000)
    if rows and rows[0].pk is None:
        raise RuntimeError("bulk_create did not return keys")  # every supported backend (SQLite ≥ 3.35, PG) does
    return rows


def onecore_bulk_create(*, actor, companies: list[PropertyCompany], committees: list[tuple[OwnersCommittee, list]],
                        services: list[PropertyService], instructors: list[Instructor], report_ins: list[ReportIn],
                        note: str = "") -> dict:
    """Many stakeholders at once (the demo city), validated like the single services, one audit event.
    committees: [(unsaved committee, [(person, role)])]; services refer to companies in `companies` (saved
    here first); instructors and report-ins refer to them too."""
    for c in companies:
        require_scope(actor, c.unit_path, "write")
        c.licence_code = credit_code_clean(c.licence_code)
        checked_text(c.name, "name", 120)
    for oc, members in committees:
        _compound(oc.compound)
        require_scope(actor, oc.compound.path, "write")
        _term(oc.term_start, oc.term_end)
        if sum(1 for _p, r in members if r == CommitteeRole.CHAIR) != 1 or not members:
            raise ValidationFailed(_("An owners' committee has exactly one chair."), field="members")
        oc.unit_path = oc.compound.path
    for s in services:
        _compound(s.compound)
        s.unit_path = s.compound.path
        if not s.compound.path.startswith(s.company.unit_path):
            raise ValidationFailed(_("The company is registered in another area; register it where the compound "
                                     "is."), field="company")
    for i in instructors:
        _term(i.term_start, i.term_end)
        i.unit_path = i.unit.path
    with transaction.atomic():
        _insert(PropertyCompany, companies)
        for s in services:
            s.company_id = s.company.pk
        for i in instructors:
            i.company_id = i.company.pk
        _insert(OwnersCommittee, [oc for oc, _m in committees])
        OwnersCommitteeMember.objects.bulk_create([
            OwnersCommitteeMember(committee=oc, unit_path=oc.unit_path, person=p, role=r)
            for oc, members in committees for p, r in members], batch_size=2000)
        _insert(PropertyService, services)
        for r in report_ins:
            r.service_id, r.unit_path = r.service.pk, r.service.unit_path
        ReportIn.objects.bulk_create(report_ins, batch_size=2000)
        roster = instructors_for_people((i.unit, i.person) for i in instructors)
        for i in instructors:
            i.roster = roster[(i.unit.pk, i.person.pk)]
        Instructor.objects.bulk_create(instructors, batch_size=1000)
        audit_record(actor=actor, action="stakeholders.bulk_create", object_type="consult.ownerscommittee",
                     unit_path=min((c.unit_path for c in companies), key=len, default=""),
                     changes={"companies": len(companies), "committees": len(committees), "services": len(services),
                              "instructors": len(instructors), "report_ins": len(report_ins), "note": note})
    return {"companies": len(companies), "committees": len(committees), "services": len(services),
            "instructors": len(instructors), "report_ins": len(report_ins)}
