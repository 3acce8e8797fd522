import datetime

import pytest
from django.test import Client
from openpyxl import load_workbook

from jiceng.core.testing import assert_queries
from jiceng.projects import assessment as svc
from jiceng.projects import services
from jiceng.projects.tests.conftest import YEAR, d


def _projects(city, n):
    for i in range(n):
        services.project_create(actor=None, unit=city.community, title=f"项目{i}", problem="p", goals="g",
                                deadline=d(12), year=YEAR, leader_name="刘书记", public=i % 2 == 0)


def test_the_showcase_is_public_and_shows_only_published_projects(city):
    _projects(city, 3)
    r = Client().get("/projects/showcase/")
    assert r.status_code == 200
    assert "项目0" in r.content.decode() and "项目1" not in r.content.decode()
    api = Client().get("/api/v1/projects/showcase")
    assert api.status_code == 200 and sorted(p["title"] for p in api.json()) == ["项目0", "项目2"]
    assert "leader" not in api.json()[0]  # no person link, only the leader's name


@pytest.mark.parametrize("n", [2, 6])
def test_the_project_list_page_runs_a_fixed_number_of_queries(client_for, city, n):
    _projects(city, n)
    client = client_for("street_official")
    client.get(f"/projects/?unit={city.community.code}&year={YEAR}")  # warm the session
    # user, grants; unit; count of projects; figures by level; open cards; page of projects (unit joined)
    with assert_queries(8, label="projects:home"):  # + the server-side session
        r = client.get(f"/projects/?unit={city.community.code}&year={YEAR}")
    assert r.status_code == 200


@pytest.mark.parametrize("n", [2, 6])
def test_the_project_list_endpoint_runs_a_fixed_number_of_queries(client_for, city, n):
    _projects(city, n)
    client = client_for("street_official")
    # user, grants; unit; projects (unit joined)
    with assert_queries(5, label="GET projects"):  # + the server-side session
        r = client.get(f"/api/v1/projects/projects?unit={city.community.code}")
    assert r.status_code == 200 and len(r.json()) == n


def test_the_assessment_exports_to_xlsx_and_prints(client_for, city):
    a = svc.assessment_create(actor=None, unit=city.city, year=YEAR)
    svc.indicator_tree_set(actor=None, assessment=a, level="community",
                           tree=[{"code": "A", "title": "a", "weight": 1, "source": "meetings.on_time_rate"}])
    svc.assessment_compute(actor=None, assessment=a)
    client = client_for("city_admin")
    page = client.get(f"/projects/assessments/{a.pk}/")
    assert page.status_code == 200 and "@media print" in page.content.decode()
    r = client.get(f"/projects/assessments/{a.pk}/results.xlsx")
    assert r.status_code == 200
    import io

    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("Rank", "Unit code", "Unit") or rows[0][0] in ("排名",)
    assert {row[1] for row in rows[1:]} == {city.community.code, city.community2.code}


def test_the_dispatch_report_is_an_xlsx_by_unit(client_for, city):
    task = services.key_task_create(actor=None, issuer=city.city, unit=city.street, year=YEAR, title="任务",
                                    deadline=datetime.date(YEAR, 12, 1))
    services.progress_report_submit(actor=None, task=task, month=d(6), progress=55)
    r = client_for("city_admin").get(f"/projects/tasks/dispatch.xlsx?year={YEAR}")
    assert r.status_code == 200
    import io

    wb = load_workbook(io.BytesIO(r.content))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[1][0] == city.street.code and rows[1][4] == 55


def test_through_the_pages_the_assessment_is_computed_published_and_then_frozen(client_for, city):
    from jiceng.projects.models import Assessment

    a = svc.assessment_create(actor=None, unit=city.city, year=YEAR)
    svc.indicator_tree_set(actor=None, assessment=a, level="street",
                           tree=[{"code": "S", "title": "s", "weight": 1, "source": "tasks.progress"}])
    admin = client_for("city_admin")
    assert admin.post(f"/projects/assessments/{a.pk}/compute/").status_code == 302
    assert admin.post(f"/projects/assessments/{a.pk}/publish/").status_code == 302
    assert Assessment.objects.get(pk=a.pk).status == "published"
    r = admin.post(f"/projects/assessments/{a.pk}/compute/", follow=True)
    assert r.status_code == 200 and "锁定" in r.content.decode()  # the frozen message, in Chinese
    assert client_for("street_official").post(f"/projects/assessments/{a.pk}/compute/").status_code == 404


def test_monthly_reports_and_status_through_the_project_page(client_for, city):
    p = services.project_create(actor=None, unit=city.community, title="t", problem="p", goals="g",
                                deadline=d(12), year=YEAR, leader_name="刘书记")
    client = client_for("community_worker")
    client.post(f"/projects/{p.pk}/reports/", {"month": f"{YEAR}-04", "progress": "35", "note": "推进中"})
    client.post(f"/projects/{p.pk}/status/", {"status": "active", "public": "on"})
    p.refresh_from_db()
    assert p.progress == 35 and p.public
    r = client.post(f"/projects/{p.pk}/reports/", {"month": f"{YEAR}-04", "progress": "40"}, follow=True)
    assert "已提交" in r.content.decode()  # one report a month


def test_a_rater_scores_reports_on_the_review_page_but_not_their_own_unit(client_for, city):
    from jiceng.projects.models import ReviewScore

    a = svc.assessment_create(actor=None, unit=city.city, year=YEAR)
    crit = svc.rubric_set(actor=None, assessment=a, level="community", criteria=[{"title": "履职", "max_score": 60}])[0]
    svc.rater_add(actor=None, assessment=a, level="community", user=city.users["street_official"], own_unit=city.street)
    svc.rater_add(actor=None, assessment=a, level="community", user=city.users["community_worker"],
                  own_unit=city.community)
    worker = client_for("community_worker")
    worker.post(f"/projects/assessments/{a.pk}/reports/", {"unit": city.community.code, "secretary_name": "刘书记",
                                                           "text": "述职报告全文"})
    report = a.reports.get()
    assert worker.get(f"/projects/assessments/{a.pk}/review/").status_code == 200
    assert worker.post(f"/projects/assessments/reports/{report.pk}/score/", {f"c{crit.pk}": "50"}).status_code == 403
    rater = client_for("street_official")
    page = rater.get(f"/projects/assessments/{a.pk}/review/").content.decode()
    assert "述职报告全文" in page
    r = rater.post(f"/projects/assessments/reports/{report.pk}/score/", {f"c{crit.pk}": "61"}, follow=True)
    assert "超出范围" in r.content.decode() and not ReviewScore.objects.exists()
    rater.post(f"/projects/assessments/reports/{report.pk}/score/", {f"c{crit.pk}": "54"})
    assert ReviewScore.objects.get().score == 54
