import datetime

from django.utils import timezone

from jiceng.mobilize import calls, sweeps
from jiceng.mobilize.models import Assignment, AssignmentState

from .conftest import make_members, post


def test_declines_are_refilled_by_the_next_nearest_member(city, wartime):
    members = make_members(city, 4)
    call = calls.call_issue(actor=None, unit=city.community, title="封控", posts=[post(2)])
    calls.call_assign(actor=None, call=call)
    first = Assignment.objects.get(call=call, member=members[0], active=True)
    calls.assignment_respond(actor=None, assignment=first, accept=False)
    result = sweeps.sweep(timezone.now())
    assert result["refilled"] == 1
    holders = set(Assignment.objects.filter(call=call, active=True).values_list("member_id", flat=True))
    assert holders == {members[1].pk, members[2].pk}


def test_unanswered_offers_expire_and_are_refilled(city, wartime):
    members = make_members(city, 3)
    call = calls.call_issue(actor=None, unit=city.community, title="封控", posts=[post(1)], respond_minutes=10)
    calls.call_assign(actor=None, call=call)
    result = sweeps.sweep(timezone.now() + datetime.timedelta(minutes=11))
    assert result["expired"] == 1 and result["refilled"] == 1
    assert Assignment.objects.get(call=call, active=True).member_id == members[1].pk


def test_a_shortfall_escalates_and_the_street_draws_on_neighbours(city, wartime):
    make_members(city, 1)
    call = calls.call_issue(actor=None, unit=city.community, title="封控", posts=[post(3)])
    summary = calls.call_assign(actor=None, call=call)
    call.refresh_from_db()
    assert summary["unfilled"] == 2 and call.escalated_at is not None
    # members living elsewhere in the street, in a new community K1b
    from jiceng.orgs.services import unit_create

    k1b = unit_create(actor=None, parent=city.street, kind="community", code="141002001002", name="新风社区")
    make_members(city, 3, community=k1b, lng=111.452)
    summary = calls.call_draw_neighbours(actor=city.users["street_official"], call=call)
    assert Assignment.objects.filter(call=call, active=True).count() == 3


def test_accepting_after_the_deadline_is_refused(city, wartime, member):
    call = calls.call_issue(actor=None, unit=city.community, title="封控", posts=[post(1)], respond_minutes=5)
    calls.call_assign(actor=None, call=call)
    a = Assignment.objects.get(call=call, member=member)
    import pytest

    from jiceng.core.errors import Conflict

    with pytest.raises(Conflict):
        calls.assignment_respond(actor=city.users["party_member"], assignment=a, accept=True,
                                 now=timezone.now() + datetime.timedelta(minutes=6))
    assert Assignment.objects.get(pk=a.pk).state == AssignmentState.OFFERED
