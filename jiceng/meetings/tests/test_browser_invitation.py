"""A community worker calls the monthly meeting from its page; the party member on the roster finds the
invitation on a phone (from the in-app notification's link) and answers it; the desk sees the answer."""

import datetime
import os

import pytest
from django.utils import timezone

from jiceng.conftest import browser_login, build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp/rest15"


def test_the_desk_invites_and_a_member_answers_on_a_phone(browser, live_server):
    from jiceng.meetings import services
    from jiceng.meetings.models import Invitation
    from jiceng.orgs import services as org_services

    city = build_city()
    org_services.part_time_member_add(actor=None, committee=city.committee, name="李娜", source="owners_committee",
                                      source_org="幸福小区业主委员会", person=city.member_person,
                                      joined_on=datetime.date(2024, 1, 1))
    system = services.system_configure(actor=None, unit=city.community)
    day = timezone.localdate() + datetime.timedelta(days=3)
    os.makedirs(SHOTS, exist_ok=True)

    desk = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = desk.new_page()
    browser_login(page, "community_worker", "pass-community_worker")
    page.wait_for_load_state()
    page.goto(f"/meetings/systems/{system.pk}/")
    page.fill("#invite-form input[name=planned_on]", day.isoformat())
    page.fill("#invite-form input[name=title]", "十二月大党委联席会议")
    page.fill("#invite-form input[name=place]", "社区二楼会议室")
    page.click("#invite-form button")
    page.wait_for_url("**/meetings/notices/*/")
    assert page.locator("#invitations tbody tr").count() == 2
    notice_url = page.url

    phone = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844},
                                is_mobile=True, has_touch=True)
    mp = phone.new_page()
    browser_login(mp, "party_member", "pass-party_member")
    mp.wait_for_load_state()
    mp.goto("/meetings/invitations/")
    mp.click("text=十二月大党委联席会议")
    mp.wait_for_url("**/meetings/invitations/*/")
    assert "社区二楼会议室" in mp.inner_text("main")
    mp.screenshot(path=f"{SHOTS}/invitation-phone.png", full_page=True)
    mp.fill("#reply-form input[name=note]", "准时参加")
    mp.click("#reply-form button[value=accept]")
    mp.wait_for_load_state()
    assert mp.inner_text("#answer") == "参加"
    mp.screenshot(path=f"{SHOTS}/invitation-phone-answered.png", full_page=True)
    assert Invitation.objects.get(user=city.users["party_member"]).status == "accepted"
    assert mp.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(notice_url)
    assert page.locator("#invitations tr[data-status=accepted]").count() == 1
    page.screenshot(path=f"{SHOTS}/notice-desk.png", full_page=True)
    phone.close()
    desk.close()
