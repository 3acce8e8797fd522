import datetime

import pytest

from jiceng.core.testing import assert_queries
from jiceng.meetings import services
from jiceng.meetings.tests.conftest import YEAR, day


def _meetings(system, members, n):
    for i in range(n):
        services.meeting_record(actor=None, system=system, held_on=day(1 + i % 11, 5 + i), title=f"会议{i}",
                                present_member_ids=[m.pk for m in members], today=datetime.date(YEAR, 12, 31))


@pytest.mark.parametrize("n", [2, 6])
def test_the_meetings_page_runs_a_fixed_number_of_queries(client_for, city, system, members, n):
    _meetings(system, members, n)
    services.system_configure(actor=None, unit=city.street)
    client = client_for("street_official")
    url = f"/meetings/?unit={city.street.code}&year={YEAR}"
    # user, grants; unit; systems count; systems page; periods; on-time rate; meetings; action items; cards;
    # the unit's own system (the set-up form shows only without one)
    with assert_queries(12, label="meetings:home"):  # + the server-side session
        r = client.get(url)
    assert r.status_code == 200 and "会议0" in r.content.decode()


@pytest.mark.parametrize("n", [2, 6])
def test_the_meetings_endpoint_runs_a_fixed_number_of_queries(client_for, city, system, members, n):
    _meetings(system, members, n)
    client = client_for("community_worker")
    # user, grants; unit; meetings (unit joined)
    with assert_queries(5, label="GET meetings"):  # + the server-side session
        r = client.get(f"/api/v1/meetings/meetings?unit={city.community.code}")
    assert r.status_code == 200 and len(r.json()) == n


def test_a_resolution_becomes_an_action_item_tracked_to_done_through_the_api(client_for, city, system, members):
    client = client_for("community_worker")
    r = client.post("/api/v1/meetings/meetings", content_type="application/json", data={
        "system_id": system.pk, "held_on": f"{YEAR}-03-05", "title": "三月联席会议", "minutes": "议定停车治理",
        "agenda": [{"title": "停车治理"}], "present_member_ids": [m.pk for m in members[:3]]})
    assert r.status_code == 201 and r.json()["quorate"]
    mid = r.json()["id"]
    r = client.post(f"/api/v1/meetings/meetings/{mid}/resolutions", content_type="application/json", data={
        "text": "施划停车位", "actions": [{"title": "联系物业施划", "owner_name": "王主任", "deadline": f"{YEAR}-04-01",
                                          "owner_unit": city.grid.code}]})
    assert r.status_code == 201
    item = r.json()["actions"][0]
    r = client_for("grid_worker").post(f"/api/v1/meetings/action-items/{item['id']}/done",
                                       content_type="application/json", data={"note": "已完成"})
    assert r.status_code == 200 and r.json()["status"] == "done"
    again = client.post(f"/api/v1/meetings/action-items/{item['id']}/done", content_type="application/json",
                        data={})
    assert again.status_code == 409


def test_a_bad_meeting_is_refused_with_a_message(client_for, system):
    r = client_for("community_worker").post("/api/v1/meetings/meetings", content_type="application/json",
                                            data={"system_id": system.pk, "held_on": "2999-01-01", "title": "x"})
    assert r.status_code == 422 and r.json()["field"] == "held_on"


def test_through_the_pages_a_meeting_is_recorded_and_its_resolution_tracked_to_done(client_for, city, system, members):
    from jiceng.meetings.models import ActionItem, Meeting

    client = client_for("community_worker")
    r = client.post(f"/meetings/systems/{system.pk}/", {
        "held_on": f"{YEAR}-02-10", "title": "二月联席会议", "agenda": "停车治理\n垃圾分类", "minutes": "议定事项",
        **{f"att_{m.pk}": "present" for m in members[:3]}, f"att_{members[3].pk}": "absent"})
    meeting = Meeting.objects.get(title="二月联席会议")
    assert r.status_code == 302 and meeting.quorate and meeting.agenda.count() == 2
    r = client.post(f"/meetings/{meeting.pk}/resolutions/", {"text": "规范停车", "action": "施划车位", "owner": "物业",
                                                              "deadline": f"{YEAR}-03-10"})
    item = ActionItem.objects.get()
    assert r.status_code == 302 and item.title == "施划车位"
    client.post(f"/meetings/actions/{item.pk}/done/", {"note": "已完成"})
    item.refresh_from_db()
    assert item.status == "done"
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "施划车位" in page


def test_a_bad_meeting_form_shows_the_message_and_records_nothing(client_for, system):
    from jiceng.meetings.models import Meeting

    r = client_for("community_worker").post(f"/meetings/systems/{system.pk}/", {"held_on": "", "title": "x"})
    assert r.status_code == 422 and not Meeting.objects.exists()


def test_attendance_through_the_api_names_deputies_and_refuses_people_not_due(client_for, system, members):
    client = client_for("community_worker")
    url = "/api/v1/meetings/meetings"
    r = client.post(url, content_type="application/json", data={
        "system_id": system.pk, "held_on": f"{YEAR}-02-10", "title": "二月",
        "present_member_ids": [members[0].pk], "deputies": [{"member_id": members[1].pk, "name": "钱副主任"}]})
    assert r.status_code == 201
    rows = {a["roster_member_id"]: (a["present"], a["deputy"]) for a in r.json()["attendance"]}
    assert rows == {members[0].pk: (True, ""), members[1].pk: (True, "钱副主任"), members[2].pk: (False, ""),
                    members[3].pk: (False, "")}
    r = client.post(url, content_type="application/json", data={
        "system_id": system.pk, "held_on": f"{YEAR}-02-11", "title": "x", "present_member_ids": [999999]})
    assert r.status_code == 422 and r.json()["field"] == "present_member_ids"


def test_the_meeting_form_wants_the_deputys_name_and_records_nothing_without_it(client_for, system, members):
    from jiceng.meetings.models import Meeting

    r = client_for("community_worker").post(f"/meetings/systems/{system.pk}/", {
        "held_on": f"{YEAR}-02-10", "title": "二月", f"att_{members[0].pk}": "deputy",
        **{f"att_{m.pk}": "present" for m in members[1:]}})
    assert r.status_code == 422 and "代理人" in r.content.decode() and not Meeting.objects.exists()
    r = client_for("community_worker").post(f"/meetings/systems/{system.pk}/", {
        "held_on": f"{YEAR}-02-10", "title": "二月", f"att_{members[0].pk}": "maybe"})
    assert r.status_code == 422 and not Meeting.objects.exists()


def test_setting_up_a_joint_meeting_outside_the_area_is_404_and_twice_is_refused(client_for, city, system):
    r = client_for("outsider").post(f"/meetings/systems/set-up/?unit={city.community.code}", {"quorum_share": "0.5"})
    assert r.status_code == 404
    r = client_for("grid_worker").post(f"/meetings/systems/set-up/?unit={city.community.code}", {"quorum_share": "0.5"})
    assert r.status_code == 404
    r = client_for("community_worker").post(f"/meetings/systems/set-up/?unit={city.community.code}",
                                            {"quorum_share": "0.5"}, follow=True)
    assert "已设立联席会议制度" in r.content.decode()
    r = client_for("street_official").post(f"/meetings/systems/set-up/?unit={city.street.code}",
                                           {"quorum_share": "7"}, follow=True)
    from jiceng.meetings.models import MeetingSystem

    assert not MeetingSystem.objects.filter(unit=city.street).exists()
