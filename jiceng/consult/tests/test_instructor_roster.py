"""Instructors are recorded once: the roster in neworgs (the lower app) is what a new organization's party-work
coverage and consult's assignment to a property company both point at; the data migrations move the old
free-text names and assignments onto it."""

import datetime
import importlib

from django.apps import apps
from django.utils import timezone

from jiceng.consult import stakeholders
from jiceng.consult.models.stakeholders import Instructor as Assignment
from jiceng.neworgs.models import Instructor, NewOrg
from jiceng.neworgs.services import neworg_create, neworg_update
from jiceng.neworgs.tests.conftest import code, station_fields

TODAY = timezone.localdate()
TERM = (TODAY - datetime.timedelta(days=1), TODAY + datetime.timedelta(days=3 * 365))


def _assign(city, stake):
    return stakeholders.instructor_assign(actor=city.users["community_worker"], community=city.community,
                                          person=stake.cadre, company=stake.company, term_start=TERM[0],
                                          term_end=TERM[1])


def test_an_assignment_and_a_new_organization_share_one_roster_entry(city, stake):
    assignment = _assign(city, stake)
    entry = assignment.roster
    assert (entry.unit_id, entry.person_id, entry.name) == (city.community.pk, stake.cadre.pk, "孙丽")
    org = neworg_create(actor=city.users["grid_worker"], **station_fields(work_coverage="instructor",
                                                                         work_contact="孙丽"))
    assert org.instructor_id == entry.pk
    assert Instructor.objects.count() == 1
    assert list(entry.orgs.all()) == [org]


def test_a_name_written_on_an_organization_first_is_tied_to_the_person_when_assigned(city, stake):
    org = neworg_create(actor=None, **station_fields(work_coverage="liaison", work_contact="孙丽"))
    entry = org.instructor
    assert entry.person_id is None and entry.role == "liaison" and entry.unit_id == city.community.pk
    assert _assign(city, stake).roster_id == entry.pk
    entry.refresh_from_db()
    assert entry.person_id == stake.cadre.pk and Instructor.objects.count() == 1


def test_clearing_the_coverage_unlinks_the_organization(city):
    org = neworg_create(actor=None, **station_fields(work_coverage="instructor", work_contact="王敏"))
    assert org.instructor is not None
    org = neworg_update(actor=None, org=org, work_coverage="none")
    org.refresh_from_db()
    assert org.instructor_id is None and org.work_contact == ""


def test_the_data_migrations_move_old_records_onto_the_roster(city, stake):
    org = neworg_create(actor=None, **station_fields(work_coverage="instructor", work_contact="孙丽"))
    twin = neworg_create(actor=None, **station_fields(credit_code=code(), work_coverage="instructor",
                                                      work_contact="孙丽"))
    assignment = _assign(city, stake)
    # As before the roster: free text on the organizations, assignments pointing nowhere.
    NewOrg.objects.update(instructor=None)
    Assignment.objects.update(roster=None)
    Instructor.objects.all().delete()

    importlib.import_module("jiceng.neworgs.migrations.0002_instructor_roster").link_work_contacts(apps, None)
    importlib.import_module("jiceng.consult.migrations.0003_instructor_roster").link_roster(apps, None)

    entry = Instructor.objects.get()
    assert entry.name == "孙丽" and entry.person_id == stake.cadre.pk and entry.unit_id == city.community.pk
    assert set(NewOrg.objects.values_list("instructor_id", flat=True)) == {entry.pk}
    assignment.refresh_from_db()
    assert assignment.roster_id == entry.pk and {org.pk, twin.pk} == set(entry.orgs.values_list("pk", flat=True))


def test_the_bulk_writer_uses_the_same_roster(city, stake):
    from jiceng.neworgs.roster import instructors_for_people

    written = neworg_create(actor=None, **station_fields(work_coverage="instructor", work_contact="孙丽")).instructor
    rows = instructors_for_people([(city.community, stake.cadre), (city.community, stake.manager),
                                   (city.community, stake.cadre)])
    assert rows[(city.community.pk, stake.cadre.pk)].pk == written.pk
    written.refresh_from_db()
    assert written.person_id == stake.cadre.pk
    assert rows[(city.community.pk, stake.manager.pk)].name == "郑海" and Instructor.objects.count() == 2
    assert instructors_for_people([(city.community, stake.manager)])[(city.community.pk, stake.manager.pk)].pk == \
        rows[(city.community.pk, stake.manager.pk)].pk
