"""Desks acting on cases while new reports come in, in real threads on PostgreSQL (issue 17).

The load test saw one `dispatch` answer 503 after 1.1 s: PostgreSQL's deadlock detector (deadlock_timeout
is 1 s) ended a wait with `deadlock detected`, an OperationalError, which the app answers with 503
`unavailable`. Here two community desks take the same new reports through register, dispatch, start
and handle (as bench/load/locustfile.py does on purpose) while a grid worker and a resident keep
reporting in the same grid and category. Every action must end in success or a clear refusal (409 for
a stale version, 4xx for a step the case has passed), never a database error, and nothing written may
be lost: every successful action is one timeline step, every acknowledged report one case.
"""

import threading
import time

import pytest
from django.db import OperationalError, connection, connections

from jiceng.cases.models import Case, CaseEvent, Status
from jiceng.cases.services import case_act, case_submit
from jiceng.core.errors import ServiceError

from .conftest import G1_POINT

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent writers need PostgreSQL")

CASES = 16
STEPS = ("register", "dispatch", "start", "handle")


def _join(threads):
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a thread hung"


@pytest.mark.django_db(transaction=True)
def test_two_desks_and_new_reports_never_meet_a_database_error(city, cat):
    desk = city.users["community_worker"]
    reporters = [city.users["grid_worker"], city.users["resident"]]
    codes = [case_submit(actor=reporters[0], category=cat, description=f"楼道堆放杂物 {n}", source="patrol",
                         lat=G1_POINT[0], lng=G1_POINT[1])[0].code for n in range(CASES)]
    outcomes: list[tuple[str, str, str]] = []  # (who, action, "ok" | "409" | "4xx" | error text)
    reported: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(2 + len(reporters))
    desks_done = threading.Event()

    def note(*row):
        with lock:
            outcomes.append(row)

    def work(name):
        try:
            barrier.wait()
            for code in codes:
                case = Case.objects.get(code=code)
                version = case.version
                for action in STEPS:
                    try:
                        case = case_act(actor=desk, case=case, action=action, version=version,
                                        comment="已现场处置" if action == "handle" else "")
                    except ServiceError as exc:
                        note(name, action, str(exc.status))
                        break
                    except OperationalError as exc:
                        note(name, action, f"503 {exc}")
                        break
                    note(name, action, "ok")
                    version = case.version
        finally:
            connections.close_all()

    def report(user, n_max=200):
        try:
            barrier.wait()
            n = 0
            while not desks_done.is_set() and n < n_max:
                n += 1
                try:
                    new, _ = case_submit(actor=user, category=cat, description=f"巡查发现 {user.pk}-{n}",
                                         source="patrol" if user.username == "grid_worker" else "api",
                                         lat=G1_POINT[0], lng=G1_POINT[1])
                    with lock:
                        reported.append(new.code)
                except OperationalError as exc:
                    note(user.username, "report", f"503 {exc}")
        finally:
            connections.close_all()

    desks = [threading.Thread(target=work, args=(f"desk-{i}",)) for i in range(2)]
    feeds = [threading.Thread(target=report, args=(u,)) for u in reporters]
    started = time.monotonic()
    for t in feeds:
        t.start()
    for t in desks:
        t.start()
    _join(desks)
    desks_done.set()
    _join(feeds)
    elapsed = time.monotonic() - started

    errors = [o for o in outcomes if o[2].startswith("503")]
    assert not errors, f"database errors under concurrent desk actions ({elapsed:.1f} s): {errors[:3]}"
    assert {o[2] for o in outcomes} <= {"ok", "409", "422"}, outcomes
    # no write lost: every successful action is one step on its case's timeline, every case went through
    done = [(a, n) for n, a, r in outcomes if r == "ok"]
    steps = CaseEvent.objects.filter(case__code__in=codes, action__in=STEPS).count()
    assert steps == len(done)
    assert set(Case.objects.filter(code__in=codes).values_list("status", flat=True)) == {Status.HANDLED}
    assert Case.objects.filter(code__in=codes, events__action="handle").count() == CASES
    assert Case.objects.filter(code__in=reported).count() == len(reported) > 0
