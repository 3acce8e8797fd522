"""Stakeholder registries (D1) and the links up and down: owners' committees, property companies and
their project managers, volunteer teams, cross-appointments, instructors and report-ins."""

import datetime

import pytest
from django.utils import timezone

from jiceng.consult import stakeholders
from jiceng.consult.models.stakeholders import CrossAppointment, Instructor, OwnersCommittee, PropertyCompany
from jiceng.consult.tests.conftest import OTHER_CREDIT_CODE
from jiceng.core.errors import Conflict, NotFound, ValidationFailed
from jiceng.core.models import AuditEvent
from jiceng.orgs.models import PartTimeMember

TODAY = timezone.localdate()
TERM = (TODAY - datetime.timedelta(days=1), TODAY + datetime.timedelta(days=3 * 365))


def test_a_credit_code_with_a_wrong_check_character_is_refused_and_nothing_written(city):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        stakeholders.property_company_create(actor=city.users["community_worker"], unit=city.community,
                                             name="错码物业", licence_code=OTHER_CREDIT_CODE[:-1] + "M")
    assert exc.value.field == "licence_code"
    assert "校验码" in str(exc.value.message) or "check character" in str(exc.value.message)
    assert not PropertyCompany.objects.exists()
    assert AuditEvent.objects.count() == before


def test_the_check_character_follows_gb_32100():
    assert stakeholders.credit_code_clean("91350100m000100y43") == "91350100M000100Y43"
    with pytest.raises(ValidationFailed):
        stakeholders.credit_code_clean("91350100M000100Y4I")  # I is not one of the 31 characters


def test_an_owners_committee_has_one_chair_and_replaces_the_one_before(city, stake):
    with pytest.raises(ValidationFailed, match="exactly one chair"):
        stakeholders.owners_committee_create(actor=None, compound=city.compound, name="新一届", elected_on=TERM[0],
                                             term_start=TERM[0], term_end=TERM[1],
                                             members=[(stake.owner, "member")])
    new = stakeholders.owners_committee_create(actor=city.users["community_worker"], compound=city.compound,
                                               name="新一届", elected_on=TERM[0], term_start=TERM[0],
                                               term_end=TERM[1], members=[(stake.owner, "chair")])
    assert list(OwnersCommittee.objects.filter(compound=city.compound, active=True)) == [new]


def test_a_worker_outside_the_compound_cannot_register_its_committee(city, stake):
    with pytest.raises(NotFound):
        stakeholders.owners_committee_create(actor=city.users["outsider"], compound=city.compound, name="x",
                                             elected_on=TERM[0], term_start=TERM[0], term_end=TERM[1],
                                             members=[(stake.owner, "chair")])


def test_a_party_member_of_the_owners_committee_joins_the_big_committee_roster(city, stake):
    appointment = stakeholders.cross_appointment_create(
        actor=city.users["community_worker"], kind="big_committee", compound=city.compound, person=stake.chair,
        term_start=TERM[0], term_end=TERM[1], position="兼职委员")
    member = PartTimeMember.objects.get(pk=appointment.part_time_member_id)
    assert (member.person_id, member.source, member.source_org) == (stake.chair.pk, "owners_committee",
                                                                    "幸福小区业主委员会")
    assert member.committee_id == city.committee.pk


def test_someone_not_a_party_member_is_not_appointed_upward(city, stake):
    with pytest.raises(ValidationFailed, match="not a party member"):
        stakeholders.cross_appointment_create(actor=None, kind="big_committee", compound=city.compound,
                                              person=stake.owner, term_start=TERM[0], term_end=TERM[1])
    assert not CrossAppointment.objects.exists()


def test_the_project_manager_joins_the_compound_branch_committee(city, stake):
    row = stakeholders.cross_appointment_create(actor=None, kind="branch_committee", compound=city.compound,
                                                person=stake.manager, term_start=TERM[0], term_end=TERM[1])
    assert row.branch_id == city.org_grid.pk and row.property_company_id == stake.company.pk


def test_a_community_cadre_heads_the_owners_committee_only_as_its_chair(city, stake):
    with pytest.raises(ValidationFailed, match="not the chair"):
        stakeholders.cross_appointment_create(actor=None, kind="heads_owners_committee", compound=city.compound,
                                              person=stake.cadre, term_start=TERM[0], term_end=TERM[1])
    stakeholders.owners_committee_create(actor=None, compound=city.compound, name="换届", elected_on=TERM[0],
                                         term_start=TERM[0], term_end=TERM[1], members=[(stake.cadre, "chair")])
    row = stakeholders.cross_appointment_create(actor=None, kind="heads_owners_committee", compound=city.compound,
                                                person=stake.cadre, term_start=TERM[0], term_end=TERM[1])
    assert row.owners_committee.name == "换届"


def test_an_instructor_is_a_member_of_the_communitys_party_organizations(city, stake):
    from jiceng.people import services as people

    far = people.person_create(actor=None, household=city.household2, name="钱远", gender="M")
    people.party_membership_set(actor=None, person=far, org=city.org_street2)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        stakeholders.instructor_assign(actor=city.users["community_worker"], community=city.community, person=far,
                                       company=stake.company, term_start=TERM[0], term_end=TERM[1])
    assert exc.value.field == "person"
    assert not Instructor.objects.exists() and AuditEvent.objects.count() == before
    inst = stakeholders.instructor_assign(actor=city.users["community_worker"], community=city.community,
                                          person=stake.cadre, company=stake.company, term_start=TERM[0],
                                          term_end=TERM[1])
    stakeholders.instructor_visit_record(actor=city.users["community_worker"], instructor=inst, visited_on=TODAY,
                                         note="指导物业党建")
    assert inst.visits.count() == 1
    with pytest.raises(ValidationFailed):
        stakeholders.instructor_visit_record(actor=None, instructor=inst, visited_on=TODAY + datetime.timedelta(1),
                                             note="明天")


def test_a_project_manager_reports_in_once_a_year_to_each(city, stake):
    stakeholders.report_in_record(actor=city.users["grid_worker"], service=stake.service, to="grid",
                                  reported_on=TODAY)
    with pytest.raises(Conflict):
        stakeholders.report_in_record(actor=None, service=stake.service, to="grid", reported_on=TODAY)
    stakeholders.report_in_record(actor=None, service=stake.service, to="community", reported_on=TODAY)


def test_a_volunteer_team_lists_people_of_the_community(city, stake):
    team = stakeholders.volunteer_team_create(actor=city.users["community_worker"], unit=city.compound,
                                              name="红色志愿服务队", members=[stake.owner, stake.chair],
                                              leader=stake.chair)
    assert team.members.filter(leader=True).get().person_id == stake.chair.pk
    with pytest.raises(ValidationFailed):
        stakeholders.volunteer_team_create(actor=None, unit=city.compound, name="外区", members=[city.other_person])
