"""In a real browser: the cockpit draws the map of the units below and both charts without the internet,
drills down on a click, and the wall display fits a 1920×1080 screen."""

import pytest

from jiceng.conftest import browser_login, build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_cockpit_draws_map_and_charts_and_drills_down_on_the_wall(page):
    from jiceng.cases.models import Category
    from jiceng.cases.services import case_submit
    from jiceng.network import routing

    routing.reset_index()
    city = build_city()
    case_submit(actor=None, category=Category.objects.get(code="E0101"), lat=36.05, lng=111.42,
                description="楼下垃圾堆放多日无人清理", source="api")
    browser_login(page, "city_admin", "pass-city_admin")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"/cockpit/?unit={city.county.code}&wall=1")
    page.wait_for_selector("#chart-months .main-svg")
    page.wait_for_selector("#chart-scores .main-svg")
    page.wait_for_selector("#cockpit-map path.leaflet-interactive")
    assert page.locator("#cockpit-map path.leaflet-interactive").count() == 2  # the two streets
    assert page.locator("#chart-months .trace.bars .point").count() == 12  # a bar per month
    assert page.locator("#chart-scores .trace.bars .point").count() == 2  # a bar per street
    labels = page.locator(".cockpit-map-label").all_inner_texts()
    assert sorted(labels) == ["解放路街道", "鼓楼南街道"]
    assert "A ≥ 90" in page.inner_text("#cockpit-legend")  # the score is coloured by grade
    # The wall display: tiles, map and charts on one 1920×1080 screen.
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    map_box, chart_box = page.locator("#cockpit-map").bounding_box(), page.locator("#chart-scores").bounding_box()
    assert map_box["height"] > 400 and chart_box["y"] + chart_box["height"] <= 1080
    # Another measure, then a click on street S1 drills down and keeps the wall mode and the measure.
    page.select_option("#measure", "residents")
    page.wait_for_url("**measure=residents**")
    page.wait_for_selector("#chart-scores .main-svg")
    assert "居民" in page.inner_text("#cockpit-legend")
    page.locator("#cockpit-map path.leaflet-interactive").first.hover()
    assert page.inner_text(".leaflet-tooltip").split() == ["解放路街道", "居民:", "2"]  # 张伟 and 李娜
    page.locator("#cockpit-map path.leaflet-interactive").first.click()
    page.wait_for_url(f"**unit={city.street.code}**")
    assert "measure=residents" in page.url and "wall=1" in page.url
    page.wait_for_selector("#cockpit-map path.leaflet-interactive")
    assert page.locator("#cockpit-map path.leaflet-interactive").count() == 1  # street S1: one community
    assert page.outside_requests == []
