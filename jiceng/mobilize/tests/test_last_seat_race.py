"""Two members accepting the last seat at once: exactly one gets it (run on PostgreSQL for real threads)."""

import threading

import pytest
from django.db import connection, connections

from jiceng.core.errors import Conflict
from jiceng.mobilize import calls
from jiceng.mobilize.models import Assignment

from .conftest import make_members, post


@pytest.mark.django_db(transaction=True)
def test_exactly_one_of_two_members_gets_the_last_seat(city):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for concurrent writers")
    calls.mode_switch(actor=None, unit=city.community, mode="wartime", reason="演练")
    a, b = make_members(city, 2)
    call = calls.call_issue(actor=None, unit=city.community, title="封控", posts=[post(1)])
    the_post = call.posts.get()
    barrier = threading.Barrier(2)
    results = {}

    def take(member):
        try:
            barrier.wait()
            calls.seat_take(actor=None, post=the_post, member=member)
            results[member.pk] = "ok"
        except Conflict as exc:
            results[member.pk] = exc.code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(m,)) for m in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()) == sorted(["ok", results[a.pk] if results[a.pk] != "ok" else results[b.pk]])
    assert list(results.values()).count("ok") == 1
    assert Assignment.objects.filter(post=the_post, active=True).count() == 1


def test_a_member_cannot_take_two_overlapping_shifts(city, wartime):
    (m,) = make_members(city, 1)
    call = calls.call_issue(actor=None, unit=city.community, title="封控", posts=[post(1), post(1, lng=111.46)])
    p1, p2 = call.posts.order_by("id")
    calls.seat_take(actor=None, post=p1, member=m)
    with pytest.raises(Conflict) as exc:
        calls.seat_take(actor=None, post=p2, member=m)
    assert exc.value.code == "overlap"
