"""The map and charts show only the user's area: outside it the cockpit is a 404, and a street's map
carries nothing of the neighbouring street."""

import pytest

from jiceng.cockpit.tests.conftest import G1_POINT, cockpit_data, features_by_code

pytestmark = pytest.mark.django_db


def test_an_outsider_gets_404_for_a_unit_of_the_neighbouring_street(client_for, city):
    client = client_for("outsider")
    for unit in (city.street, city.community, city.grid, city.county):
        assert client.get(f"/cockpit/?unit={unit.code}").status_code == 404
        assert client.get(f"/cockpit/?unit={unit.code}&wall=1&measure=residents").status_code == 404


def test_an_outsiders_own_cockpit_shows_only_his_street(client_for, city, submit):
    submit(point=G1_POINT)  # a case in street S1
    response = client_for("outsider").get("/cockpit/")
    data = cockpit_data(response)
    assert set(features_by_code(data)) == {city.community2.code}
    assert data["bars"]["names"] == ["鼓楼社区"]
    assert sum(data["months"]["received"]) == 0  # S1's case is not his
    html = response.content.decode()
    assert "解放路街道" not in html and "五一路社区" not in html


def test_the_city_admin_sees_the_case_of_street_s1_in_the_city_series(client_for, city, submit):
    submit(point=G1_POINT)
    data = cockpit_data(client_for("city_admin").get("/cockpit/"))
    assert data["months"]["received"][-1] == 1


def test_breadcrumbs_link_only_units_inside_the_users_area(city, client_for):
    html = client_for("community_worker").get("/cockpit/").content.decode()
    street_link = f'href="?unit={city.street.code}"'
    assert street_link not in html and city.street.name in html  # named, not linked
    html = client_for("city_admin").get(f"/cockpit/?unit={city.community.code}").content.decode()
    assert street_link in html
