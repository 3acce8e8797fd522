"""Pages: the grid worker registers from patrol, the gap list shows the courier station, a joint branch is
recorded on its page and it leaves the list; the cockpit figure moves. Bad codes are field errors in Chinese."""

from jiceng.core.testing import assert_queries
from jiceng.neworgs.models import NewOrg
from jiceng.neworgs.services import neworg_create
from jiceng.neworgs.tests.conftest import code, station_fields

FORM = {"name": "中通快递五一路站", "kind": "courier_station", "lat": "36.05", "lng": "111.42", "crs": "wgs84",
        "address": "五一路18号", "employees": "9", "party_members": "4", "org_coverage": "none",
        "work_coverage": "none"}


def test_the_patrol_page_links_to_the_registration(city, client_for):
    page = client_for("grid_worker").get("/cases/patrol/").content.decode()
    assert "/neworgs/new/" in page


def test_the_done_when_journey(city, client_for):
    worker, community = client_for("grid_worker"), client_for("community_worker")
    r = worker.post("/neworgs/new/", {**FORM, "credit_code": code()})
    assert r.status_code == 302
    org = NewOrg.objects.get()
    gaps = community.get(f"/neworgs/gaps/?unit={city.community.code}").content.decode()
    assert "中通快递五一路站" in gaps
    before = community.get(f"/cockpit/?unit={city.community.code}").content.decode()
    assert 'data-key="new_orgs_party_org_coverage"><div class="value">0%' in before
    r = worker.post(f"/neworgs/{org.pk}/", {**FORM, "credit_code": org.credit_code, "org_coverage": "joint",
                                             "branch_name": "五一路快递物流联合党支部", "branch_since": "2026-12-01"})
    assert r.status_code == 302
    gaps = community.get(f"/neworgs/gaps/?unit={city.community.code}").content.decode()
    assert "中通快递五一路站" not in gaps
    after = community.get(f"/cockpit/?unit={city.community.code}").content.decode()
    assert 'data-key="new_orgs_party_org_coverage"><div class="value">100%' in after


def test_a_wrong_check_character_is_a_chinese_field_error_and_nothing_is_written(city, client_for):
    good = code()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    r = client_for("grid_worker").post("/neworgs/new/", {**FORM, "credit_code": bad}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 422
    assert "校验码" in r.content.decode() and 'id="error-credit_code"' in r.content.decode()
    assert not NewOrg.objects.exists()
    r = client_for("grid_worker").post("/api/v1/neworgs/orgs", {**FORM, "credit_code": bad, "lat": 36.05,
                                                                  "lng": 111.42, "employees": 9, "party_members": 4},
                                       content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 422 and r.json()["field"] == "credit_code" and "校验码" in r.json()["detail"]
    assert not NewOrg.objects.exists()


def test_list_pages_have_pinned_query_counts(city, client_for):
    for i in range(12):
        neworg_create(actor=None, **station_fields(party_members=i % 5, lng=111.42 + (i % 2) * 0.05))
    client = client_for("city_admin")
    client.get("/neworgs/")  # warm the session and grants
    with assert_queries(8, label="registry page"):  # coverage and total from the per-child GROUP BY
        assert client.get(f"/neworgs/?unit={city.street.code}").status_code == 200
    with assert_queries(7, label="gap list"):
        assert client.get(f"/neworgs/gaps/?unit={city.city.code}").status_code == 200
    for i in range(12):
        neworg_create(actor=None, **station_fields(party_members=4, lng=111.42 + (i % 2) * 0.05))
    with assert_queries(7, label="gap list, more rows"):
        assert client.get(f"/neworgs/gaps/?unit={city.city.code}").status_code == 200


def test_outside_the_area_an_organization_is_not_found(city, client_for, station):
    assert client_for("outsider").get(f"/neworgs/{station.pk}/").status_code == 404
    assert client_for("outsider").get(f"/api/v1/neworgs/orgs/{station.pk}").status_code == 404
    assert client_for("outsider").get(f"/neworgs/gaps/?unit={city.community.code}").status_code == 404
