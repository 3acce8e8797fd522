"""Attack: read the city's cases through Open311 and the public pages (issue 10, item 1; item 7 for
the public timeline).

An anonymous client lists only published cases (publishable category, public channel, reporter's
consent), with points snapped to 100 m, no address, no grid and no personal numbers; a case code alone
reads a status; an api_key reads in full only its own jurisdiction; the duplicate hint names no code."""

import math

import pytest
from django.test import Client

from jiceng.cases.models import Category
from jiceng.cases.public import SNAP_M, snap
from jiceng.cases.services import case_submit, open311_key_create, open311_key_revoke

PHONE = "13912345678"


@pytest.fixture
def cases(city):
    def make(code="E0101", point=(36.05123, 111.42345), **kw):
        kw.setdefault("description", f"东门垃圾满溢，请联系{PHONE}")
        case, _ = case_submit(actor=kw.pop("actor", None), category=Category.objects.get(code=code),
                              lat=point[0], lng=point[1], **kw)
        return case

    return {
        "public": make(source="phone", publish=True, address="五一路12号幸福小区1号楼1单元101室"),
        "no_consent": make(source="phone", publish=False),
        "hotline": make(source="hotline", publish=True, actor=city.users["grid_worker"]),
        "dispute": make(code="S0101", source="phone", publish=True, description="邻居张三家漏水"),
        "other_street": make(source="open311", publish=False, point=(36.05, 111.55)),
    }


def _ids(rows):
    return {r["service_request_id"] for r in rows}


def test_anonymous_lists_only_published_cases_snapped_without_personal_data(cases):
    r = Client().get("/open311/v2/requests.json")
    assert r.status_code == 200
    rows = r.json()
    assert _ids(rows) == {cases["public"].code}
    row = rows[0]
    case = cases["public"]
    assert (row["lat"], row["long"]) == snap(case.lat, case.lng) != (case.lat, case.lng)
    moved = math.hypot((row["lat"] - case.lat) * 111_195, (row["long"] - case.lng) * 111_195 *
                       math.cos(math.radians(case.lat)))
    assert moved <= SNAP_M  # within the 100 m cell, and not the door
    assert row["address"] == "" and PHONE not in row["description"] and "***" in row["description"]
    assert row["agency_responsible"] == ""  # a grid's name would place the reporter
    xml = Client().get("/open311/v2/requests.xml").content.decode()
    for other in ("no_consent", "hotline", "dispute", "other_street"):
        assert cases[other].code not in xml


def test_a_code_alone_reads_the_status_and_nothing_else(cases):
    for name in ("no_consent", "hotline", "dispute"):
        row = Client().get(f"/open311/v2/requests/{cases[name].code}.json").json()[0]
        assert row["status"] == "open" and row["description"] == "" and row["lat"] is None
        assert row["address"] == "" and row["agency_responsible"] == ""
    r = Client().get(f"/api/v1/public/cases/{cases['dispute'].code}")
    assert r.status_code == 200 and "漏水" not in r.content.decode()


def test_a_key_reads_in_full_only_its_jurisdiction(city, cases):
    _row, key = open311_key_create(actor=None, name="街道App", unit=city.street)
    rows = Client().get(f"/open311/v2/requests.json?api_key={key}").json()
    by_id = {r["service_request_id"]: r for r in rows}
    # every case of street S1, in full; nothing unpublished of street S2
    assert set(by_id) == {cases[n].code for n in ("public", "no_consent", "hotline", "dispute")}
    assert by_id[cases["dispute"].code]["description"] == "邻居张三家漏水"
    assert by_id[cases["hotline"].code]["lat"] == cases["hotline"].lat
    other = Client().get(f"/open311/v2/requests/{cases['other_street'].code}.json?api_key={key}").json()[0]
    assert other["description"] == "" and other["lat"] is None
    # a request located outside the jurisdiction is refused
    r = Client().post("/open311/v2/requests.json", {"api_key": key, "service_code": "E0101", "lat": "36.05",
                                                    "long": "111.55", "description": "x"})
    assert r.status_code == 400


def test_a_revoked_or_made_up_key_reads_nothing_more(city, cases):
    row, key = open311_key_create(actor=None, name="旧App", unit=city.city)
    open311_key_revoke(actor=city.users["city_admin"], key=row)
    assert Client().get(f"/open311/v2/requests.json?api_key={key}").status_code == 403
    assert Client().get("/open311/v2/requests.json?api_key=demo-open311-key").status_code == 403


def test_an_open311_request_is_public_unless_the_client_says_no(city):
    _row, key = open311_key_create(actor=None, name="市民App", unit=city.city)
    body = {"api_key": key, "service_code": "E0101", "lat": "36.05", "long": "111.42", "description": "垃圾"}
    yes = Client().post("/open311/v2/requests.json", body).json()[0]["service_request_id"]
    no = Client().post("/open311/v2/requests.json", {**body, "description": "垃圾2", "attribute[public]": "false"}
                       ).json()[0]["service_request_id"]
    assert _ids(Client().get("/open311/v2/requests.json").json()) == {yes} and no != yes


def test_the_discovery_document_advertises_no_key(city):
    text = Client().get("/open311/v2/discovery.json").content.decode()
    assert "demo-open311-key" not in text


def test_the_duplicate_hint_links_only_published_cases(cases):
    """The hint offers "same problem: follow it" for a published case (already listed on /cases/public/);
    an unpublished case nearby is neither named nor linked."""
    r = Client().get("/cases/report/duplicates/?category=E0101&lat=36.0512&lng=111.4234")
    text = r.content.decode()
    assert "暴露垃圾" in text
    assert not any(c.code in text for k, c in cases.items() if k != "public")
    assert "五一路12号" not in text and "东门垃圾满溢" not in text
    assert "邻里纠纷" not in Client().get("/cases/report/duplicates/?category=S0101&lat=36.0512&lng=111.4234"
                                       ).content.decode()


def test_public_timelines_name_role_and_unit_never_a_username(city, cases):
    from jiceng.cases.services import case_act

    case = cases["public"]
    case_act(actor=city.users["grid_worker"], case=case, action="register", version=case.version)
    body = Client().get(f"/api/v1/public/cases/{case.code}").json()
    actors = [e["actor"] for e in body["timeline"]]
    assert any("第一网格" in a for a in actors)
    assert all("grid_worker" not in a for a in actors)
    page = Client().get(f"/cases/follow/{case.code}/").content.decode()
    assert "第一网格" in page and "grid_worker" not in page
