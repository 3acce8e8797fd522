import datetime

import pytest
from django.utils import timezone

from jiceng.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from jiceng.core.models import AuditEvent
from jiceng.people.models import Person
from jiceng.workforce import services
from jiceng.workforce.models import GradeStep, Worker
from jiceng.workforce.tests.conftest import hire, make_id


def test_the_county_recruits_a_worker_from_the_people_registry(city, wf):
    worker = hire(10, city.community, actor=city.users["city_admin"], post="deputy")
    assert "*" in worker.person.id_number_masked and worker.person.id_number_masked.endswith(make_id(10)[-4:])
    assert worker.person.id_number_enc and worker.person.id_number_hash
    assert worker.grade == 4 + 1  # deputy band low 4, bachelor credit 3 years = +1
    assert GradeStep.objects.filter(worker=worker).count() >= 1
    assert AuditEvent.objects.filter(action="worker.create", object_id=str(worker.pk)).exists()


def test_a_street_official_may_not_recruit(city, wf):
    with pytest.raises(Forbidden):
        hire(11, city.community, actor=city.users["street_official"])


def test_an_identity_number_with_a_wrong_check_digit_is_refused_and_nothing_written(city, wf):
    bad = make_id(12)[:-1] + ("0" if make_id(12)[-1] != "0" else "1")
    before = (Person.objects.count(), Worker.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        services.worker_create(actor=None, community=city.community, post="other", channel="open",
                               hire_date=datetime.date(2020, 1, 1), education="bachelor", name="错号",
                               id_number=bad)
    assert exc.value.field == "id_number"
    assert (Person.objects.count(), Worker.objects.count()) == before


def test_a_hire_date_in_the_future_is_refused(city, wf):
    with pytest.raises(ValidationFailed) as exc:
        hire(13, city.community, hire_date=timezone.localdate() + datetime.timedelta(days=1))
    assert exc.value.field == "hire_date"
    assert not Worker.objects.filter(person__name="工作者13").exists()


def test_a_grade_outside_the_posts_band_is_refused(city, wf):
    with pytest.raises(ValidationFailed) as exc:
        hire(14, city.community, post="other", grade=13)
    assert exc.value.field == "grade" and "1–12" in str(exc.value.message)
    assert not Person.objects.filter(name="工作者14").exists()


def test_the_street_transfers_between_its_own_communities_only(city, wf):
    street_official = city.users["street_official"]
    other_community = services.worker_create  # noqa: F841 (readability)
    from jiceng.orgs import services as org_services

    k3 = org_services.unit_create(actor=None, parent=city.street, kind="community", code="141002001002", name="三社区")
    services.worker_transfer(actor=street_official, worker=wf.staff, community=k3)
    wf.staff.refresh_from_db()
    assert wf.staff.community == k3 and wf.staff.unit_path == k3.path
    with pytest.raises(NotFound):
        services.worker_transfer(actor=street_official, worker=wf.staff, community=city.community2)
    with pytest.raises(ValidationFailed):
        services.worker_transfer(actor=None, worker=wf.staff, community=city.community2)


def test_the_street_suspends_and_ends_but_the_community_may_not(city, wf):
    with pytest.raises(Forbidden):
        services.worker_status_set(actor=city.users["community_worker"], worker=wf.staff, status="suspended",
                                   reason="病假")
    services.worker_status_set(actor=city.users["street_official"], worker=wf.staff, status="suspended", reason="病假")
    services.worker_status_set(actor=city.users["street_official"], worker=wf.staff, status="ended", reason="辞职")
    with pytest.raises(Conflict):
        services.worker_status_set(actor=city.users["street_official"], worker=wf.staff, status="active")


def test_the_community_enters_attendance_for_its_own_workers(city, wf):
    month = timezone.localdate().replace(day=1)
    row = services.attendance_set(actor=city.users["community_worker"], worker=wf.staff, month=month,
                                  days_required=22, days_present=20)
    assert row.days_present == 20
    with pytest.raises(NotFound):
        services.attendance_set(actor=city.users["community_worker"], worker=wf.other, month=month,
                                days_required=22, days_present=20)
    with pytest.raises(ValidationFailed):
        services.attendance_set(actor=city.users["community_worker"], worker=wf.staff, month=month,
                                days_required=22, days_present=23)


def test_the_same_person_cannot_hold_two_posts(city, wf):
    with pytest.raises(Conflict):
        hire(2, city.community)
