"""In a real browser: the grid map renders from local Leaflet with no base map, and nothing leaves 127.0.0.1."""

import pytest

from jiceng.conftest import browser_login, build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_map_of_a_community_draws_its_grids_without_any_outside_request(page):
    city = build_city()
    browser_login(page, "community_worker", "pass-community_worker")
    page.wait_for_load_state()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"/network/?unit={city.community.code}&figure=households")
    page.wait_for_selector("#grid-map[data-loaded='2']", timeout=15000)
    assert page.locator("#grid-map path.leaflet-interactive").count() == 2
    assert page.locator("#grid-map .leaflet-tile").count() == 0  # no base map by default
    assert "网格" in page.inner_text("h1")
    page.locator("#grid-map path.leaflet-interactive").first.click(force=True)
    page.wait_for_selector(".leaflet-popup-content a")
    assert page.outside_requests == []
    assert requests and all(u.startswith(("http://127.0.0.1", "http://localhost")) for u in requests), requests


def test_the_grid_page_and_integrity_report_render(page):
    city = build_city()
    browser_login(page, "city_admin", "pass-city_admin")
    page.wait_for_load_state()
    page.goto(f"/network/grids/{city.grid.code}/")
    assert "幸福小区" in page.inner_text("main")
    page.goto(f"/network/integrity/{city.community.code}/")
    assert page.locator("h1").count() == 1
    assert page.outside_requests == []
