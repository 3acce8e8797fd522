"""Issue 5's "Done when" on a small generated community: a 300-seat call is assigned optimally (the
total distance equals an independent optimum of the same instance), members answer, declines are
refilled optimally, and the status board shows every post filled."""

import pytest
from django.utils import timezone

from jiceng.mobilize import drill
from jiceng.mobilize.models import Assignment, AssignmentState

from .conftest import generate_community_members


def _run_to_the_board(city, call, now):
    answered = drill.drill_respond(call=call, decline_share=0.1, now=now)
    assert answered["declined"] > 10 and answered["accepted"] + answered["declined"] >= 298
    refill = drill.drill_refill(call=call, now=now)
    assert refill["freed"] >= answered["declined"]
    assert refill["still_unfilled"] == 0 and refill["optimal"], refill
    drill.drill_respond(call=call, decline_share=0.0, now=now)
    return drill.drill_board(call)


def test_a_300_seat_call_is_assigned_optimally_refilled_and_filled(city):
    generate_community_members(city)
    now = timezone.now()
    call = drill.drill_issue(actor=city.users["community_worker"], community=city.community, now=now)
    assigned = drill.drill_assign(actor=city.users["community_worker"], call=call, now=now)
    assert assigned["seats"] == assigned["filled"] == 300
    assert assigned["optimal"], (assigned["total_distance_m"], assigned["check"])
    assert assigned["total_distance_m"] == assigned["check"]["total_distance_m"]
    board = _run_to_the_board(city, call, now)
    assert board == {"required": 300, "filled": 300, "offered": 0, "posts_full": 20, "posts": 20}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_members_answer_the_300_seat_call_on_their_phone_page(page):
    from jiceng.conftest import browser_login, build_city

    city = build_city()
    generate_community_members(city)
    now = timezone.now()
    call = drill.drill_issue(actor=city.users["community_worker"], community=city.community, now=now)
    assert drill.drill_assign(actor=city.users["community_worker"], call=call, now=now)["optimal"]
    first, second = drill.open_offers(call)[:2]
    page.set_viewport_size({"width": 390, "height": 844})
    for offer, accept in ((first, True), (second, False)):
        username, password = drill.member_login(offer.member)
        seen = drill.answer_in_browser(page, username=username, password=password, assignment=offer, accept=accept)
        assert call.title in seen
        page.context.clear_cookies()
    assert Assignment.objects.get(pk=first.pk).state == AssignmentState.ACCEPTED
    assert Assignment.objects.get(pk=second.pk).state == AssignmentState.DECLINED
    board = _run_to_the_board(city, call, timezone.now())
    assert board["filled"] == board["required"] == 300
    browser_login(page, "community_worker", "pass-community_worker")
    page.wait_for_load_state()
    page.goto(f"/mobilize/calls/{call.pk}/")
    assert "300/300" in page.locator(".figures").first.inner_text()
    assert page.outside_requests == []
