"""The workflow: roles per action, tiered handling, stale versions conflict, the full happy path."""

import pytest

from jiceng.cases.models import Status
from jiceng.cases.services import case_act, case_escalate
from jiceng.core.errors import Conflict, Forbidden, NotFound, ValidationFailed


def act(case, who, action, city, comment="ok", **kw):
    user = city.users[who] if who else None
    return case_act(actor=user, case=case, action=action, version=case.version, comment=comment, **kw)


def test_a_grid_case_goes_from_received_to_closed(submit, city):
    case = submit()
    for who, action in [("grid_worker", "register"), ("grid_worker", "dispatch"), ("grid_worker", "start"),
                        ("grid_worker", "handle"), ("community_worker", "verify"), ("community_worker", "close")]:
        case = act(case, who, action, city)
    assert case.status == Status.CLOSED and case.settled_level == "grid" and case.closed_on_time
    assert list(case.events.values_list("action", flat=True)) == [
        "receive", "register", "dispatch", "start", "handle", "verify", "close"]


def test_the_grid_worker_may_not_verify_its_own_work(submit, city):
    case = submit()
    for action in ["register", "dispatch", "start", "handle"]:
        case = act(case, "grid_worker", action, city)
    with pytest.raises(Forbidden):
        act(case, "grid_worker", "verify", city)


def test_readers_and_outsiders_cannot_act(submit, city):
    case = submit()
    with pytest.raises(Forbidden):
        act(case, "party_member", "register", city)
    with pytest.raises(NotFound):
        act(case, "outsider", "register", city)
    with pytest.raises(NotFound):
        act(case, "resident", "register", city)


def test_a_report_up_moves_the_case_to_the_community_and_the_grid_can_no_longer_act(submit, city):
    case = submit()
    case = case_escalate(actor=city.users["grid_worker"], case=case, reason="需要社区协调", version=case.version)
    assert case.handler == city.community and case.level == "community" and case.status == Status.REGISTERED
    with pytest.raises(Forbidden):
        act(case, "grid_worker", "dispatch", city)
    case = act(case, "community_worker", "dispatch", city)
    case = case_escalate(actor=city.users["community_worker"], case=case, reason="街道统筹", version=case.version)
    assert case.level == "street"


def test_report_up_needs_a_reason(submit, city):
    case = submit()
    with pytest.raises(ValidationFailed):
        case_escalate(actor=city.users["grid_worker"], case=case, reason="", version=case.version)


def test_a_stale_version_gets_a_conflict_and_changes_nothing(submit, city):
    case = submit()
    seen = case.version
    case_act(actor=city.users["grid_worker"], case=case, action="register", version=seen)
    with pytest.raises(Conflict) as err:
        case_act(actor=city.users["community_worker"], case=case, action="reject", version=seen, comment="重复")
    assert err.value.status == 409 and "changed this case first" in str(err.value.message)
    case.refresh_from_db()
    assert case.status == Status.REGISTERED


def test_a_transition_not_allowed_from_the_state_is_refused(submit, city):
    case = submit()
    with pytest.raises(ValidationFailed) as err:
        act(case, "grid_worker", "handle", city)
    assert err.value.code == "bad_transition"


def test_suspend_extend_and_void_need_the_level_above(submit, city):
    case = act(submit(), "grid_worker", "register", city)
    case = act(case, "grid_worker", "request_extend", city, comment="等待配件", hours=24)
    deadline = case.deadline_at
    with pytest.raises(Forbidden):
        act(case, "grid_worker", "approve", city)
    case = act(case, "community_worker", "approve", city)
    assert (case.deadline_at - deadline).total_seconds() >= 24 * 3600 - 1
    case = act(case, "grid_worker", "request_suspend", city, comment="业主外出")
    case = act(case, "community_worker", "approve", city)
    assert case.status == Status.SUSPENDED
    case = act(case, "grid_worker", "resume", city)
    case = act(case, "grid_worker", "request_void", city, comment="误报")
    case = act(case, "street_official", "approve", city)
    assert case.status == Status.VOIDED


def test_rework_counts_and_returns_the_case(submit, city):
    case = submit()
    for action in ["register", "dispatch", "start", "handle"]:
        case = act(case, "grid_worker", action, city)
    case = act(case, "community_worker", "rework", city, comment="没扫干净")
    assert case.status == Status.REWORK and case.reworks == 1
    case = act(case, "grid_worker", "start", city)
    assert case.status == Status.IN_PROGRESS
