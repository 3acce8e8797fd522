"""In a real browser: a community secretary creates a project with a milestone; when the milestone is
missed, the sweep raises a prompt card that the street sees on its projects page."""

import datetime

import pytest
from django.utils import timezone

from jiceng.conftest import browser_login, build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_community_secretary_creates_a_project_with_a_milestone_and_the_street_sees_it_missed(page):
    from jiceng.orgs.services import party_org_set_secretary
    from jiceng.people.services import person_create
    from jiceng.projects import sweeps
    from jiceng.projects.models import Milestone, Project

    city = build_city()
    secretary = person_create(actor=None, household=city.household, name="刘书记", gender="F")
    party_org_set_secretary(actor=None, org=city.org_community, secretary=secretary)
    today = timezone.localdate()
    year = today.year

    browser_login(page, "community_worker", "pass-community_worker")
    page.wait_for_load_state()
    page.goto("/projects/new/")
    assert page.input_value("input[name=unit]") == city.community.code
    page.fill("input[name=title]", "幸福小区加装电梯")
    page.fill("textarea[name=problem]", "老旧小区无电梯，老人上下楼难")
    page.fill("textarea[name=goals]", "年内加装2部电梯")
    page.fill("input[name=deadline]", f"{year}-12-31")
    page.click("form.card button")
    page.wait_for_url("**/projects/*/")
    assert "幸福小区加装电梯" in page.inner_text("h1")
    assert "刘书记" in page.inner_text("main")  # the secretary of the community party committee leads it

    due = today - datetime.timedelta(days=10) if today.month > 1 or today.day > 11 else today
    page.fill("#milestone-form input[name=title]", "入户征求意见")
    page.fill("#milestone-form input[name=due]", due.isoformat())
    page.fill("#milestone-form input[name=weight]", "2")
    page.click("#milestone-form button")
    page.wait_for_load_state()
    assert "入户征求意见" in page.inner_text("#milestones")
    project = Project.objects.get(title="幸福小区加装电梯")
    assert project.leader_id == secretary.pk
    assert Milestone.objects.get(project=project).weight == 2

    # Report progress on the milestone through the page.
    page.fill("#milestones input[name=progress]", "40")
    page.click("#milestones button")
    page.wait_for_load_state()
    assert page.inner_text("#progress") == "40%"

    if due < today:
        sweeps.sweep(timezone.now())
        page.context.clear_cookies()
        browser_login(page, "street_official", "pass-street_official")
        page.wait_for_load_state()
        page.goto(f"/projects/?unit={city.street.code}")
        assert "入户征求意见" in page.inner_text("#cards")
    assert page.outside_requests == []
