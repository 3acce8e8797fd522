"""Wartime calls on pages (C4, issue 18.1) and members told through core notifications (H4, issue 15.4):
a community worker issues a call on a page, sees why seats are unfilled and widens the search; members get
the offer in the in-app list with a link to their phone page; reminders and cancellations; bad input."""

import datetime

import pytest
from django.utils import timezone

from jiceng.core.models import Notification
from jiceng.mobilize import calls
from jiceng.mobilize.models import Assignment, AssignmentState, Call

from .conftest import make_members, post


def _form(start=None, *, posts=None, **over):
    start = start or timezone.localtime().replace(second=0, microsecond=0) + datetime.timedelta(hours=2)
    data = {"title": "五一路封控值守", "respond_minutes": "30", "max_distance_m": "3000",
            "posts-TOTAL_FORMS": "1", "posts-INITIAL_FORMS": "0", "posts-MIN_NUM_FORMS": "1",
            "posts-MAX_NUM_FORMS": "30"}
    for i, p in enumerate(posts or [{}]):
        row = {"kind": "checkpoint", "place": "五一路卡口", "lat": "36.05", "lng": "111.45",
               "shift_start": start.strftime("%Y-%m-%dT%H:%M"),
               "shift_end": (start + datetime.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"), "headcount": "2", **p}
        data.update({f"posts-{i}-{k}": v for k, v in row.items() if k != "skills"})
        if "skills" in row:
            data[f"posts-{i}-skills"] = row["skills"]
    data["posts-TOTAL_FORMS"] = str(len(posts or [{}]))
    data.update(over)
    return data


def test_a_community_worker_issues_a_call_on_a_page_and_members_are_told(city, client_for, member, wartime, settings,
                                                                          django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    member.refresh_from_db()
    assert member.lat is not None
    make_members(city, 3, lat=member.lat, lng=member.lng + 0.02)  # about 1.8 km away: the member is nearest
    worker = client_for("community_worker")
    page = worker.get("/mobilize/").content.decode()
    assert "/mobilize/calls/new/" in page
    assert worker.get("/mobilize/calls/new/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        r = worker.post("/mobilize/calls/new/", _form(posts=[{"lat": str(member.lat), "lng": str(member.lng)}]))
    call = Call.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/mobilize/calls/{call.pk}/"
    offers = Assignment.objects.filter(call=call, state=AssignmentState.OFFERED)
    assert offers.count() == 2 and offers.filter(member=member).exists()
    # The member finds the offer in the in-app list, with a link to the phone page.
    n = Notification.objects.get(kind="call.offer", user=city.users["party_member"])
    assert n.link == "/mobilize/my-calls/" and "五一路卡口" in n.text and "五一路封控值守" in n.text
    assert n.text.startswith("战时召集令“五一路封控值守”：五一路卡口卡口值守")
    listed = client_for("party_member").get("/accounts/inbox/").content.decode()
    assert "五一路封控值守" in listed and "/mobilize/my-calls/" in listed
    page = worker.get(r["Location"]).content.decode()
    assert "0/2" in page and "已上报街道" not in page


def test_the_offer_notification_is_sent_once_even_when_the_task_runs_twice(city, member, wartime):
    call = calls.call_issue(actor=None, unit=city.community, title="核酸筛查", posts=[post(1, lat=member.lat or 36.05)])
    before = timezone.now() - datetime.timedelta(seconds=1)
    calls.call_assign(actor=None, call=call)
    assert calls.notify_offers.call(call.pk, before.isoformat()) == 1
    calls.notify_offers.call(call.pk, before.isoformat())
    assert Notification.objects.filter(kind="call.offer", user=city.users["party_member"]).count() == 1


def test_why_seats_are_unfilled_and_widening_the_search(city, client_for, wartime):
    far = make_members(city, 2, lng=111.45 + 0.05)  # about 4.5 km east
    worker = client_for("community_worker")
    worker.post("/mobilize/calls/new/", _form(max_distance_m="1000"))
    call = Call.objects.get()
    page = worker.get(f"/mobilize/calls/{call.pk}/").content.decode()
    assert "1000" in page and 'id="shortfall"' in page
    assert "岗位方圆 1000 米内没有在职党员居住。" in page  # the reason
    assert "扩大搜索范围至 2000 米" in page  # and the action
    assert "已上报街道" in page and 'id="escalation"' in page  # reported, with the reason beside it
    r = worker.post(f"/mobilize/calls/{call.pk}/widen/", {"max_distance_m": "8000"})
    assert r.status_code == 302
    call.refresh_from_db()
    assert call.max_distance_m == 8000
    assert set(Assignment.objects.filter(call=call, active=True).values_list("member_id", flat=True)) == {
        m.pk for m in far}


def test_a_narrower_search_is_refused(city, client_for, wartime):
    worker = client_for("community_worker")
    worker.post("/mobilize/calls/new/", _form(max_distance_m="3000"))
    call = Call.objects.get()
    worker.post(f"/mobilize/calls/{call.pk}/widen/", {"max_distance_m": "500"})
    call.refresh_from_db()
    assert call.max_distance_m == 3000


def test_the_board_is_a_full_page_with_a_title_and_a_fragment_for_the_refresh(city, client_for, wartime):
    call = calls.call_issue(actor=None, unit=city.community, title="封控值守", posts=[post(3)])
    worker = client_for("community_worker")
    full = worker.get(f"/mobilize/calls/{call.pk}/board/").content.decode()
    assert "<title>状态看板 · 封控值守" in full and "<nav" in full
    frag = worker.get(f"/mobilize/calls/{call.pk}/board/", HTTP_HX_REQUEST="true").content.decode()
    assert "<title>" not in frag and "0/3" in frag


@pytest.mark.parametrize("over,posts,field_text", [
    ({"title": ""}, None, "这个字段是必填项"),
    ({"max_distance_m": "99"}, None, "100"),
    ({"respond_minutes": "0"}, None, "1"),
    ({}, [{"headcount": "0"}], "1"),
    ({}, [{"headcount": "5001"}], "5000"),
    ({}, [{"lat": "91"}], "90"),
    ({}, [{"shift_end": "2020-01-01T00:00"}], "结束"),
    ({}, [{"kind": "party"}], "party"),
    ({}, [{"skills": ["flying"]}], "flying"),
    ({"posts-TOTAL_FORMS": "0"}, None, "1"),
])
def test_bad_input_on_the_call_page_writes_nothing(city, client_for, wartime, over, posts, field_text):
    r = client_for("community_worker").post("/mobilize/calls/new/", _form(posts=posts, **over))
    assert r.status_code == 422
    assert 'role="alert"' in r.content.decode()
    assert Call.objects.count() == 0


def test_a_call_needs_wartime_first(city, client_for):
    r = client_for("community_worker").post("/mobilize/calls/new/", _form())
    assert r.status_code == 422 and "战时" in r.content.decode()
    assert Call.objects.count() == 0


def test_the_mode_is_switched_on_the_page(city, client_for):
    worker = client_for("community_worker")
    assert worker.post("/mobilize/mode/", {"mode": "wartime", "reason": ""}).status_code == 302
    assert calls.unit_mode(city.community) == "peacetime"
    worker.post("/mobilize/mode/", {"mode": "wartime", "reason": "疫情"})
    assert calls.unit_mode(city.community) == "wartime"


def test_a_member_cannot_answer_another_members_offer(city, member, wartime):
    from django.test import Client

    from jiceng.accounts.services import user_create

    others = make_members(city, 1, lng=111.4501)
    call = calls.call_issue(actor=None, unit=city.community, title="封控值守", posts=[post(1, lng=111.4501)])
    calls.call_assign(actor=None, call=call)
    offer = Assignment.objects.get(call=call, active=True)
    assert offer.member_id == others[0].pk
    intruder = user_create(actor=None, username="li_na_2", password="pass-li_na_2", person=city.resident_person)
    c = Client()
    c.force_login(intruder)
    assert c.post(f"/mobilize/assignments/{offer.pk}/accept/").status_code == 404
    assert c.post(f"/mobilize/assignments/{offer.pk}/decline/").status_code == 404
    offer.refresh_from_db()
    assert offer.state == AssignmentState.OFFERED


def test_members_are_reminded_once_before_their_shift(city, member, wartime):
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(minutes=40)
    call = calls.call_issue(actor=None, unit=city.community, title="物资转运",
                            posts=[post(1, lat=member.lat or 36.05, lng=member.lng or 111.45,
                                        start_end=(start, start + datetime.timedelta(hours=4)))])
    calls.call_assign(actor=None, call=call)
    offer = Assignment.objects.get(call=call, member=member)
    calls.assignment_respond(actor=city.users["party_member"], assignment=offer, accept=True)
    assert calls.calls_sweep(timezone.now())["reminded"] == 1
    assert calls.calls_sweep(timezone.now())["reminded"] == 0
    n = Notification.objects.get(kind="call.reminder", user=city.users["party_member"])
    assert "物资转运" in n.text and n.link == "/mobilize/my-calls/"


def test_closing_a_call_tells_those_holding_its_seats(city, member, wartime):
    call = calls.call_issue(actor=None, unit=city.community, title="封控值守",
                            posts=[post(1, lat=member.lat or 36.05, lng=member.lng or 111.45)])
    calls.call_assign(actor=None, call=call)
    calls.call_close(actor=city.users["community_worker"], call=call)
    n = Notification.objects.get(kind="call.cancel", user=city.users["party_member"])
    assert "封控值守" in n.text
    calls.call_close(actor=city.users["community_worker"], call=call)  # closing again tells nobody again
    assert Notification.objects.filter(kind="call.cancel").count() == 1
