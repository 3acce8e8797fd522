"""Drilling down: each unit on the map links to its own cockpit, keeping the wall mode and the measure;
below a community the map shows the unit's own outline, which links nowhere."""

import pytest

from jiceng.cockpit.tests.conftest import cockpit_data, features_by_code

pytestmark = pytest.mark.django_db


def test_the_city_map_links_each_county_to_its_cockpit(client_for, city):
    data = cockpit_data(client_for("city_admin").get("/cockpit/"))
    assert features_by_code(data)[city.county.code]["href"] == f"?unit={city.county.code}"
    assert data["bars"]["hrefs"] == [f"?unit={city.county.code}"]


def test_links_keep_the_wall_mode_and_the_chosen_measure(client_for, city):
    response = client_for("city_admin").get(f"/cockpit/?unit={city.street.code}&wall=1&measure=residents")
    link = f"?unit={city.community.code}&measure=residents&wall=1"
    assert features_by_code(cockpit_data(response))[city.community.code]["href"] == link
    html = response.content.decode()
    assert 'class="wall cockpit-wall"' in html.replace("cockpit-page ", "")
    assert f'href="?unit={city.county.code}&amp;measure=residents&amp;wall=1"' in html  # the crumbs
    assert f'href="?unit={city.street.code}&amp;measure=residents"' in html  # leaving the wall mode
    assert '<input type="hidden" name="wall" value="1">' in html  # the measure form keeps it too


def test_a_community_map_shows_its_grids(client_for, city):
    data = cockpit_data(client_for("community_worker").get("/cockpit/"))
    assert set(features_by_code(data)) == {city.grid.code, city.grid_b.code}


def test_a_grid_shows_its_own_outline_only_without_a_link(client_for, city):
    response = client_for("grid_worker").get("/cockpit/")
    features = features_by_code(cockpit_data(response))
    assert list(features) == [city.grid.code] and features[city.grid.code]["href"] == ""
    assert response.context["children"] == []


def test_a_resident_sees_a_map_without_outline_and_no_error(client_for, city):
    response = client_for("resident").get("/cockpit/")
    assert response.status_code == 200
    data = cockpit_data(response)
    assert data["map"]["features"] == [] and response.context["map"]["without_outline"] == [city.household.name]


def test_no_cockpit_page_reloads_itself_and_staff_get_a_link_to_the_wall_display(client_for, city):
    """The wall display refreshes its figures in place (cockpit/tests/test_wall.py), never by a full reload."""
    client = client_for("city_admin")
    for url in ("/cockpit/?wall=1", "/cockpit/"):
        html = client.get(url).content.decode()
        assert 'http-equiv="refresh"' not in html and f"/cockpit/wall/?unit={city.city.code}" in html
    assert "/cockpit/wall/" not in client_for("resident").get("/cockpit/").content.decode()


def test_a_street_without_communities_shows_its_own_outline(client_for, city):
    from jiceng.orgs.services import unit_create

    street = unit_create(actor=None, parent=city.county, kind="street", code="141002003", name="新街道",
                         geometry={"type": "Polygon", "coordinates": [[[111.6, 36.0], [111.7, 36.0], [111.7, 36.1],
                                                                       [111.6, 36.0]]]})
    response = client_for("city_admin").get(f"/cockpit/?unit={street.code}")
    data = cockpit_data(response)
    assert list(features_by_code(data)) == [street.code] and data["bars"]["names"] == ["新街道"]
    assert response.context["children"] == []
