"""Measures and cockpit figures match a hand count on a small fixture."""

import datetime

from django.utils import timezone

from jiceng.cases import figures, measures
from jiceng.cases.models import Category
from jiceng.cases.services import case_act, case_rate
from jiceng.cases.tests.conftest import G2_POINT, GB_POINT

FLOW = [("grid_worker", "register"), ("grid_worker", "dispatch"), ("grid_worker", "start"),
        ("grid_worker", "handle"), ("community_worker", "verify"), ("community_worker", "close")]


def run(case, city, steps):
    for who, action in steps:
        case = case_act(actor=city.users[who], case=case, action=action, version=case.version, comment="ok")
    return case


def test_measures_match_a_hand_count(submit, city):
    # Street S1: five cases. Hand count:
    #   a: closed at grid, rated satisfied
    #   b: closed at grid after one rework, rated basically satisfied
    #   c: reported up to the community, closed there, rated not satisfied → reopened (closed count -1)
    #   d: rejected at registration (not accepted)
    #   e: still open (registered)
    a0 = submit()
    a = run(a0, city, FLOW)
    case_rate(case=a, rating="satisfied", secret=a0.follow_secret)
    b0 = submit(point=GB_POINT)
    b = run(b0, city, [("community_worker", a) for _, a in FLOW[:4]])
    b = run(b, city, [("community_worker", "rework"), ("community_worker", "start"), ("community_worker", "handle"),
                      ("community_worker", "verify"), ("community_worker", "close")])
    case_rate(case=b, rating="basic", secret=b0.follow_secret)
    c0 = submit()
    c = run(c0, city, [("grid_worker", "register")])
    c = case_act(actor=city.users["grid_worker"], case=c, action="escalate", version=c.version, comment="协调")
    c = run(c, city, [("community_worker", "dispatch"), ("community_worker", "start"), ("community_worker", "handle"),
                      ("street_official", "verify"), ("street_official", "close")])
    case_rate(case=c, rating="not", secret=c0.follow_secret)
    d = submit()
    case_act(actor=city.users["grid_worker"], case=d, action="reject", version=d.version, comment="非本辖区")
    run(submit(), city, [("grid_worker", "register")])
    # Street S2: one open case; it must not count for S1.
    submit(point=G2_POINT, category=Category.objects.get(code="E0101"))

    today = timezone.localdate()
    m = measures.unit_measures(city.street, today.replace(day=1), today)
    assert m.counts == {"received": 5, "responded": 5, "accepted": 4, "closed": 2, "closed_on_time": 2,
                        "rework": 1, "rated": 3, "satisfied": 1, "basic": 1, "settled_grid": 2,
                        "settled_community": 2}
    assert m.response_rate == 1.0
    assert m.resolution_rate == 0.5  # 2 / 4
    assert m.satisfaction_rate == round((1 + 0.9) / 3, 4)
    assert m.on_time_closure_rate == 1.0 and m.rework_rate == 0.5
    assert m.settled_in_compound_share == 1.0 and m.settled_in_community_share == 1.0
    expected_score = round(100 * (0.1 * 1.0 + 0.5 * 0.5 + 0.4 * round(1.9 / 3, 4)), 2)
    assert m.score == expected_score and m.grade == "D"  # 60.33
    # The slow path over the case rows agrees with the rollup.
    assert measures.counts_from_cases(city.street.path, today.replace(day=1), today) == m.counts
    assert measures.counts_from_cases(city.city.path, today, today) == measures.counts_for(city.city.path, today, today)
    f = figures.figures(city.street, today=today)
    assert f["cases_received_year"] == 5 and f["resolution_rate"] == 0.5
    assert figures.figures(city.city, today=today)["cases_received_year"] == 6


def test_grades_and_empty_periods():
    assert [measures.grade_for(s) for s in (95, 85, 75, 65, 10)] == ["A", "B", "C", "D", "E"]
    m = measures.from_counts(dict.fromkeys(measures.ROLLUP_FIELDS, 0))
    assert m.response_rate is None and m.score is None and m.grade is None


def test_department_evaluation(submit, city):
    from jiceng.cases.services import case_whistle, department_create, whistle_rate, whistle_report_in

    dept = department_create(actor=None, unit=city.county, name="区城管局", business_line="urban")
    case = submit(category=Category.objects.get(code="E0501"))  # street level
    case = case_whistle(actor=city.users["street_official"], case=case, departments=[dept], version=case.version)
    w = case.whistles.get()
    whistle_report_in(actor=city.users["street_official"], whistle=w, part="已派执法队")
    whistle_rate(actor=city.users["street_official"], whistle=w, score=4)
    today = timezone.localdate()
    rows = measures.department_evaluation(city.street, today - datetime.timedelta(days=1), today)
    assert rows[0]["department"] == "区城管局" and rows[0]["report_in_rate"] == 1.0 and rows[0]["average_score"] == 4
