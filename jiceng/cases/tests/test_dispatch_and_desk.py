"""One clear action on a case and the desk as a tool (issue 18 items 4 and 10): the next step is the
one primary button, dispatch names where the case goes, the staff timeline names role and name, the
desk's tiles filter its to-do list, which shows the description and is searched and sorted on the
server with a pinned number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiceng.cases.models import CaseEvent, Category
from jiceng.cases.services import case_act, department_create
from jiceng.core.errors import ValidationFailed
from jiceng.core.models import Notification


@pytest.fixture
def community_case(submit):
    """A case held by community K1 (路灯故障 is handled at community level), registered."""
    from jiceng.cases.services import case_act as act

    case = submit(category=Category.objects.get(code="C0102"), description="五一路路灯不亮")
    assert case.level == "community"
    return case, act


def _registered(case, city):
    return case_act(actor=city.users["community_worker"], case=case, action="register", version=case.version)


def test_the_case_page_offers_one_primary_action_and_the_rest_under_more(submit, client_for):
    case = submit()
    page = client_for("grid_worker").get(f"/cases/{case.code}/").content.decode()
    assert page.count("data-primary") == 1
    assert re.search(r'data-action="register" data-primary', page)
    more = page[page.index('id="more-actions"'):page.index("</details>")]
    assert 'data-action="reject"' in more and 'data-action="register"' not in more


def test_the_timeline_names_role_and_name_never_a_username(submit, city, client_for):
    user = city.users["grid_worker"]
    user.display_name = "张三"
    user.save()
    case = submit(actor=user, source="patrol")
    page = client_for("grid_worker").get(f"/cases/{case.code}/").content.decode()
    timeline = page[page.index('id="timeline"'):]
    assert "网格员 张三" in timeline and "grid_worker" not in timeline


def test_a_display_name_that_is_the_login_name_is_not_shown_as_a_name(submit, city, client_for):
    """The demo's accounts had their login name as display name: the timeline showed "网格员 demo-grid"."""
    user = city.users["grid_worker"]
    user.display_name = user.username
    user.save()
    case = submit(actor=user, source="patrol")
    page = client_for("grid_worker").get(f"/cases/{case.code}/").content.decode()
    timeline = page[page.index('id="timeline"'):]
    assert f"网格员 · {city.grid.name}" in timeline and user.username not in timeline


def test_the_demo_accounts_have_chinese_names():
    from jiceng.people.demo import DEMO_NAMES, DEMO_USERS

    assert set(DEMO_NAMES) == {u[0] for u in DEMO_USERS}
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", n) for n in DEMO_NAMES.values())


def test_system_steps_say_what_the_system_did(submit, client_for):
    from django.utils import timezone

    from jiceng.cases.services import case_breach

    case = submit()
    case_breach(case=case, now=timezone.now())
    timeline = client_for("street_official").get(f"/cases/{case.code}/").content.decode()
    assert "系统（自动升级）" in timeline


def test_a_community_worker_dispatches_to_a_department_of_their_choice(community_case, city):
    case, _act = community_case
    dept = department_create(actor=None, unit=city.street, name="街道城管科", business_line="urban")
    case = _registered(case, city)
    case = case_act(actor=city.users["community_worker"], case=case, action="dispatch", version=case.version,
                    to_department=dept)
    assert case.status == "dispatched" and case.department == dept
    assert "街道城管科" in CaseEvent.objects.get(case=case, action="dispatch").comment
    assert Notification.objects.filter(kind="case.dispatch", unit_path=city.street.path).exists()


def test_a_community_dispatches_down_to_the_grid_of_the_case(community_case, city):
    case, _act = community_case
    case = _registered(case, city)
    case = case_act(actor=city.users["community_worker"], case=case, action="dispatch", version=case.version,
                    to_unit=city.grid)
    assert case.handler == city.grid and case.level == "grid"


def test_dispatch_refuses_a_unit_off_the_way_and_a_department_of_another_area(community_case, city, client_for):
    case, _act = community_case
    case = _registered(case, city)
    client = client_for("community_worker")
    r = client.post(f"/api/v1/cases/{case.code}/actions", {"action": "dispatch", "version": case.version,
                                                           "to_unit": city.grid_b.code}, content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "to_unit"
    other = department_create(actor=None, unit=city.street2, name="鼓楼城管科", business_line="urban")
    r = client.post(f"/api/v1/cases/{case.code}/actions", {"action": "dispatch", "version": case.version,
                                                           "to_department": other.pk}, content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "to_department"
    with pytest.raises(ValidationFailed):
        case_act(actor=city.users["community_worker"], case=case, action="start", version=case.version,
                 to_unit=city.grid)


def test_the_page_dispatch_names_the_department(community_case, city, client_for):
    case, _act = community_case
    dept = department_create(actor=None, unit=city.street, name="街道城管科", business_line="urban")
    case = _registered(case, city)
    client = client_for("community_worker")
    page = client.get(f"/cases/{case.code}/").content.decode()
    assert f'value="dept:{dept.pk}"' in page and f'value="unit:{city.grid.code}"' in page
    r = client.post(f"/cases/{case.code}/act/", {"action": "dispatch", "version": case.version,
                                                 "to": f"dept:{dept.pk}"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.department == dept
    r = client.post(f"/cases/{case.code}/act/", {"action": "start", "version": case.version, "to": "nonsense"},
                    follow=True)
    assert "Choose where the case goes" in r.content.decode() or "选择" in r.content.decode()


def test_desk_tiles_filter_the_to_do_list(submit, city, client_for):
    a = submit(description="楼道堆放杂物")
    b = submit(description="垃圾桶满溢")
    case_act(actor=city.users["grid_worker"], case=b, action="register", version=b.version)
    client = client_for("community_worker")
    page = client.get(f"/cases/desk/?unit={city.community.code}").content.decode()
    assert 'data-status="registered"' in page and "楼道堆放杂物" in page  # the description is shown
    page = client.get(f"/cases/desk/?unit={city.community.code}&status=registered").content.decode()
    todo = page[page.index('id="todo"'):page.index("</table>")]
    assert b.code in todo and a.code not in todo


def test_desk_search_and_sort_on_the_server(submit, city, client_for):
    a = submit(description="楼道堆放杂物")
    b = submit(description="垃圾桶满溢")
    client = client_for("community_worker")
    todo = client.get(f"/cases/desk/?unit={city.community.code}&q=满溢").content.decode()
    todo = todo[todo.index('id="todo"'):todo.index("</table>")]
    assert b.code in todo and a.code not in todo
    todo = client.get(f"/cases/desk/?unit={city.community.code}&sort=-received").content.decode()
    todo = todo[todo.index('id="todo"'):todo.index("</table>")]
    assert todo.index(b.code) < todo.index(a.code)


@pytest.mark.parametrize("query", ["status=nonsense", "sort=drop", "q=" + "x" * 81])
def test_desk_refuses_bad_filters_with_a_reason(city, client_for, query):
    r = client_for("community_worker").get(f"/cases/desk/?unit={city.community.code}&{query}")
    assert r.status_code == 400


def test_desk_queries_are_pinned_whatever_the_number_of_cases(submit, city, client_for):
    client = client_for("community_worker")
    url = f"/cases/desk/?unit={city.community.code}&sort=category"

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    submit()
    few = count()
    for _ in range(5):
        submit()
    assert count() == few


def test_case_page_queries_do_not_grow_with_the_timeline(submit, city, client_for):
    case = submit(actor=city.users["grid_worker"], source="patrol")
    client = client_for("community_worker")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/cases/{case.code}/").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for action in ("register", "dispatch", "start"):
        case = case_act(actor=city.users["grid_worker"], case=case, action=action, version=case.version)
    assert count() == before


DESK_QUERIES = 11
BOARD_QUERIES = 9
CASE_QUERIES = 12


def test_pinned_queries_of_the_desk_the_board_and_the_case_page(submit, city, client_for):
    from django.utils import timezone

    from jiceng.cases.services import case_breach
    from jiceng.core.testing import assert_queries

    cases = [submit(actor=city.users["grid_worker"], source="patrol") for _ in range(4)]
    for c in cases[:2]:
        case_breach(case=c, now=timezone.now())
    client = client_for("street_official")
    desk = f"/cases/desk/?unit={city.community.code}&q=垃圾&sort=-received"
    board = f"/cases/board/?unit={city.street.code}"
    page = f"/cases/{cases[0].code}/"
    for url in (desk, board, page):
        client.get(url)  # warm the session and the per-process caches
    with assert_queries(DESK_QUERIES, label="desk"):
        assert client.get(desk).status_code == 200
    with assert_queries(BOARD_QUERIES, label="board"):
        assert client.get(board).status_code == 200
    with assert_queries(CASE_QUERIES, label="case page"):
        assert client.get(page).status_code == 200
