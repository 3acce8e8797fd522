"""In a real browser (issue 18 items 4, 9, 10): a grid worker takes a case on a phone with one obvious
action at each step; a community worker dispatches a case to a department of their choice at the desk;
a street official chases up a supervision card from the board."""

import datetime
import os

import pytest
from django.utils import timezone

from jiceng.conftest import browser_login, build_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/case18"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}


def _shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _case(code="E0101", description="楼下垃圾堆放多日无人清理", point=(36.05, 111.42)):
    from jiceng.cases.models import Category
    from jiceng.cases.services import case_submit

    return case_submit(actor=None, category=Category.objects.get(code=code), description=description,
                       source="api", lat=point[0], lng=point[1])[0]


def test_a_grid_worker_takes_a_case_on_a_phone_with_one_obvious_action(page):
    from jiceng.cases.models import Case

    city = build_city()
    worker = city.users["grid_worker"]
    worker.display_name = "张三"
    worker.save()
    case = _case()
    page.set_viewport_size(PHONE)
    browser_login(page, "grid_worker", "pass-grid_worker")
    page.goto("/cases/queue/")
    page.click(f"a[href='/cases/{case.code}/']")
    _shot(page, "phone-1-received")
    for action in ("register", "dispatch", "start", "handle"):
        page.wait_for_selector(f"[data-primary][data-action={action}]")
        assert page.locator("[data-primary]").count() == 1  # one obvious action
        assert page.locator("[data-primary]").is_visible()
        assert not page.locator("#more-actions").evaluate("d => d.open")  # the rest folded away
        assert _no_sideways_scroll(page)
        if action == "handle":
            page.fill("#primary-comment", "已清理完毕")
            _shot(page, "phone-2-handle")
        page.click("[data-primary]")
    page.wait_for_selector("#case-status:has-text('已处置'), #case-status:has-text('Handled')")
    case = Case.objects.get(pk=case.pk)
    assert case.status == "handled"
    timeline = page.inner_text("#timeline")
    assert "网格员 张三" in timeline and "grid_worker" not in timeline
    assert _no_sideways_scroll(page)
    _shot(page, "phone-3-handled")
    assert page.outside_requests == []


def test_a_community_worker_dispatches_a_case_to_a_department_of_their_choice(page):
    from jiceng.cases.models import Case
    from jiceng.cases.services import case_act, department_create

    city = build_city()
    department_create(actor=None, unit=city.county, name="区住建局", business_line="urban")
    chosen = department_create(actor=None, unit=city.street, name="街道城管科", business_line="urban")
    department_create(actor=None, unit=city.street, name="街道应急办", business_line="emergency")
    case = _case(code="C0102", description="五一路路灯不亮已三天")
    case = case_act(actor=None, case=case, action="register", version=case.version)
    page.set_viewport_size(DESK)
    browser_login(page, "community_worker", "pass-community_worker")
    page.goto("/cases/desk/")
    page.click("#status-tiles a[data-status=registered]")  # the tile filters the to-do list
    page.wait_for_url("**status=registered**")
    assert "五一路路灯不亮已三天" in page.inner_text("#todo")  # the description is in the table
    _shot(page, "desk-1-filtered")
    page.click(f"#todo a[href='/cases/{case.code}/']")
    page.wait_for_selector("[data-primary][data-action=dispatch]")
    page.select_option("#dispatch-to", f"dept:{chosen.pk}")
    page.fill("#primary-comment", "请城管科派人维修")
    _shot(page, "desk-2-dispatch")
    page.click("[data-primary]")
    page.wait_for_selector("#dispatched-to")
    assert page.inner_text("#dispatched-to") == "街道城管科"
    case = Case.objects.get(pk=case.pk)
    assert case.status == "dispatched" and case.department == chosen
    assert "街道城管科" in page.inner_text("#timeline")
    _shot(page, "desk-3-dispatched")
    assert page.outside_requests == []


def test_a_street_official_chases_up_a_supervision_card(page):
    from jiceng.cases.models import Case, CaseEvent
    from jiceng.cases.services import case_breach
    from jiceng.core.models import Notification

    city = build_city()
    late = _case()
    Case.objects.filter(pk=late.pk).update(deadline_at=timezone.now() - datetime.timedelta(hours=1))
    late.refresh_from_db()
    case = case_breach(case=late, now=timezone.now())
    page.set_viewport_size(DESK)
    browser_login(page, "street_official", "pass-street_official")
    page.goto(f"/cases/board/?unit={city.street.code}")
    card = page.locator(f"#cards .sup-card:has(a[href='/cases/{case.code}/'])")
    assert card.locator(".supervisor").inner_text() == city.community.name  # the supervising unit
    _shot(page, "board-1-card")
    card.locator("[data-action=chase]").click()
    page.wait_for_selector(".messages, .message, [role=alert]")
    assert CaseEvent.objects.filter(case=case, action="chase").count() == 1
    assert Notification.objects.filter(kind="card.chase", unit_path=case.handler_path).exists()
    page.locator(f"#cards .sup-card:has(a[href='/cases/{case.code}/']) [data-action=chase]").click()
    page.wait_for_load_state()
    assert "催办" in page.content()
    assert CaseEvent.objects.filter(case=case, action="chase").count() == 1  # refused within the hour
    _shot(page, "board-2-chased-again")
    page.goto(f"/cases/{case.code}/")
    assert "催办" in page.inner_text("#timeline")
    assert page.outside_requests == []
