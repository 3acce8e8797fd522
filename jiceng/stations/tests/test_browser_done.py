"""In a real browser, issue 12's Done-when on a small city: the cockpit shows the six figures live;
closing the compound station lowers the share of residents within 15 minutes once the background worker
has run; the siting page proposes a station for the community that lost its coverage and says how many
residents it would cover."""

import pytest
from django.core.management import call_command

from jiceng.conftest import browser_login, build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIX = ["service_centres_city", "service_centres_county", "service_centres_street", "service_centres_community",
       "compound_stations", "residents_within_15min_share"]


def _figures(page) -> dict:
    return {key: page.inner_text(f'.figure[data-key="{key}"] .value') for key in SIX}


def _worker():
    """What `manage.py db_worker` does in production: run the queued tasks (here once, then stop)."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")


def test_cockpit_figures_closing_a_station_and_siting(page, settings):
    from django_tasks_db.models import DBTaskResult

    from jiceng.orgs.models import Unit
    from jiceng.stations import walknet
    from jiceng.stations.models import ServicePosition
    from jiceng.stations.services import position_create
    from jiceng.stations.tests.conftest import ALL_WEEK, LAT0, LNG0, lattice, offset
    from jiceng.stations.tests.test_browser_finder import _seed_amenities

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # the real worker's queue
    city = build_city()
    _seed_amenities()
    walknet.network_replace(actor=None, source="lattice", arrays=lattice())
    Unit.objects.filter(pk=city.building.pk).update(lat=LAT0, lng=LNG0)  # its household: 2 residents
    site = offset(0, 800)
    Unit.objects.filter(pk=city.compound.pk).update(lat=site[0], lng=site[1])  # the compound's own point
    corner = offset(-1000, -1000)  # the centres sit 2 km (on the lattice) from the building
    for unit, level, name in ((city.city, "city", "市党群服务中心"), (city.county, "county", "区党群服务中心"),
                              (city.street, "street", "街道党群服务中心"),
                              (city.community, "community", "社区党群服务中心")):
        position_create(actor=None, unit=unit, level=level, name=name, lat=corner[0], lng=corner[1],
                        address="中心路", hours=ALL_WEEK)
    station = position_create(actor=None, unit=city.compound, level="station", name="幸福驿站", lat=site[0],
                              lng=site[1], address="五一路", hours=ALL_WEEK, amenities=["hot_water"])
    assert DBTaskResult.objects.filter(status="READY").exists()  # queued for the worker, not run inline
    _worker()

    browser_login(page, "city_admin", "pass-city_admin")
    page.goto(f"/cockpit/?unit={city.city.code}")
    shown = _figures(page)
    assert shown == {"service_centres_city": "1", "service_centres_county": "1", "service_centres_street": "1",
                     "service_centres_community": "1", "compound_stations": "1",
                     "residents_within_15min_share": "100%"}, shown

    # the community worker closes the station on its page
    page.context.clear_cookies()
    browser_login(page, "community_worker", "pass-community_worker")
    page.goto(f"/stations/positions/{station.pk}/")
    page.select_option("select[name=state]", "closed")
    page.click("form[action$='/state/'] button")
    page.wait_for_load_state()
    assert ServicePosition.objects.get(pk=station.pk).state == "closed"
    page.context.clear_cookies()
    browser_login(page, "city_admin", "pass-city_admin")
    page.goto(f"/cockpit/?unit={city.city.code}")
    before_worker = _figures(page)
    assert before_worker["compound_stations"] == "0"  # counted live
    assert before_worker["residents_within_15min_share"] == "100%"  # the coverage waits for the worker
    _worker()
    page.reload()
    assert _figures(page)["residents_within_15min_share"] == "0%"
    # when it was computed shows beside the figure, never as a figure of its own with a raw key
    assert page.locator('.figure[data-key="residents_within_15min_share_as_of"]').count() == 0
    assert "截至" in page.inner_text('.figure[data-key="residents_within_15min_share"]')
    assert "_as_of" not in page.inner_text("main")

    # the siting page: the community is among the worst covered; k = 1 proposes the compound, 2 residents
    page.goto("/stations/siting/")
    page.click(f"a[href='?unit={city.community.code}&k=3']")
    page.fill("#id_k", "1")
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    page.wait_for_load_state("load")
    row = page.locator("#suggestions tbody tr").first.inner_text()
    assert city.compound.name in row and row.split()[-1] == "2"
    assert "已证明为最优解" in page.inner_text("main")
    # the map draws its markers from a script after the table: wait for them rather than race it
    page.locator("#siting-map .leaflet-marker-icon, #siting-map path.leaflet-interactive").first.wait_for(timeout=10000)
    assert page.outside_requests == []
