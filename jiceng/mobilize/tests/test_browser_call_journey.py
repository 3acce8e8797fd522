"""In a real browser (issue 15 and 18, done-when): a community worker switches to wartime and issues a call
on a page, with the post's place put on the map; the member, on a phone, finds the offer in the in-app
notification list, follows its link to the phone page and accepts it; the worker's board counts the seat."""

import pytest

from jiceng.conftest import browser_login, build_city
from jiceng.core.models import Notification
from jiceng.mobilize import services
from jiceng.mobilize.models import Assignment, AssignmentState, Call

from .conftest import make_members

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tasks_now(settings):
    # The offers task runs at once after the commit (a db_worker runs it in production).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _city_with_member():
    city = build_city()
    me = services.member_register(actor=None, community=city.community, employer="临汾市税务局",
                                   person=city.member_person)
    services.member_confirm(actor=None, member=me)
    me.refresh_from_db()
    make_members(city, 3, lat=me.lat, lng=me.lng + 0.02)
    return city, me


def _issue_on_page(page, me):
    page.set_viewport_size({"width": 1366, "height": 900})
    browser_login(page, "community_worker", "pass-community_worker")
    page.wait_for_load_state()
    page.goto("/mobilize/")
    assert "暂无召集令" in page.content() or "战时召集令" in page.content()
    page.select_option("#id_mode", "wartime")
    page.fill("#id_reason", "疫情防控")
    page.click("#mode-form button[type=submit]")
    page.wait_for_load_state()
    page.click("#issue-call")
    page.wait_for_load_state()
    assert page.title().startswith("发布战时召集令")
    page.fill("#id_title", "五一路封控值守")
    page.fill("#id_posts-0-place", "五一路卡口")
    page.locator("#call-map").click(position={"x": 120, "y": 100})  # the map puts the place
    assert page.input_value("#id_posts-0-lat") != ""
    page.fill("#id_posts-0-lat", f"{me.lat:.6f}")  # then exactly at the member's home, so the offer is theirs
    page.fill("#id_posts-0-lng", f"{me.lng:.6f}")
    page.fill("#id_posts-0-headcount", "2")
    page.click("#add-post")  # a second post, checked by the service like the first
    page.fill("#id_posts-1-place", "鼓楼路口")
    page.select_option("#id_posts-1-kind", "screening")
    page.locator("#call-map").click(position={"x": 200, "y": 150})
    assert page.input_value("#id_posts-1-lat") != ""
    assert page.input_value("#id_posts-1-shift_start") == page.input_value("#id_posts-0-shift_start")
    page.fill("#id_posts-1-headcount", "1")
    page.click("button[name=issue]")
    page.wait_for_load_state()
    call = Call.objects.get()
    assert page.url.endswith(f"/mobilize/calls/{call.pk}/")
    assert "0/3" in page.locator("#board").inner_text()
    return call


def test_a_worker_issues_a_call_on_a_page_and_a_member_accepts_on_a_phone(page, tasks_now):
    city, me = _city_with_member()
    call = _issue_on_page(page, me)
    offer = Assignment.objects.get(call=call, member=me, state=AssignmentState.OFFERED)
    page.goto(f"/mobilize/calls/{call.pk}/board/")
    assert page.title().startswith("状态看板 · 五一路封控值守")

    # The member, on a phone.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, "party_member", "pass-party_member")
    page.wait_for_load_state()
    page.goto("/accounts/inbox/")
    notice = page.locator(".card", has_text="五一路封控值守").first
    assert "五一路卡口" in notice.inner_text()
    notice.locator("a").click()
    page.wait_for_load_state()
    assert page.url.endswith("/mobilize/my-calls/")
    card = page.locator(f"#assignment-{offer.pk}")
    card.locator("button[name=accept]").click()
    page.wait_for_load_state()
    assert "已接受" in page.locator(f"#assignment-{offer.pk}").inner_text()
    assert Assignment.objects.get(pk=offer.pk).state == AssignmentState.ACCEPTED
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll on the phone
    assert page.outside_requests == []

    # Back at the desk, the board counts the accepted seat.
    page.context.clear_cookies()
    browser_login(page, "community_worker", "pass-community_worker")
    page.wait_for_load_state()
    page.goto(f"/mobilize/calls/{call.pk}/board/")
    assert "1/3" in page.locator("#board").inner_text()


def test_a_member_on_a_phone_receives_the_offer_in_the_in_app_list_and_accepts_it(page, tasks_now):
    from jiceng.mobilize import calls

    from .conftest import post

    city, me = _city_with_member()
    calls.mode_switch(actor=None, unit=city.community, mode="wartime", reason="疫情")
    calls.call_start(actor=city.users["community_worker"], unit=city.community, title="核酸筛查点值守",
                     posts=[post(1, lat=me.lat, lng=me.lng, kind="screening")])
    offer = Assignment.objects.get(member=me, state=AssignmentState.OFFERED)
    assert Notification.objects.filter(user=city.users["party_member"], kind="call.offer").count() == 1
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, "party_member", "pass-party_member")
    page.wait_for_load_state()
    page.goto("/accounts/inbox/")
    notice = page.locator(".card.unread", has_text="核酸筛查点值守")
    assert notice.count() == 1
    notice.locator("a").click()
    page.wait_for_load_state()
    page.locator(f"#assignment-{offer.pk} button[name=accept]").click()
    page.wait_for_load_state()
    assert Assignment.objects.get(pk=offer.pk).state == AssignmentState.ACCEPTED
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.outside_requests == []
