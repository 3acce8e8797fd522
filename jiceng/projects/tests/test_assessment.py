import datetime

import pytest

from jiceng.accounts.services import grant_create, user_create
from jiceng.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from jiceng.core.roles import Role
from jiceng.projects import assessment as svc
from jiceng.projects import indicators
from jiceng.projects.models import AssessmentResult, Indicator
from jiceng.projects.tests.conftest import YEAR, d

TREE = [
    {"code": "A", "title": "基层治理", "weight": 0.6, "children": [
        {"code": "A1", "title": "联席会议", "weight": 0.5, "source": "meetings.on_time_rate"},
        {"code": "A2", "title": "项目推进", "weight": 0.5, "source": "projects.progress"},
    ]},
    {"code": "B", "title": "党建工作", "weight": 0.4},
]


@pytest.fixture
def assessment(city):
    a = svc.assessment_create(actor=city.users["city_admin"], unit=city.city, year=YEAR)
    svc.indicator_tree_set(actor=None, assessment=a, level="community", tree=TREE)
    return a


def test_weights_that_do_not_sum_to_1_at_a_level_are_refused_and_nothing_is_written(city):
    a = svc.assessment_create(actor=None, unit=city.city, year=YEAR)
    bad = [{"code": "A", "title": "a", "weight": 0.6, "children": [
        {"code": "A1", "title": "a1", "weight": 0.5}, {"code": "A2", "title": "a2", "weight": 0.4}]},
        {"code": "B", "title": "b", "weight": 0.4}]
    with pytest.raises(ValidationFailed) as exc:
        svc.indicator_tree_set(actor=None, assessment=a, level="community", tree=bad)
    assert exc.value.status == 422 and "A" in str(exc.value.message)
    assert not Indicator.objects.filter(assessment=a).exists()


def test_unknown_sources_are_refused(city):
    a = svc.assessment_create(actor=None, unit=city.city, year=YEAR)
    with pytest.raises(ValidationFailed):
        svc.indicator_tree_set(actor=None, assessment=a, level="street",
                               tree=[{"code": "X", "title": "x", "weight": 1, "source": "nope"}])


def test_scores_combine_computed_and_entered_leaves_and_rank_per_level(city, assessment):
    b = Indicator.objects.get(assessment=assessment, code="B")
    with pytest.raises(ValidationFailed):
        svc.indicator_enter(actor=None, indicator=b, unit=city.community, value=0.8, evidence="")
    svc.indicator_enter(actor=None, indicator=b, unit=city.community, value=0.8, evidence="党建台账")
    svc.assessment_compute(actor=city.users["city_admin"], assessment=assessment)
    rows = {r.unit_id: r for r in AssessmentResult.objects.filter(assessment=assessment)}
    assert rows[city.community.pk].indicator_score == pytest.approx(32.0)  # 0.4 × 0.8; no meetings, no projects
    assert rows[city.community.pk].rank == 1 and rows[city.community2.pk].rank == 2
    assert rows[city.community.pk].breakdown == {"A1": None, "A2": None, "B": 0.8}


def _rater(city, username, unit, role=Role.STREET_OFFICIAL):
    user = user_create(actor=None, username=username, password="pass-" + username)
    grant_create(actor=None, user=user, role=role, unit=unit)
    return user


def test_review_scores_give_a_rating_by_thresholds_and_a_rater_may_not_score_their_own_unit(city, assessment):
    svc.rubric_set(actor=None, assessment=assessment, level="community",
                   criteria=[{"title": "履职", "max_score": 60}, {"title": "成效", "max_score": 40}])
    crit = list(assessment.criteria.order_by("order"))
    report = svc.secretary_report_submit(actor=city.users["community_worker"], assessment=assessment,
                                         unit=city.community, secretary_name="刘书记", text="述职报告")
    street_rater = city.users["street_official"]
    svc.rater_add(actor=None, assessment=assessment, level="community", user=street_rater, own_unit=city.street)
    own = city.users["community_worker"]
    svc.rater_add(actor=None, assessment=assessment, level="community", user=own, own_unit=city.community)
    with pytest.raises(Forbidden) as exc:
        svc.review_score(actor=own, report=report, scores={crit[0].pk: 50, crit[1].pk: 30})
    assert exc.value.code == "own_unit"
    with pytest.raises(ValidationFailed):
        svc.review_score(actor=street_rater, report=report, scores={crit[0].pk: 61, crit[1].pk: 30})
    assert not report.scores.exists()
    with pytest.raises(NotFound):
        svc.review_score(actor=city.users["outsider"], report=report, scores={crit[0].pk: 50})
    svc.review_score(actor=street_rater, report=report, scores={crit[0].pk: 50, crit[1].pk: 30})
    assert svc.review_percents(assessment) == {city.community.pk: 80.0}
    svc.assessment_compute(actor=None, assessment=assessment)
    r = AssessmentResult.objects.get(assessment=assessment, unit=city.community)
    assert r.rating == "fairly_good" and r.review_score == 80.0


def test_publishing_freezes_the_results_and_editing_afterwards_is_a_409(city, assessment):
    from jiceng.projects.services import milestone_add, milestone_report, project_create

    project = project_create(actor=None, unit=city.community, title="t", problem="p", goals="g",
                             deadline=d(12), year=YEAR, leader_name="刘书记")
    m = milestone_add(actor=None, project=project, title="m", due=d(6))
    milestone_report(actor=None, milestone=m, progress=50)
    with pytest.raises(ValidationFailed):
        svc.assessment_publish(actor=None, assessment=assessment)
    svc.assessment_compute(actor=None, assessment=assessment)
    svc.assessment_publish(actor=None, assessment=assessment)
    before = AssessmentResult.objects.get(assessment=assessment, unit=city.community)
    milestone_report(actor=None, milestone=m, progress=100)  # later data changes…
    after = AssessmentResult.objects.get(assessment=assessment, unit=city.community)
    assert after.breakdown == before.breakdown and after.breakdown["A2"] == 0.5  # … do not alter the snapshot
    for call in (lambda: svc.assessment_compute(actor=None, assessment=assessment),
                 lambda: svc.indicator_tree_set(actor=None, assessment=assessment, level="community", tree=TREE),
                 lambda: svc.assessment_publish(actor=None, assessment=assessment)):
        with pytest.raises(Conflict) as exc:
            call()
        assert exc.value.status == 409 and exc.value.code == "published"


def test_case_indicators_equal_the_case_measures_for_the_same_units_and_year(city):
    from jiceng.cases import measures
    from jiceng.cases.models import Rollup

    assert "cases.response_rate" in indicators.SOURCES
    Rollup.objects.create(unit_path=city.grid.path, month=datetime.date(YEAR, 3, 1), received=10, responded=9,
                          accepted=10, closed=8, closed_on_time=6, rated=5, satisfied=4, basic=1)
    Rollup.objects.create(unit_path=city.grid2.path, month=datetime.date(YEAR, 4, 1), received=4, responded=1,
                          accepted=4, closed=1, closed_on_time=1, rated=1, satisfied=0, basic=1)
    units = [city.community, city.community2]
    for name in indicators.CASE_MEASURES:
        batch = indicators.values_for(f"cases.{name}", units, YEAR)
        for u in units:
            expected = getattr(measures.unit_measures(u, datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)), name)
            assert batch[u.pk] == pytest.approx(expected)
            assert indicators.SOURCES[f"cases.{name}"].per_unit(u, YEAR) == pytest.approx(expected)
