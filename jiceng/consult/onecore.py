"""Reads for "one core, many parties" 一核多元: for each compound, its party branch, owners' committee,
property company and project manager, instructor, volunteer teams, resident units and cross-appointments,
and what is missing. A fixed number of queries for any number of compounds (the community page lists
them all; the compound page shows one in full).

Party membership is read from the people registry, never from the stakeholder rows."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from jiceng.consult.models.stakeholders import (
    CrossAppointment,
    Instructor,
    OwnersCommittee,
    OwnersCommitteeMember,
    PropertyService,
    ReportIn,
    ResidentUnitLink,
    VolunteerTeam,
)
from jiceng.orgs.models import GRID_PARTY_ORG_KINDS, PartyOrg, Unit
from jiceng.people.models import PartyMembership

# What a compound's "one core, many parties" needs; each missing one is listed with this label.
MISSING = {
    "branch": _("party branch"),
    "owners_committee": _("owners' committee"),
    "committee_term": _("owners' committee in its term"),
    "committee_party_member": _("party member on the owners' committee"),
    "property_company": _("property company"),
    "report_in": _("project manager's report-in this year"),
    "instructor": _("party-building instructor"),
    "volunteer_team": _("volunteer team"),
    "big_committee_link": _("cross-appointment to the big party committee"),
}


@dataclass
class CompoundCore:
    compound: Unit
    branch: PartyOrg | None = None
    committee: OwnersCommittee | None = None
    committee_members: list = field(default_factory=list)  # [(member row, is party member)]
    service: PropertyService | None = None
    report_ins: list = field(default_factory=list)
    instructors: list = field(default_factory=list)
    teams: list = field(default_factory=list)
    resident_units: list = field(default_factory=list)
    appointments: list = field(default_factory=list)
    missing: list = field(default_factory=list)  # keys of MISSING

    @property
    def missing_labels(self):
        return [MISSING[k] for k in self.missing]

    @property
    def party_members_on_committee(self) -> int:
        return sum(1 for _m, party in self.committee_members if party)


def _parent_path(path: str) -> str:
    return path.rsplit("/", 2)[0] + "/"


def compounds_core(compounds: list[Unit], *, today: datetime.date, detail: bool = False) -> list[CompoundCore]:
    """One CompoundCore per compound, in the given order (about ten queries whatever the number)."""
    if not compounds:
        return []
    paths = [c.path for c in compounds]
    rows = {c.path: CompoundCore(compound=c) for c in compounds}
    # Branch: on the compound, else on the grid above it.
    branch_paths = set(paths) | {_parent_path(p) for p in paths}
    branches = {}
    for org in (PartyOrg.objects.filter(unit_path__in=branch_paths, kind__in=GRID_PARTY_ORG_KINDS)
                .select_related("secretary").order_by("-id")):
        branches[org.unit_path] = org
    committees = {oc.unit_path: oc for oc in OwnersCommittee.objects.filter(unit_path__in=paths, active=True)}
    members = list(OwnersCommitteeMember.objects.filter(committee__in=committees.values())
                   .select_related("person").order_by("committee_id", "role", "id")
                   .annotate(party=Exists(PartyMembership.objects.filter(person_id=OuterRef("person_id")))))
    services = {s.unit_path: s for s in PropertyService.objects.filter(unit_path__in=paths, active=True)
                .select_related("company", "manager")}
    reports: dict = {}
    for r in ReportIn.objects.filter(service__in=services.values(), year=today.year).order_by("reported_on"):
        reports.setdefault(r.service_id, []).append(r)
    instructors: dict = {}
    for inst in (Instructor.objects.filter(company_id__in={s.company_id for s in services.values()},
                                           term_start__lte=today, term_end__gte=today)
                 .select_related("person").annotate(visit_count=Count("visits"))):
        instructors.setdefault(inst.company_id, []).append(inst)
    community_paths = {_parent_path(_parent_path(p)) for p in paths}
    teams: dict = {}
    for t in (VolunteerTeam.objects.filter(Q(unit_path__in=paths) | Q(unit_path__in=community_paths))
              .annotate(member_count=Count("members")).order_by("name")):
        teams.setdefault(t.unit_path, []).append(t)
    appointments: dict = {}
    for a in (CrossAppointment.objects.filter(unit_path__in=paths, term_end__gte=today)
              .select_related("person").order_by("kind", "id")):
        appointments.setdefault(a.unit_path, []).append(a)
    links: dict = {}
    if detail:
        for link in ResidentUnitLink.objects.filter(unit_path__in=paths).select_related("registration"):
            links.setdefault(link.unit_path, []).append(link)
    by_committee: dict = {}
    for m in members:
        by_committee.setdefault(m.committee_id, []).append((m, m.party))
    for path, row in rows.items():
        row.branch = branches.get(path) or branches.get(_parent_path(path))
        row.committee = committees.get(path)
        row.committee_members = by_committee.get(row.committee.pk, []) if row.committee else []
        row.service = services.get(path)
        row.report_ins = reports.get(row.service.pk, []) if row.service else []
        row.instructors = instructors.get(row.service.company_id, []) if row.service else []
        row.teams = teams.get(path, []) + teams.get(_parent_path(_parent_path(path)), [])
        row.appointments = appointments.get(path, [])
        row.resident_units = links.get(path, [])
        missing = []
        if row.branch is None:
            missing.append("branch")
        if row.committee is None:
            missing.append("owners_committee")
        else:
            if not row.committee.term_start <= today <= row.committee.term_end:
                missing.append("committee_term")
            if not row.party_members_on_committee:
                missing.append("committee_party_member")
        if row.service is None:
            missing.append("property_company")
        else:
            if not row.report_ins:
                missing.append("report_in")
            if not row.instructors:
                missing.append("instructor")
        if not row.teams:
            missing.append("volunteer_team")
        if not any(a.kind == "big_committee" for a in row.appointments):
            missing.append("big_committee_link")
        row.missing = missing
    return [rows[p] for p in paths]


def report_ins_overdue(*, services, year: int):
    """Active property services whose project manager has not reported in to both the community and the
    grid in `year`."""
    done = {}
    for service_id, to in ReportIn.objects.filter(service__in=services, year=year).values_list("service_id", "to"):
        done.setdefault(service_id, set()).add(to)
    return [s for s in services if done.get(s.pk, set()) != {"community", "grid"}]
