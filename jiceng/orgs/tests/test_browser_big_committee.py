"""Done when (issue 15): a community worker, on pages alone, sets up the community big committee with its
part-time members and records a monthly meeting whose attendance comes from that roster."""

import datetime

import pytest
from django.utils import timezone

from jiceng.conftest import browser_login, build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _add_member(page, name, source, org, position=""):
    page.fill("#member-form #id_name", name)
    page.select_option("#member-form #id_source", source)
    page.fill("#member-form #id_source_org", org)
    page.fill("#member-form #id_position", position)
    page.click("#member-form button")
    page.wait_for_load_state()
    assert name in page.inner_text("#roster")


def test_a_community_worker_sets_up_the_big_committee_and_records_a_meeting_from_its_roster(page):
    from jiceng.meetings.models import Attendance, Meeting
    from jiceng.orgs.models import BigCommittee, PartTimeMember

    city = build_city()
    PartTimeMember.objects.all().delete()  # start from a community without a big committee
    BigCommittee.objects.all().delete()
    today = timezone.localdate()
    start, end = datetime.date(today.year, 1, 1), datetime.date(today.year + 4, 12, 31)

    browser_login(page, "community_worker", "pass-community_worker")
    page.wait_for_url("**/cases/desk/")  # a community worker lands on the desk
    page.goto(f"/units/{city.community.code}/")
    page.click("#big-committee-link")
    page.wait_for_load_state()
    page.fill("#term-form #id_term_start", start.isoformat())
    page.fill("#term-form #id_term_end", end.isoformat())
    page.click("#term-form button")
    page.wait_for_url("**/big-committees/*/")
    assert "五一路社区" in page.inner_text("h1")

    _add_member(page, "赵强", "police", "解放路派出所", "社区民警")
    _add_member(page, "钱敏", "owners_committee", "幸福小区业主委员会", "主任")
    _add_member(page, "孙丽", "property_company", "幸福物业服务有限公司", "项目经理")
    committee = BigCommittee.objects.get(unit=city.community)
    assert committee.members.filter(active=True).count() == 3

    page.click("nav a[href='/meetings/']")
    page.wait_for_load_state()
    page.click("#system-setup button")
    page.wait_for_url("**/meetings/systems/*/")
    rows = {page.inner_text(f"tr[data-member='{m.pk}'] td >> nth=0").split(" ")[0]: m.pk
            for m in committee.members.all()}
    assert set(rows) == {"赵强", "钱敏", "孙丽"}  # those due are the roster, no list of names of its own
    page.fill("#meeting-form input[name=held_on]", today.isoformat())
    page.fill("#meeting-form input[name=title]", "大党委月度联席会议")
    page.fill("#meeting-form textarea[name=agenda]", "小区停车整治")
    page.check(f"input[name=att_{rows['赵强']}][value=present]")
    page.check(f"input[name=att_{rows['钱敏']}][value=deputy]")
    page.fill(f"input[name=deputy_{rows['钱敏']}]", "李副主任")
    page.check(f"input[name=att_{rows['孙丽']}][value=absent]")
    page.click("#meeting-form button")
    page.wait_for_url("**/meetings/*/")
    body = page.inner_text("main")
    assert "大党委月度联席会议" in body and "李副主任" in body

    meeting = Meeting.objects.get()
    att = {a.name: a for a in Attendance.objects.filter(meeting=meeting)}
    assert {n: (a.present, a.deputy, a.roster_member_id) for n, a in att.items()} == {
        "赵强": (True, "", rows["赵强"]), "钱敏": (True, "李副主任", rows["钱敏"]), "孙丽": (False, "", rows["孙丽"])}
    assert meeting.member_count == 3 and meeting.present_count == 2 and meeting.quorate

    page.goto(f"/big-committees/{committee.pk}/")
    rates = {page.inner_text(f"tr[data-member='{pk}'] td >> nth=0"): page.inner_text(f"tr[data-member='{pk}'] .rate")
             for pk in rows.values()}
    assert rates == {"赵强": "100%", "钱敏": "0%", "孙丽": "0%"}
    by_source = [r.split("\t") for r in page.inner_text("#by-source tbody").splitlines()]
    assert [r[-1] for r in by_source] == ["0%", "100%", "0%"] or sorted(r[-1] for r in by_source) == ["0%", "0%", "100%"]
    assert page.outside_requests == []
