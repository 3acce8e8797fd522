import datetime

from jiceng.workforce import services
from jiceng.workforce.tests.conftest import YEAR


def test_the_worker_page_explains_the_grade_step_by_step(city, wf, client_for):
    services.evaluation_record(actor=None, worker=wf.secretary, year=2017,
                               scores={"political": 24, "ability": 24, "performance": 28, "residents": 18})
    response = client_for("community_worker").get(f"/workforce/workers/{wf.secretary.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="grade-steps"' in text
    wf.secretary.refresh_from_db()
    steps = list(wf.secretary.grade_steps.all())
    assert [s.rule for s in steps][:2] == ["start", "service"]
    assert text.count("<li><strong>") >= len(steps)
    assert f"{steps[-1].grade}" in text and "优秀" in text  # the rule cites the rating in Chinese


def test_an_evaluation_that_reaches_back_promotes_and_records_the_rule(city, wf):
    before = wf.staff.grade
    # hired 2019-06-01: the 3-year anniversary 2022-06-01 looks at the 2021 evaluation
    services.evaluation_record(actor=None, worker=wf.staff, year=2021,
                               scores={"political": 20, "ability": 20, "performance": 25, "residents": 15})
    wf.staff.refresh_from_db()
    # both anniversaries since (2022 and 2025) look back at the last evaluation, 2021's
    assert wf.staff.grade == before + (2 if YEAR >= 2025 else 1)
    step = wf.staff.grade_steps.get(effective_on=datetime.date(2022, 6, 1))
    assert step.rule == "service" and step.detail["rating_year"] == 2021
