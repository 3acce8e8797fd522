"""Deadlines that agree (issue 18 item 9): one rule (`deadlines.due_state`) read by the case page, the
queue, the desk, the board and the API; no "overdue" beside a future deadline; every change of a
deadline is a step on the timeline with its reason."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.utils import timezone

from jiceng.cases.deadlines import DONE, OK, OVERDUE, PAUSED, SOON, due_state, duration_text
from jiceng.cases.models import CaseEvent
from jiceng.cases.services import case_act, case_breach

NOW = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


def _case(status="in_progress", deadline=NOW + datetime.timedelta(hours=5), warn=None, overdue=False):
    return SimpleNamespace(status=status, deadline_at=deadline, warn_at=warn, overdue=overdue)


def test_a_future_deadline_is_never_overdue_even_after_a_missed_one():
    due = due_state(_case(overdue=True), NOW)
    assert due.state == OK and not due.overdue and due.missed_before
    assert due.delta == datetime.timedelta(hours=5) and due.overdue_minutes is None


def test_a_passed_deadline_of_an_open_case_is_overdue_by_the_time_since():
    due = due_state(_case(deadline=NOW - datetime.timedelta(hours=26, minutes=10)), NOW)
    assert due.state == OVERDUE and due.overdue_minutes == 26 * 60 + 10 and due.css == "red"
    assert "1" in due.label and "2" in due.label  # 1 d 2 h


def test_past_the_warning_point_it_is_due_soon():
    assert due_state(_case(warn=NOW - datetime.timedelta(minutes=1)), NOW).state == SOON


def test_final_and_suspended_cases_have_no_running_deadline():
    past = NOW - datetime.timedelta(days=3)
    assert due_state(_case(status="closed", deadline=past), NOW).state == DONE
    assert due_state(_case(status="suspended", deadline=past), NOW).state == PAUSED
    assert not due_state(_case(status="closed", deadline=past), NOW).label


def test_durations_read_in_days_hours_minutes():
    assert duration_text(datetime.timedelta(days=2, hours=3)) == "2 d 3 h"
    assert duration_text(datetime.timedelta(hours=4, minutes=5)) == "4 h 5 min"
    assert duration_text(datetime.timedelta(minutes=7)) == "7 min"


def test_escalation_records_the_deadline_change_with_its_reason(submit, city):
    case = submit()
    old = case.deadline_at
    case = case_act(actor=city.users["grid_worker"], case=case, action="escalate", version=case.version,
                    comment="需要社区协调")
    step = CaseEvent.objects.get(case=case, action="deadline")
    assert case.deadline_at != old
    assert timezone.localtime(old).strftime("%Y-%m-%d %H:%M") in step.comment
    assert timezone.localtime(case.deadline_at).strftime("%Y-%m-%d %H:%M") in step.comment
    assert "reported up" in step.comment and not step.public


def test_a_breach_says_which_deadline_was_missed_and_the_new_one(submit, city):
    case = submit()
    missed = case.deadline_at
    case = case_breach(case=case, now=missed + datetime.timedelta(minutes=1))
    steps = list(CaseEvent.objects.filter(case=case).order_by("id").values_list("action", flat=True))
    assert steps[-2:] == ["auto_escalate", "deadline"]
    text = CaseEvent.objects.get(case=case, action="deadline").comment
    assert timezone.localtime(missed).strftime("%Y-%m-%d %H:%M") in text and city.community.name in text


def test_an_approved_extension_is_on_the_timeline(submit, city):
    case = submit()
    case = case_act(actor=city.users["grid_worker"], case=case, action="request_extend", version=case.version,
                    comment="等待配件", hours=24)
    case = case_act(actor=city.users["community_worker"], case=case, action="approve", version=case.version)
    assert "extension approved" in CaseEvent.objects.get(case=case, action="deadline").comment


@pytest.mark.parametrize("lang", ["zh-hans"])
def test_case_page_and_board_give_the_same_overdue_time_and_no_overdue_beside_a_future_deadline(
        submit, city, client_for, lang):
    late = submit()
    case_breach(case=late, now=timezone.now())  # reported up to K1 with a new, future deadline
    client = client_for("street_official")
    client.cookies["django_language"] = lang
    page = client.get(f"/cases/{late.code}/").content.decode()
    state = re.search(r'id="due-state" data-state="(\w+)">([^<]*)<', page)
    assert state.group(1) == "ok"  # the new deadline lies ahead: no 超期 beside it
    assert "超期" not in state.group(2)
    board = client.get(f"/cases/board/?unit={city.street.code}").content.decode()
    card = re.search(r'data-card="\d+">.*?data-state="(\w+)">([^<]*)<', board, re.S)
    assert card.group(1) == state.group(1)
    # both read the same rule at (almost) the same moment: the same text but for a minute's tick
    assert card.group(2).split()[0] == state.group(2).split()[0]


def test_the_api_reads_the_same_rule(submit, city, client_for):
    case = submit()
    body = client_for("grid_worker").get(f"/api/v1/cases/{case.code}").json()
    assert body["due"] == due_state(case, timezone.now()).state and body["overdue_minutes"] is None
