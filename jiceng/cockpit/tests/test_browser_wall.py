"""In a real browser at 1920×1080: the wall display is dark and fills one screen, and its figures change in
place when the data change (a marker set in the window survives, so the page was not reloaded)."""

import pytest

from jiceng.conftest import browser_login, build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(lat=36.05, lng=111.42):
    from jiceng.cases.models import Category
    from jiceng.cases.services import case_submit

    case, _ = case_submit(actor=None, category=Category.objects.get(code="E0101"), lat=lat, lng=lng,
                          description="楼下垃圾堆放多日无人清理", source="api", reporter_name="张三丰")
    return case


def test_the_wall_display_refreshes_its_figures_without_a_reload(page):
    from jiceng.network import routing

    routing.reset_index()
    city = build_city()
    first = _submit()
    browser_login(page, "street_official", "pass-street_official")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"/cockpit/wall/?unit={city.street.code}&every=5")
    page.wait_for_selector("#wall-chart-months .main-svg")
    page.wait_for_selector("#wall-chart-scores .main-svg")
    today = page.locator('.wall-figure[data-key="cases_today"] .wall-value')
    assert today.inner_text() == "1"
    assert page.locator("#wall-cases li").first.inner_text().split()[0] == first.code
    page.wait_for_selector("#wall-map path.leaflet-interactive")
    assert page.locator("#wall-map path.leaflet-interactive").count() == 1  # community K1 below street S1
    assert "张三丰" not in page.content()

    # Dark, large, one screen: no scrolling, figures at least 56 px high, a ticking clock in the banner.
    assert page.evaluate("getComputedStyle(document.body).backgroundImage").startswith("radial-gradient")
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    assert page.evaluate("document.documentElement.scrollWidth") <= 1920
    assert float(page.evaluate("parseFloat(getComputedStyle(document.querySelector('.wall-value')).fontSize)")) >= 56
    assert "解放路街道" in page.inner_text(".wall-banner")
    clock = page.inner_text("#wall-time")
    page.wait_for_function("t => document.getElementById('wall-time').textContent !== t", arg=clock)
    page.screenshot(path="/tmp/wall18/wall-1920-before.png")

    # A marker in the window, then new data through the service: the figure changes in place.
    page.evaluate("window.__wallMarker = 'still here'")
    refreshed = int(page.get_attribute("#wall", "data-refreshed") or 0)
    second = _submit(lng=111.47)
    page.wait_for_function("() => document.querySelector('.wall-figure[data-key=\"cases_today\"] .wall-value')"
                           ".textContent === '2'", timeout=15_000)
    assert page.evaluate("window.__wallMarker") == "still here"  # the same document: no reload
    assert int(page.get_attribute("#wall", "data-refreshed")) > refreshed
    assert page.locator("#wall-cases li").first.inner_text().split()[0] == second.code
    assert page.locator('.wall-figure[data-key="cases_open"] .wall-value').inner_text() == "2"
    page.screenshot(path="/tmp/wall18/wall-1920-after.png")
    assert page.outside_requests == []
