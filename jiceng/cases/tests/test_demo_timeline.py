"""The demo city's cases carry whole timelines consistent with their final state."""

import pytest
from django.utils import timezone

from jiceng.cases.models import Case, CaseEvent, Status
from jiceng.demo.runner import DemoContext, build_demo_city

pytestmark = pytest.mark.django_db

SIDE = {"supervise", "whistle", "rate"}  # steps that leave the status as it is


def test_every_demo_case_has_a_timeline_that_leads_to_its_status():
    build_demo_city(DemoContext(quiet=True, scale=0.03), only={"orgs", "cases"})
    now = timezone.now()
    cases = {c.pk: c for c in Case.objects.all()}
    assert len(cases) >= 3000
    events: dict[int, list] = {}
    for e in CaseEvent.objects.order_by("case_id", "at", "id"):
        events.setdefault(e.case_id, []).append(e)
    assert set(events) == set(cases)
    seen_actions = set()
    for pk, case in cases.items():
        steps = events[pk]
        assert steps[0].action == "receive" and steps[0].at == case.received_at
        assert all(a.at <= b.at for a, b in zip(steps, steps[1:], strict=False))
        assert steps[-1].at <= now
        status = ""
        for e in steps:
            seen_actions.add(e.action)
            if e.action in SIDE:
                continue
            assert e.from_status == status, (case.code, e.action, e.from_status, status)
            status = e.to_status
        assert status == case.status, (case.code, [e.action for e in steps])
        if case.status != Status.RECEIVED:
            register = next(e for e in steps if e.action == "register")
            assert register.at == case.responded_at
        if case.status == Status.CLOSED:
            assert next(e for e in steps if e.action == "close").at == case.closed_at
            assert next(e for e in steps if e.action == "handle").at == case.handled_at
            assert case.handled_at <= case.closed_at
        assert (case.rating != "") == any(e.action == "rate" for e in steps)
        ups = [e for e in steps if e.action == "escalate"]
        assert len(ups) == case.escalations and (not ups or ups[-1].handler_path == case.handler_path)
    assert {"register", "dispatch", "start", "handle", "verify", "close", "escalate", "rate", "reject"} <= seen_actions
