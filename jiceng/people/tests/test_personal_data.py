"""Identity and phone numbers: validated, encrypted at rest, found by HMAC, masked, reveals audited."""

import pytest
from django.db import connection

from jiceng.conftest import ID_R1
from jiceng.core.errors import Conflict, Forbidden, ValidationFailed
from jiceng.core.models import AuditEvent
from jiceng.core.pii import validate_id_number
from jiceng.people.selectors import people_search
from jiceng.people.services import person_create, person_reveal


def test_numbers_are_not_stored_in_clear(city):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_person WHERE id = %s", [city.resident_person.pk])
        row = " ".join(str(v) for v in cursor.fetchone())
    assert ID_R1 not in row and "13912345678" not in row
    assert city.resident_person.id_number_masked == "**************1230"
    assert city.resident_person.phone_masked == "139****5678"


def test_exact_search_by_identity_or_phone_uses_the_hmac(city):
    admin = city.users["city_admin"]
    assert list(people_search(user=admin, q=ID_R1)) == [city.resident_person]
    assert list(people_search(user=admin, q="139 1234 5678")) == [city.resident_person]
    assert list(people_search(user=admin, q="１３９１２３４５６７８")) == [city.resident_person]  # full-width


def test_the_check_digit_is_verified():
    with pytest.raises(ValidationFailed, match="check digit"):
        validate_id_number("141002199003071231")
    with pytest.raises(ValidationFailed, match="real date"):
        validate_id_number("141002199002301230")


def test_an_invalid_identity_number_writes_nothing(city):
    before = city.household.people.count()
    with pytest.raises(ValidationFailed):
        person_create(actor=city.users["grid_worker"], household=city.household, name="x", id_number="123")
    assert city.household.people.count() == before


def test_an_identity_number_is_registered_once_in_an_area(city):
    with pytest.raises(Conflict):
        person_create(actor=None, household=city.household, name="重复", id_number=ID_R1)
    with pytest.raises(Conflict):
        person_create(actor=city.users["grid_worker"], household=city.household, name="重复", id_number=ID_R1)


def test_reveal_is_for_roles_that_may_and_is_audited(city):
    value = person_reveal(actor=city.users["community_worker"], person=city.resident_person, field="id_number")
    assert value == ID_R1
    assert AuditEvent.objects.filter(action="person.reveal", actor=city.users["community_worker"]).count() == 1
    with pytest.raises(Forbidden):
        person_reveal(actor=city.users["grid_worker"], person=city.resident_person, field="phone")


def test_the_api_masks_numbers(client_for, city):
    data = client_for("grid_worker").get(f"/api/v1/people/{city.resident_person.pk}").json()
    assert data["id_number"] == "**************1230" and data["phone"] == "139****5678"


def test_the_api_explains_a_bad_identity_number(client_for, city):
    response = client_for("community_worker").post(
        "/api/v1/people", {"household": city.household.code, "name": "王五", "id_number": "141002199003071231"},
        content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 422
    assert response.json()["field"] == "id_number"
