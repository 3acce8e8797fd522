import pytest

from jiceng.core.errors import ValidationFailed
from jiceng.mobilize import calls
from jiceng.mobilize.assignment import AssignmentProblem
from jiceng.mobilize.models import Assignment, AssignmentState, Call, Post, Seat

from .conftest import make_members, post, shift


def test_a_call_needs_wartime_first(city):
    with pytest.raises(ValidationFailed, match="wartime"):
        calls.call_issue(actor=city.users["community_worker"], unit=city.community, title="封控", posts=[post()])
    assert not Call.objects.exists()


def test_assignment_fills_seats_with_the_nearest_members(city, wartime):
    members = make_members(city, 6)
    call = calls.call_issue(actor=city.users["community_worker"], unit=city.community, title="封控",
                            posts=[post(2), post(1, lng=111.453)])
    summary = calls.call_assign(actor=city.users["community_worker"], call=call)
    assert summary["filled"] == 3 and summary["unfilled"] == 0
    got = set(Assignment.objects.filter(call=call, active=True).values_list("member_id", flat=True))
    assert got == {members[0].pk, members[1].pk, members[3].pk}
    assert Assignment.objects.filter(call=call, state=AssignmentState.OFFERED).count() == 3


def test_total_distance_equals_an_independent_optimum(city, wartime):
    make_members(city, 40, step=0.0007)
    posts = [post(3, lng=111.45 + 0.004 * i) for i in range(5)] + [
        post(2, lng=111.46, start_end=shift(20, 4))]
    call = calls.call_issue(actor=None, unit=city.community, title="筛查", posts=posts)
    summary = calls.call_assign(actor=None, call=call)
    from django.utils import timezone

    inst = calls.build_instance(call, now=timezone.now())
    check = inst.problem.verify_optimal_scipy()
    assert isinstance(inst.problem, AssignmentProblem)
    assert summary["filled"] == check["filled"] == 17
    assert summary["total_distance_m"] == check["total_distance_m"]


def test_skills_and_shift_overlap_are_respected(city, wartime):
    make_members(city, 3)
    medic = make_members(city, 1, skills=1 << 0)[0]  # medical
    a = shift(2, 8)
    call = calls.call_issue(actor=None, unit=city.community, title="转运",
                            posts=[post(1, skills=["medical"], start_end=a), post(3, start_end=shift(4, 4))])
    calls.call_assign(actor=None, call=call)
    medical_post = Post.objects.get(call=call, required_skills=1)
    assert Assignment.objects.get(post=medical_post, active=True).member_id == medic.pk
    # nobody holds two overlapping shifts
    per_member = {}
    for m, s, e in Assignment.objects.filter(active=True).values_list("member_id", "shift_start", "shift_end"):
        for s2, e2 in per_member.get(m, []):
            assert not (s < e2 and s2 < e)
        per_member.setdefault(m, []).append((s, e))


def test_a_killed_worker_leaves_the_call_as_before(city, wartime, monkeypatch):
    make_members(city, 5)
    call = calls.call_issue(actor=None, unit=city.community, title="封控", posts=[post(3)])
    calls.call_assign(actor=None, call=call)
    before = list(Assignment.objects.filter(call=call).values_list("id", "state", "active"))

    def crash(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(calls, "_write_offers", crash)
    with pytest.raises(SystemExit):
        calls.call_assign(actor=None, call=call)
    assert list(Assignment.objects.filter(call=call).values_list("id", "state", "active")) == before
    assert Seat.objects.filter(call=call).count() == 3


def test_reoptimization_keeps_people_on_duty(city, wartime):
    members = make_members(city, 4)
    call = calls.call_issue(actor=None, unit=city.community, title="封控", posts=[post(1, start_end=shift(0, 4))])
    calls.call_assign(actor=None, call=call)
    a = Assignment.objects.get(call=call, active=True)
    Assignment.objects.filter(pk=a.pk).update(state=AssignmentState.CHECKED_IN)
    # a nearer member appears: on-duty member keeps the seat
    make_members(city, 1, lng=111.45)
    summary = calls.call_assign(actor=None, call=call)
    assert summary["kept"] == 1
    assert Assignment.objects.get(call=call, active=True).member_id == a.member_id == members[0].pk
