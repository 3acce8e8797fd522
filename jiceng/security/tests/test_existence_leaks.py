"""Issue 10, item 6: an official of the neighbouring street (the "outsider", street S2) probes whether an
identity number is registered in street S1, and tries to get a S1 resident's real name attached to
their own records.

Outside one's area a registered number is answered exactly like an unknown one. What happens then, by
design: a SECOND record is made in the outsider's household (with the outsider's data); the record in
S1 is neither linked, nor changed, nor revealed. People above both areas see the two records.
"""

import io

import openpyxl
import pytest

from jiceng.conftest import ID_R1
from jiceng.people.models import Person

UNKNOWN_ID = "110101198001010010"  # valid check digit, registered nowhere


def _create(client, household, id_number, name="探子"):
    return client.post("/api/v1/people", {"household": household.code, "name": name, "id_number": id_number},
                       content_type="application/json")


def _answer(response):
    body = response.json()
    return response.status_code, {k: v for k, v in body.items() if k not in ("id", "id_number", "age", "gender")}


def test_person_create_answers_a_number_registered_elsewhere_like_an_unknown_one(client_for, city):
    outsider = client_for("outsider")
    known, unknown = _create(outsider, city.household2, ID_R1), _create(outsider, city.household2, UNKNOWN_ID)
    assert _answer(known) == _answer(unknown)
    assert known.status_code == 201 and "张伟" not in known.content.decode()
    # A second record, in the outsider's household, with the outsider's data; the S1 record is untouched
    # and still invisible to the outsider.
    twins = Person.objects.filter(id_number_hash=city.resident_person.id_number_hash).order_by("id")
    assert [(p.name, p.household_id) for p in twins] == [("张伟", city.household.pk), ("探子", city.household2.pk)]
    assert outsider.get(f"/api/v1/people/{city.resident_person.pk}").status_code == 404
    # The county official above both sees both records side by side.
    from jiceng.people.selectors import people_registered_twice

    assert set(people_registered_twice(user=city.users["city_admin"])) == set(twins)
    assert list(people_registered_twice(user=city.users["outsider"])) == []


def test_inside_the_area_a_registered_number_is_refused(client_for, city):
    response = _create(client_for("community_worker"), city.household, ID_R1)
    assert response.status_code == 409
    assert Person.objects.filter(id_number_hash=city.resident_person.id_number_hash).count() == 1


def _sheet(rows):
    book = openpyxl.Workbook()
    book.active.append(["姓名", "性别", "出生日期", "身份证号", "电话", "户代码"])
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "people.xlsx"
    return data


@pytest.mark.parametrize("number", [ID_R1, UNKNOWN_ID])
def test_the_people_import_answers_a_number_registered_elsewhere_like_an_unknown_one(client_for, city, number):
    response = client_for("outsider").post(
        "/api/v1/people/import", {"file": _sheet([["探子", None, None, number, None, city.household2.code]])})
    assert (response.status_code, response.json()) == (201, {"created": 1})
    assert not Person.objects.filter(name="张伟", household=city.household2).exists()


def test_the_people_import_refuses_a_number_registered_inside_the_area(client_for, city):
    response = client_for("street_official").post(
        "/api/v1/people/import", {"file": _sheet([["重复", None, None, ID_R1, None, city.household.code]])})
    assert response.status_code == 422
    assert "already registered" in str(response.json()) or "已登记" in str(response.json())


def _members_sheet(rows):
    book = openpyxl.Workbook()
    book.active.append(["name", "id_number", "phone", "community", "skills", "employer"])
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "members.xlsx"
    return data


def test_the_members_upload_never_attaches_a_name_from_outside_the_uploaders_area(client_for, city):
    response = client_for("outsider").post(
        "/api/v1/mobilize/members/upload",
        {"file": _members_sheet([["某某", ID_R1, "", city.community2.code, "", "临汾市税务局"]])})
    assert response.status_code == 201, response.content
    from jiceng.mobilize.models import Member

    member = Member.objects.get(community=city.community2)
    assert member.name == "某某" and member.person_id != city.resident_person.pk
    assert member.person.unit_path == city.community2.path
    assert not Member.objects.filter(person=city.resident_person).exists()
    # Uploading again from inside the area finds the registered resident (same area, same record).
    inside = client_for("street_official").post(
        "/api/v1/mobilize/members/upload",
        {"file": _members_sheet([["随便写", ID_R1, "", city.community.code, "", "临汾市税务局"]])})
    assert inside.status_code == 201, inside.content
    assert Member.objects.get(community=city.community).person_id == city.resident_person.pk
