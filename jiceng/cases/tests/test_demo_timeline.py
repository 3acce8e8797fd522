"""The demo city's cases carry whole timelines consistent with their final state."""

import pytest
from django.utils import timezone

from jiceng.cases.models import Case, CaseEvent, Status
from jiceng.demo.runner import DemoContext, build_demo_city

pytestmark = pytest.mark.django_db

SIDE = {"supervise", "whistle", "rate"}  # steps that leave the status as it is


def test_every_demo_case_has_a_timeline_that_leads_to_its_status_and_the_demo_logins_find_work():
    ctx = build_demo_city(DemoContext(quiet=True, scale=0.03), only={"orgs", "cases"})
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
        register = next((e for e in steps if e.action == "register"), None)
        if register is not None:  # (a new case past its deadline is reported up by the sweep unregistered)
            assert register.at == case.responded_at
        if case.status == Status.CLOSED:
            assert next(e for e in steps if e.action == "close").at == case.closed_at
            assert next(e for e in steps if e.action == "handle").at == case.handled_at
            assert case.handled_at <= case.closed_at
        assert (case.rating != "") == any(e.action == "rate" for e in steps)
        ups = [e for e in steps if e.action in ("escalate", "auto_escalate")]
        assert len(ups) == case.escalations and (not ups or ups[-1].handler_path == case.handler_path)
    assert {"register", "dispatch", "start", "handle", "verify", "close", "escalate", "rate", "reject",
            "auto_escalate"} <= seen_actions
    # the sweep has seen every open case past its deadline: none is left without its card
    from jiceng.cases.sweeps import LIVE

    assert not Case.objects.filter(status__in=LIVE, deadline_at__lte=now).exists()
    assert all(c.cards.exists() for c in Case.objects.filter(overdue=True, status__in=LIVE))

    # the demo logins' own grid and community have work waiting
    from jiceng.accounts.models import User
    from jiceng.cases.models import CARD_KIND
    from jiceng.cases.selectors import queue_for
    from jiceng.core.models import SupervisionCard

    grid, community = ctx.data["demo_units"]["grid"], ctx.data["demo_units"]["community"]
    assert queue_for(user=User.objects.get(username="demo-grid")).count() >= 4
    assert queue_for(user=User.objects.get(username="demo-community")).filter(status="handled").exists()
    under_grid = [str(pk) for pk in Case.objects.filter(unit_path__startswith=grid.path).values_list("pk", flat=True)]
    assert SupervisionCard.objects.filter(unit=community, kind=CARD_KIND, subject_id__in=under_grid).exists()
