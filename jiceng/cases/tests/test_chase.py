"""Chase-up (催办) of a supervision card (issue 18 item 10): a supervisor over the card's holding unit
tells the handling unit, the chase is on the case timeline and in the audit log, a second chase within
an hour is refused with a clear message; outside the area 404, in the area without the role 403."""

import datetime

import pytest
from django.utils import timezone

from jiceng.cases.models import CaseEvent
from jiceng.cases.services import case_breach, case_chase
from jiceng.core.errors import Forbidden, NotFound, ValidationFailed
from jiceng.core.models import AuditEvent, Notification


@pytest.fixture
def card(submit):
    case = submit()
    case_breach(case=case, now=timezone.now())
    return case.cards.select_related("unit").get()


def test_a_street_official_chases_up_the_handling_unit(card, city):
    now = timezone.now()
    card = case_chase(actor=city.users["street_official"], card=card, now=now)
    assert card.data["chases"] == 1
    step = CaseEvent.objects.get(action="chase")
    assert city.community.name in step.comment and step.actor == city.users["street_official"]
    told = Notification.objects.get(kind="card.chase")
    assert told.unit_path == city.community.path and step.case.code in told.text
    assert AuditEvent.objects.filter(action="case.chase").count() == 1


def test_a_second_chase_within_the_hour_is_refused_then_allowed(card, city):
    now = timezone.now()
    case_chase(actor=city.users["street_official"], card=card, now=now)
    with pytest.raises(ValidationFailed) as refused:
        case_chase(actor=city.users["city_admin"], card=card, now=now + datetime.timedelta(minutes=20))
    assert refused.value.code == "chased_recently" and "again" in refused.value.message
    assert CaseEvent.objects.filter(action="chase").count() == 1
    case_chase(actor=city.users["city_admin"], card=card, now=now + datetime.timedelta(minutes=61))
    assert CaseEvent.objects.filter(action="chase").count() == 2


@pytest.mark.parametrize(("persona", "error"), [("outsider", NotFound), ("resident", NotFound),
                                                ("grid_worker", NotFound), ("community_worker", Forbidden),
                                                ("party_member", Forbidden)])
def test_who_may_not_chase(card, city, persona, error):
    with pytest.raises(error):
        case_chase(actor=city.users[persona], card=card)
    assert not CaseEvent.objects.filter(action="chase").exists()


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("resident", 404), ("community_worker", 403)])
def test_the_chase_page_refuses_outside_and_without_the_role(card, client_for, persona, status):
    assert client_for(persona).post(f"/cases/cards/{card.pk}/chase/").status_code == status


def test_the_page_says_why_a_second_chase_is_refused(card, city, client_for):
    client = client_for("street_official")
    back = f"/cases/board/?unit={city.street.code}"
    assert client.post(f"/cases/cards/{card.pk}/chase/", {"next": back}).url == back
    page = client.post(f"/cases/cards/{card.pk}/chase/", {"next": back}, follow=True).content.decode()
    assert "chased up again from" in page or "可再次催办" in page


def test_the_board_names_the_supervising_unit_not_only_the_handler(card, city, client_for):
    page = client_for("street_official").get(f"/cases/board/?unit={city.street.code}").content.decode()
    assert f'class="supervisor">{card.unit.name}<' in page
    assert city.grid.name in page  # the unit that missed the deadline
