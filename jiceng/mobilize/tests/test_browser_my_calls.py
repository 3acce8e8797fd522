"""In a real browser: a member sees the call on the phone page, accepts, and the board counts the seat."""

import pytest

from jiceng.conftest import browser_login, build_city
from jiceng.mobilize import calls, services
from jiceng.mobilize.models import Assignment, AssignmentState

from .conftest import make_members, post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_accepts_the_call_on_the_phone_page(page):
    city = build_city()
    me = services.member_register(actor=None, community=city.community, employer="临汾市税务局",
                                   person=city.member_person)
    services.member_confirm(actor=None, member=me)
    make_members(city, 3, lng=111.46)
    calls.mode_switch(actor=None, unit=city.community, mode="wartime", reason="疫情")
    me.refresh_from_db()
    call = calls.call_issue(actor=None, unit=city.community, title="五一路封控值守",
                            posts=[post(2, lat=me.lat, lng=me.lng)])
    calls.call_assign(actor=None, call=call)
    offer = Assignment.objects.get(call=call, member=me)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    browser_login(page, "party_member", "pass-party_member")
    page.wait_for_load_state()
    page.goto("/mobilize/my-calls/")
    card = page.locator(f"#assignment-{offer.pk}")
    assert "五一路封控值守" in card.inner_text()
    assert "五一路卡口" in card.inner_text()
    card.locator("button[name=accept]").click()
    page.wait_for_load_state()
    assert "已接受" in page.locator(f"#assignment-{offer.pk}").inner_text()
    assert Assignment.objects.get(pk=offer.pk).state == AssignmentState.ACCEPTED
    assert page.outside_requests == []
