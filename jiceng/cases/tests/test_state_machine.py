"""Hypothesis (stateful): no sequence of actions reaches an invalid state or loses an audit record."""

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from jiceng.cases import workflow
from jiceng.cases.models import FINAL_STATUSES, LEVEL_ORDER, Case, CaseEvent, Category, Rollup, Status
from jiceng.cases.services import case_act, case_rate, case_submit
from jiceng.core.errors import ServiceError
from jiceng.core.models import AuditEvent

ACTORS = ["grid_worker", "community_worker", "street_official", "city_admin", "party_member", "outsider"]


@pytest.mark.django_db
def test_random_action_sequences_keep_the_case_valid(city):
    category = Category.objects.get(code="E0101")
    transitions = workflow.allowed_transitions()

    class CaseMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.case, _ = case_submit(actor=None, category=category, description="状态机", source="api",
                                       lat=36.05, lng=111.42)
            self.secret = self.case.follow_secret
            self.successes = 1
            self.audit_before = AuditEvent.objects.filter(object_id=str(self.case.pk),
                                                          object_type="cases.case").count()

        @rule(who=st.sampled_from(ACTORS), action=st.sampled_from(sorted(workflow.ACTIONS)),
              stale=st.booleans(), hours=st.integers(0, 48))
        def act(self, who, action, stale, hours):
            before = Case.objects.get(pk=self.case.pk)
            version = before.version - 1 if stale else before.version
            try:
                after = case_act(actor=city.users[who], case=before, action=action, version=version,
                                 comment="理由", hours=hours)
            except ServiceError:
                after = Case.objects.get(pk=self.case.pk)
                assert after.version == before.version and after.status == before.status  # nothing written
                return
            assert not stale
            self.successes += 1
            assert after.version == before.version + 1
            assert after.status == before.status or after.status in transitions.get(before.status, set())

        @rule(rating=st.sampled_from(["satisfied", "basic", "not"]))
        def rate(self, rating):
            before = Case.objects.get(pk=self.case.pk)
            try:
                case_rate(case=before, rating=rating, secret=self.secret)
            except ServiceError:
                assert Case.objects.get(pk=self.case.pk).version == before.version
                return
            self.successes += 1

        @invariant()
        def valid(self):
            case = Case.objects.get(pk=self.case.pk)
            assert case.status in Status.values
            assert case.level in LEVEL_ORDER and case.handler.kind == case.level
            assert case.unit_path.startswith(case.handler_path)
            if case.status == Status.CLOSED:
                assert case.closed_at is not None and case.settled_level
            if case.status in FINAL_STATUSES:
                assert not case.pending_action
            # every successful step left one audit record and one timeline event (plus a "deadline" step
            # when it moved the deadline: never a silent move)
            audits = AuditEvent.objects.filter(object_id=str(case.pk), object_type="cases.case").count()
            assert audits == self.successes + self.audit_before - 1
            assert CaseEvent.objects.filter(case=case).exclude(action="deadline").count() == self.successes
            # rollup never goes negative
            assert not Rollup.objects.filter(accepted__lt=0).exists()
            assert not Rollup.objects.filter(closed__lt=0).exists()

    run_state_machine_as_test(CaseMachine, settings=settings(
        max_examples=25, stateful_step_count=30, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))
