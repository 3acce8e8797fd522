"""In a real browser on a phone (390×844): the menu folds behind one button, opens and closes; on a desk
screen it is shown in full."""

import pytest

from jiceng.conftest import browser_login, build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_the_menu_collapses_and_opens(page):
    build_city()
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, "grid_worker", "pass-grid_worker")
    page.wait_for_url("**/cases/queue/")
    toggle = page.locator("[data-menu-toggle]")
    menu = page.locator("header.top nav")
    assert toggle.is_visible() and not menu.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    page.screenshot(path="/tmp/nav18/phone-menu-closed.png")
    toggle.click()
    assert menu.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    patrol = menu.get_by_role("link", name="巡查上报")
    assert patrol.is_visible()
    # the open menu stays inside the screen: no sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path="/tmp/nav18/phone-menu-open.png")
    toggle.click()
    assert not menu.is_visible()
    toggle.click()
    patrol.click()
    page.wait_for_url("**/cases/patrol/")
    assert page.outside_requests == []


def test_on_a_desk_screen_the_menu_is_shown_without_a_button(page):
    build_city()
    page.set_viewport_size({"width": 1366, "height": 900})
    browser_login(page, "resident", "pass-resident")
    page.wait_for_url("**/cases/mine/")
    assert not page.locator("[data-menu-toggle]").is_visible()
    links = page.locator("header.top nav a")
    assert links.count() == 3 and links.first.is_visible()
    page.screenshot(path="/tmp/nav18/desk-menu-resident.png")
