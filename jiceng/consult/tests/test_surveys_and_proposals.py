"""Surveys with four kinds of question; proposals that residents submit and support, promoted to projects."""

import datetime

import pytest
from django.utils import timezone

from jiceng.consult import services
from jiceng.consult.models.surveys import SurveyResponse
from jiceng.funds.models import LivelihoodProject

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_a_resident_answers_a_survey_once_and_the_results_add_up(city, client_for):
    survey = services.survey_create(
        actor=city.users["community_worker"], unit=city.community, title="停车问题", closes_on=TODAY,
        questions=[{"kind": "single", "text": "是否有车", "options": ["有", "没有"]},
                   {"kind": "multiple", "text": "希望", "options": ["划线", "立体车库", "错峰"]},
                   {"kind": "rating", "text": "满意度"}, {"kind": "text", "text": "建议", "required": False}])
    q = {x.kind: x.pk for x in survey.questions.all()}
    resident = client_for("resident")
    assert resident.get(f"/consult/surveys/{survey.pk}/").status_code == 200
    bad = resident.post(f"/consult/surveys/{survey.pk}/", {f"q{q['single']}": "7", f"q{q['rating']}": "3",
                                                           f"q{q['multiple']}": ["0"]})
    assert bad.status_code == 422 and not SurveyResponse.objects.exists()
    ok = resident.post(f"/consult/surveys/{survey.pk}/", {f"q{q['single']}": "0", f"q{q['multiple']}": ["0", "2"],
                                                          f"q{q['rating']}": "4", f"q{q['text']}": "多装路灯"})
    assert ok.status_code == 302
    again = resident.post(f"/consult/surveys/{survey.pk}/", {f"q{q['single']}": "1", f"q{q['rating']}": "2",
                                                             f"q{q['multiple']}": ["1"]})
    assert again.status_code == 409
    results = {r["question"].kind: r for r in services.survey_results(survey)}
    assert results["single"]["options"] == [("有", 1), ("没有", 0)]
    assert results["multiple"]["options"] == [("划线", 1), ("立体车库", 0), ("错峰", 1)]
    assert results["rating"]["mean"] == 4 and results["text"]["texts"] == ["多装路灯"]


def test_proposals_are_supported_and_promoted_to_livelihood_projects(city, client_for):
    rnd = services.round_create(actor=city.users["community_worker"], unit=city.community, title="微心愿征集",
                                closes_on=TODAY + datetime.timedelta(days=5))
    r = client_for("resident").post(f"/api/v1/consult/rounds/{rnd.pk}/proposals",
                                    {"title": "楼道加扶手", "estimated_cost": "3000"}, content_type="application/json")
    assert r.status_code == 201
    pk = r.json()["id"]
    assert client_for("party_member").post(f"/api/v1/consult/proposals/{pk}/support").json()["supports"] == 1
    assert client_for("party_member").post(f"/api/v1/consult/proposals/{pk}/support").status_code == 409
    r = client_for("community_worker").post(f"/api/v1/consult/proposals/{pk}/promote", {},
                                            content_type="application/json")
    assert r.status_code == 201
    project = LivelihoodProject.objects.get(pk=r.json()["project_id"])
    assert project.source == "proposal" and project.source_ref == str(pk) and project.estimated_cost == 3000
    assert client_for("resident").post(f"/api/v1/consult/proposals/{pk}/promote", {},
                                       content_type="application/json").status_code == 403
