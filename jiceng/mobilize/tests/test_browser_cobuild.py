"""Issue 15's done-when for co-building, in a real browser and on pages alone: a community worker
registers an agency and its member, confirms both, matches a need to a resource, checks and evaluates
the project, runs an activity with sign-up and check-in by code, and sees the credited hours."""

import datetime
import re

import pytest
from django.utils import timezone

from jiceng.conftest import ID_R1, browser_login, build_city
from jiceng.mobilize import figures
from jiceng.mobilize.models import AgencyRegistration, MatchedProject, Member, Signup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _go(page, locator):
    """Click a link or a button and wait for the page it leads to."""
    with page.expect_navigation():
        locator.click()


def _submit(page, form_id):
    _go(page, page.locator(f"#{form_id} button[type=submit]").first)


def test_a_community_worker_runs_co_building_on_pages_alone(page):
    city = build_city()
    today = timezone.localdate()
    later = (today + datetime.timedelta(days=60)).isoformat()
    browser_login(page, "community_worker", "pass-community_worker")
    page.wait_for_load_state()
    page.goto("/mobilize/")

    # C1: the agency registers (co-building agreement) and the community confirms it
    _go(page, page.locator("#cobuild-links a", has_text="报到单位"))
    page.fill("#id_name", "临汾市税务局机关党委")
    page.fill("#id_agreement_start", today.isoformat())
    page.fill("#id_agreement_end", later)
    page.fill("#id_commitments", "每月组织一次志愿服务")
    _submit(page, "agency-form")
    assert page.locator("#agency-status").inner_text() != "已确认"
    _go(page, page.locator("button[name=confirm]"))
    assert page.locator("#agency-status").inner_text() == "已确认"

    # …and its member, found by identity number, waits in the queue until confirmed
    _go(page, page.get_by_role("link", name="为该单位党员办理报到"))
    page.fill("#id_name", "张伟")
    page.fill("#id_id_number", ID_R1)
    page.fill("#id_phone", "13912345678")
    page.locator("#member-form label", has_text="驾驶").first.click()
    _submit(page, "member-form")
    member = Member.objects.get(person=city.resident_person)
    row = page.locator(f"#member-{member.pk}")
    assert "临汾市税务局机关党委" in row.inner_text()
    _go(page, row.locator("button[name=confirm]"))
    assert page.locator(f"#member-{member.pk}").count() == 0
    agency = AgencyRegistration.objects.get(name="临汾市税务局机关党委")
    assert member.agency_id == agency.pk

    # C2: a need and a resource; the suggested match is set as a project, checked and evaluated
    _go(page, page.locator(".crumbs a", has_text="需求清单"))
    page.fill("#id_title", "独居老人助餐")
    page.select_option("#id_category", label="养老服务")
    page.fill("#id_wanted_from", today.isoformat())
    page.fill("#id_wanted_to", later)
    page.fill("#id_quantity", "2")
    _submit(page, "need-form")
    need_url = page.url
    _go(page, page.locator(".crumbs a", has_text="资源清单"))
    page.fill("#id_title", "税务局送餐志愿队")
    page.select_option("#id_category", label="养老服务")
    page.select_option("#id_agency", label="临汾市税务局机关党委")
    page.fill("#id_available_from", today.isoformat())
    page.fill("#id_available_to", later)
    page.fill("#id_capacity", "3")
    _submit(page, "resource-form")
    assert "税务局送餐志愿队" in page.locator("#resources").inner_text()
    page.goto(need_url)
    suggestion = page.locator("#suggestions tbody tr").first
    assert "税务局送餐志愿队" in suggestion.inner_text()
    assert suggestion.locator("td").nth(1).inner_text() == "1.0"  # same category, place, period, enough
    page.locator("#project-form label", has_text="税务局送餐志愿队").click()
    _submit(page, "project-form")
    assert page.locator("#project-stage").inner_text() == "定"
    page.fill("#id_note", "每天中午按时送达，已回访三户")
    _submit(page, "check-form")
    assert page.locator("#project-stage").inner_text() == "查"
    page.fill("#id_id_number", ID_R1)
    page.select_option("#id_score", "5")
    page.fill("#id_comment", "饭菜热乎")
    _submit(page, "evaluate-form")
    assert page.locator("#project-stage").inner_text() == "评"
    assert "5.00" in page.locator("#project-score").inner_text()
    assert MatchedProject.objects.get(need__title="独居老人助餐").score == 5.0

    # C3: an activity, a sign-up, check-in with the code shown at the activity, check-out and the hours
    _go(page, page.locator(".crumbs a", has_text="活动列表"))
    start = timezone.localtime() - datetime.timedelta(hours=2, minutes=10)  # under way
    page.select_option("#id_kind", label="志愿服务")
    page.fill("#id_title", "五一路清洁家园")
    page.fill("#id_starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", (start + datetime.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_capacity", "10")
    _submit(page, "activity-form")
    activity_url = page.url
    page.select_option("#id_member", label="张伟")
    _submit(page, "signup-form")
    _go(page, page.get_by_role("link", name="显示签到码"))
    code = re.search(r"\d{6}", page.locator(".figure .value").inner_text()).group(0)
    page.goto(activity_url)
    page.select_option("#presence_member", label="张伟")
    page.fill("#presence_code", code)
    _go(page, page.locator("#presence-form button[name=check-in]"))
    assert "签到成功" in page.locator(".messages").inner_text()
    # the member stays two hours: the check-in is moved two hours back (the only step not taken on a page
    # is the clock's)
    signup = Signup.objects.get(member=member)
    Signup.objects.filter(pk=signup.pk).update(checked_in_at=signup.checked_in_at - datetime.timedelta(hours=2))
    page.select_option("#presence_member", label="张伟")
    page.fill("#presence_code", code)
    _go(page, page.locator("#presence-form button[name=check-out]"))
    hours = float(page.locator(f"#signup-{member.pk} .hours").inner_text())
    assert 1.98 <= hours <= 2.02  # from the check-in to the check-out, inside the activity
    assert f"{hours:.2f}" in page.locator(".messages").inner_text()

    # the yearly report to the agency counts the member, the activity and the hours
    _go(page, page.locator(".crumbs a", has_text="年度服务情况反馈"))
    page.locator(f"#report-{agency.pk}").wait_for()
    cells = page.locator(f"#report-{agency.pk} td").all_inner_texts()
    assert cells[2:5] == ["1", "1", f"{hours:.2f}"]
    assert figures.figures(city.community, today=today) == {
        "agency_orgs_registered": 1, "in_service_members_registered": 1, "projects_matched_year": 1}
    assert page.outside_requests == []
