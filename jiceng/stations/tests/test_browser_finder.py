"""In a real browser: a rider on a 390×844 phone finds the nearest station with hot water, open now."""

import pytest

from jiceng.conftest import build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _seed_amenities():
    from importlib import import_module

    from django.apps import apps

    import_module("jiceng.stations.migrations.0002_default_amenities").up(apps, None)


def test_a_rider_finds_the_nearest_open_station_with_hot_water(page):
    from jiceng.stations import walknet
    from jiceng.stations.services import position_create
    from jiceng.stations.tests.conftest import ALL_WEEK, lattice, offset

    city = build_city()
    _seed_amenities()
    walknet.network_replace(actor=None, source="lattice", arrays=lattice())

    def make(name, north, east, amenities, hours=ALL_WEEK):
        lat, lng = offset(north, east)
        return position_create(actor=None, unit=city.compound, level="station", name=name, lat=lat, lng=lng,
                               address="五一路12号", amenities=amenities, hours=hours)

    make("<b>近站</b>无热水", 0, 100, ["rest"])  # nearest, but no hot water (and a name that is not HTML)
    make("关门的热水站", 0, -100, ["hot_water"], hours={})  # hot water, but closed
    target = make("幸福热水驿站", 300, 200, ["hot_water", "charging"])
    make("远处热水站", -700, -600, ["hot_water"])

    page.set_viewport_size({"width": 390, "height": 844})
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 36.05, "longitude": 111.42})
    page.goto("/stations/find/")
    assert page.inner_text("h1") == "附近的驿站"
    page.select_option("#amenity", "hot_water")
    page.click("#find")
    page.wait_for_selector("#finder[data-done]")
    names = page.locator("#results .station-name").all_inner_texts()
    assert names == ["幸福热水驿站", "远处热水站"]
    first = page.inner_text("#results li:first-child")
    assert "500 m" in first and "7 分钟步行" in first and "00:00-23:59" in first
    # the list fits the phone's width: no horizontal scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("#results .station-name >> nth=0")
    page.wait_for_url(f"**/stations/p/{target.pk}/")
    assert "正在开放" in page.inner_text("main")

    # typed in from a Chinese map app (GCJ-02): the same answer
    from jiceng.core.geo import coords

    page.goto("/stations/find/")
    page.select_option("#amenity", "hot_water")
    page.click("#manual summary")
    lat, lng = coords.wgs84_to_gcj02(36.05, 111.42)
    page.fill("#lat", f"{lat:.7f}")
    page.fill("#lng", f"{lng:.7f}")
    page.select_option("#crs", "gcj02")
    page.click("#find")
    page.wait_for_selector("#finder[data-done]")
    assert page.locator("#results .station-name").all_inner_texts()[0] == "幸福热水驿站"

    # outside the city: a message in Chinese, no list
    page.fill("#lat", "39.9")
    page.fill("#lng", "116.4")
    page.select_option("#crs", "wgs84")
    page.evaluate("document.getElementById('finder').removeAttribute('data-done')")
    page.click("#find")
    page.wait_for_selector("#finder[data-done=error]")
    assert "不在本市范围内" in page.inner_text("#finder-status")
    assert page.outside_requests == []
