"""The intake is the busiest write: its queries are pinned, the audit append is its last statement, a
retried key never makes a second case (even when the retry itself would be refused), and the chain
still verifies after many intakes."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiceng.cases.models import Case, Category
from jiceng.cases.services import case_submit, category_for
from jiceng.cases.tests.conftest import G1_POINT, OUTSIDE
from jiceng.core.audit import audit_verify
from jiceng.core.errors import ValidationFailed
from jiceng.core.testing import assert_queries

BODY = {"category": "E0101", "description": "垃圾", "lat": G1_POINT[0], "lng": G1_POINT[1], "source": "api"}


def post(client, body, **headers):
    return client.post("/api/v1/cases", data=json.dumps(body), content_type="application/json", headers=headers)


def test_an_api_intake_runs_a_fixed_number_of_queries(client_for):
    c = client_for("grid_worker")
    assert post(c, BODY, **{"Idempotency-Key": "warm"}).status_code == 201  # session, category cache, grid index
    # user, grid chain (with the geometry version); then in one transaction (a savepoint inside the test's):
    # case, timeline event, rollup upsert, in-app notifications, audit head lock, audit event + head
    # (one statement on PostgreSQL, two on SQLite)
    expected = 9 if connection.vendor == "postgresql" else 10  # + the server-side session
    with assert_queries(expected + 2, label="API intake (+ SAVEPOINT/RELEASE)") as ctx:
        assert post(c, BODY, **{"Idempotency-Key": "k1"}).status_code == 201
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert not any("idempotency_key" in s and s.startswith("SELECT") for s in sqls)  # no look-up beforehand
    assert not any("cases_category" in s for s in sqls)  # categories cached


def test_the_audit_head_is_locked_by_the_last_statements_before_commit(city, cat):
    case_submit(actor=None, category=cat, description="warm", source="api", lat=G1_POINT[0], lng=G1_POINT[1])
    with CaptureQueriesContext(connection) as ctx:
        case_submit(actor=None, category=cat, description="x", source="api", lat=G1_POINT[0], lng=G1_POINT[1])
    sqls = [q["sql"] for q in ctx.captured_queries
            if q["sql"] not in ("BEGIN", "COMMIT") and "SAVEPOINT" not in q["sql"]]
    head_lock = next(i for i, s in enumerate(sqls) if "core_audithead" in s)
    assert all("core_audit" in s for s in sqls[head_lock:])  # nothing else runs while the head is held


def test_a_replay_that_would_now_be_refused_still_returns_the_first_case(city, cat):
    first, created = case_submit(actor=None, category=cat, description="x", source="api", lat=G1_POINT[0],
                                 lng=G1_POINT[1], idempotency_key="k-2")
    again, created_again = case_submit(actor=None, category=cat, description="x", source="api", lat=OUTSIDE[0],
                                       lng=OUTSIDE[1], idempotency_key="k-2")
    assert created and not created_again and again.pk == first.pk and Case.objects.count() == 1
    with pytest.raises(ValidationFailed):
        case_submit(actor=None, category=cat, description="x", source="api", lat=OUTSIDE[0], lng=OUTSIDE[1],
                    idempotency_key="k-3")


def test_a_deactivated_category_is_refused_at_once(city):
    assert category_for("E0102").code == "E0102"
    c = Category.objects.get(code="E0102")
    c.active = False
    c.save()
    with pytest.raises(ValidationFailed):
        category_for("E0102")


def test_the_chain_verifies_after_many_intakes(city, cat):
    for i in range(20):
        case_submit(actor=city.users["grid_worker"], category=cat, description=f"第{i}件", source="api",
                    lat=G1_POINT[0], lng=G1_POINT[1], idempotency_key=f"chain-{i}")
    count, broken, reason = audit_verify()
    assert broken is None and reason == ""


def test_workflow_actions_also_append_to_the_audit_chain_last(city, cat):
    from jiceng.cases.services import case_act

    case, _ = case_submit(actor=None, category=cat, description="x", source="api", lat=G1_POINT[0], lng=G1_POINT[1])
    with CaptureQueriesContext(connection) as ctx:
        case_act(actor=city.users["grid_worker"], case=case, action="register", version=case.version)
    sqls = [q["sql"] for q in ctx.captured_queries
            if q["sql"] not in ("BEGIN", "COMMIT") and "SAVEPOINT" not in q["sql"]]
    head_lock = next(i for i, s in enumerate(sqls) if "core_audithead" in s)
    assert all("core_audit" in s for s in sqls[head_lock:])
