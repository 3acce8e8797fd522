from jiceng.core.testing import assert_queries
from jiceng.mobilize import calls

from .conftest import make_members, post


def test_status_board_runs_a_fixed_number_of_queries(city, client_for, wartime):
    make_members(city, 30)
    call = calls.call_issue(actor=None, unit=city.community, title="封控", posts=[post(3) for _ in range(8)])
    calls.call_assign(actor=None, call=call)
    client = client_for("community_worker")
    client.get(f"/mobilize/calls/{call.pk}/board/")
    # user, grants, call (with unit), posts with their seat counts
    with assert_queries(5, label="status board fragment"):  # + the server-side session
        assert client.get(f"/mobilize/calls/{call.pk}/board/", HTTP_HX_REQUEST="true").status_code == 200
    with assert_queries(6, label="status board page, every seat offered"):  # + the street (draw action)
        assert client.get(f"/mobilize/calls/{call.pk}/board/").status_code == 200
    # A second call at the same time finds everyone busy: the page explains each of its 8 posts'
    # shortfall with three more queries however many posts (pool, busy members, declines).
    short = calls.call_issue(actor=None, unit=city.community, title="筛查", posts=[post(3) for _ in range(8)])
    calls.call_assign(actor=None, call=short)
    client.get(f"/mobilize/calls/{short.pk}/board/")
    with assert_queries(9, label="status board page with 8 short posts"):
        page = client.get(f"/mobilize/calls/{short.pk}/board/").content.decode()
    assert page.count('class="reason"') == 8
    with assert_queries(5, label="status board API"):  # + the server-side session
        assert client.get(f"/api/v1/mobilize/calls/{call.pk}/board").status_code == 200


def test_my_calls_runs_a_fixed_number_of_queries(city, client_for, wartime, member):
    make_members(city, 5)
    for i in range(4):
        call = calls.call_issue(actor=None, unit=city.community, title=f"封控{i}",
                                posts=[post(2, start_end=None)])
        calls.call_assign(actor=None, call=call)
    client = client_for("party_member")
    client.get("/mobilize/my-calls/")
    # user, member, assignments with post and call, grants (nav)
    with assert_queries(5, label="my calls page"):  # + the server-side session
        assert client.get("/mobilize/my-calls/").status_code == 200
