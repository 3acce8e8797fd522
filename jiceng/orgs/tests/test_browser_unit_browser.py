"""In a real browser: log in, walk from the city down to a household, see masked people and the party chain."""

import pytest

from jiceng.conftest import browser_login, build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_city_admin_browses_from_city_to_household(page):
    build_city()
    browser_login(page, "city_admin", "pass-city_admin")
    page.wait_for_url("**/cases/board/")  # an official lands on the board; the menu's "Units" opens the tree
    page.click("header.top nav >> text=组织架构")
    page.wait_for_url("**/units/141000/")
    assert "临汾市" in page.title()
    for name in ("尧都区", "解放路街道", "五一路社区", "第一网格", "幸福小区", "1号楼", "1单元101室"):
        page.click(f"text={name}")
        page.wait_for_load_state()
    assert "1单元101室" in page.inner_text("h1")
    body = page.inner_text("main")
    assert "张伟" in body
    assert "**************1230" in body and "1410**" not in body  # masked to the last four (issue 10)
    assert "139****5678" in body
    assert "13912345678" not in body
    assert "中共临汾市委" in body and "第一网格党支部" in body  # the party chain, city to grid
    assert page.outside_requests == []


def test_grid_worker_cannot_open_another_street(page):
    build_city()
    browser_login(page, "grid_worker", "pass-grid_worker")
    page.wait_for_url("**/cases/queue/")
    response = page.goto("/units/141002002/")
    assert response.status == 404
