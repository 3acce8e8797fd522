"""The bad inputs the issue lists, through the API: a clear message, a 4xx, nothing written."""

import json

import pytest

from jiceng.projects import assessment as svc
from jiceng.projects.models import AssessmentResult, Indicator, Milestone, ReviewScore
from jiceng.projects.services import key_task_create
from jiceng.projects.tests.conftest import YEAR, d

API = "/api/v1/projects"


def _post(client, url, body, method="post"):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def assessment(city):
    a = svc.assessment_create(actor=None, unit=city.city, year=YEAR)
    svc.indicator_tree_set(actor=None, assessment=a, level="community", tree=[
        {"code": "A", "title": "a", "weight": 0.5, "source": "projects.progress"}, {"code": "B", "title": "b",
                                                                                  "weight": 0.5}])
    svc.rubric_set(actor=None, assessment=a, level="community", criteria=[{"title": "履职", "max_score": 50}])
    return a


def test_weights_not_summing_to_1_are_a_422_with_a_message_and_nothing_changes(client_for, assessment):
    r = _post(client_for("city_admin"), f"{API}/assessments/{assessment.pk}/indicators/community",
              {"tree": [{"code": "X", "title": "x", "weight": 0.7}, {"code": "Y", "title": "y", "weight": 0.2}]},
              method="put")
    assert r.status_code == 422 and r.json()["code"] == "weights"
    assert "1" in r.json()["detail"]
    assert sorted(Indicator.objects.filter(assessment=assessment).values_list("code", flat=True)) == ["A", "B"]


def test_a_score_outside_the_rubric_range_is_a_422(client_for, assessment, city):
    report = svc.secretary_report_submit(actor=None, assessment=assessment, unit=city.community,
                                         secretary_name="刘书记", text="述职")
    svc.rater_add(actor=None, assessment=assessment, level="community", user=city.users["street_official"],
                  own_unit=city.street)
    crit = assessment.criteria.get()
    r = _post(client_for("street_official"), f"{API}/reports/{report.pk}/scores", {"scores": {str(crit.pk): 51}})
    assert r.status_code == 422 and "50" in r.json()["detail"]
    assert not ReviewScore.objects.exists()


def test_a_rater_scoring_their_own_unit_is_a_403(client_for, assessment, city):
    report = svc.secretary_report_submit(actor=None, assessment=assessment, unit=city.community,
                                         secretary_name="刘书记", text="述职")
    svc.rater_add(actor=None, assessment=assessment, level="community", user=city.users["community_worker"],
                  own_unit=city.community)
    crit = assessment.criteria.get()
    r = _post(client_for("community_worker"), f"{API}/reports/{report.pk}/scores", {"scores": {str(crit.pk): 40}})
    assert r.status_code == 403 and r.json()["code"] == "own_unit"
    assert not ReviewScore.objects.exists()


def test_a_milestone_after_its_tasks_deadline_is_a_422(client_for, city):
    task = key_task_create(actor=None, issuer=city.street, unit=city.community, year=YEAR, title="t",
                           deadline=d(9, 30))
    r = _post(client_for("community_worker"), f"{API}/tasks/{task.pk}/milestones",
              {"title": "late", "due": f"{YEAR}-10-01"})
    assert r.status_code == 422 and r.json()["field"] == "due"
    assert not Milestone.objects.exists()


def test_editing_a_published_assessment_is_a_409_and_changes_nothing(client_for, assessment, city):
    svc.assessment_compute(actor=None, assessment=assessment)
    svc.assessment_publish(actor=None, assessment=assessment)
    before = list(AssessmentResult.objects.values_list("unit_id", "score", "rank"))
    admin = client_for("city_admin")
    for url, body, method in [
        (f"{API}/assessments/{assessment.pk}/indicators/community",
         {"tree": [{"code": "Z", "title": "z", "weight": 1}]}, "put"),
        (f"{API}/assessments/{assessment.pk}/rubric/community", {"criteria": [{"title": "c", "max_score": 5}]},
         "put"),
        (f"{API}/assessments/{assessment.pk}/compute", {}, "post"),
        (f"{API}/assessments/{assessment.pk}/entries", {"indicator_code": "B", "level": "community",
                                                        "unit": city.community.code, "value": 1, "evidence": "e"},
         "post"),
    ]:
        r = _post(admin, url, body, method=method)
        assert r.status_code == 409, url
        assert r.json()["code"] == "published"
    assert list(AssessmentResult.objects.values_list("unit_id", "score", "rank")) == before
    assert sorted(Indicator.objects.filter(assessment=assessment).values_list("code", flat=True)) == ["A", "B"]
