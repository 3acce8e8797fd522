"""In Chromium: a grid worker on patrol opens the registration from the patrol page and registers a courier
station with 4 party members and no branch; it appears on the community's gap list and the cockpit's
party-organization coverage is 0 %; a joint branch is recorded on its page, it leaves the list and the
cockpit figure moves to 100 %. A wrong check character is refused next to the field, in Chinese."""

import pytest

from jiceng.conftest import browser_login, build_city
from jiceng.neworgs.tests.conftest import code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _figure(page, key: str) -> str:
    return page.inner_text(f'.figure[data-key="{key}"] .value').strip()


def _fill(page, credit_code: str):
    page.fill("#id_name", "中通快递五一路站")
    page.select_option("#id_kind", "courier_station")
    page.fill("#id_credit_code", credit_code)
    page.fill("#id_address", "五一路18号")
    page.fill("#id_lat", "36.05")
    page.fill("#id_lng", "111.42")
    page.fill("#id_employees", "9")
    page.fill("#id_party_members", "4")


def test_courier_station_gap_joint_branch_and_cockpit(page):
    city = build_city()
    good = code()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")

    browser_login(page, "grid_worker", "pass-grid_worker")
    page.goto("/cases/patrol/")
    page.click("#neworg-link")
    page.wait_for_url("**/neworgs/new/")
    _fill(page, bad)
    page.click("#submit")
    assert "校验码" in page.inner_text("#error-credit_code")
    page.fill("#id_credit_code", good)
    page.click("#submit")
    page.wait_for_selector("#gap-tag")

    community = page.context.browser.new_context(base_url=page.url.split("/neworgs/")[0], locale="zh-CN")
    desk = community.new_page()
    browser_login(desk, "community_worker", "pass-community_worker")
    desk.goto(f"/neworgs/gaps/?unit={city.community.code}")
    assert "中通快递五一路站" in desk.inner_text("#gap-list")
    assert desk.inner_text("#gap-total").strip() == "1"
    desk.goto(f"/cockpit/?unit={city.community.code}")
    assert _figure(desk, "new_orgs_party_org_coverage") == "0%"

    # The worker records the joint branch on the station's page.
    page.select_option("#id_org_coverage", "joint")
    page.fill("#id_branch_name", "五一路快递物流联合党支部")
    page.click("#submit")
    page.wait_for_selector("#org-coverage")
    assert page.query_selector("#gap-tag") is None

    desk.goto(f"/neworgs/gaps/?unit={city.community.code}")
    assert "中通快递五一路站" not in desk.inner_text("#gap-list")
    desk.goto(f"/cockpit/?unit={city.community.code}")
    assert _figure(desk, "new_orgs_party_org_coverage") == "100%"
    community.close()
    assert not page.outside_requests
