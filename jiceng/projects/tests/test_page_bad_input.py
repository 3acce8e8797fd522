"""Project pages validate what they post with Django forms (projects/forms.py: ranged dates, weights,
progress and scores) run through core.views.form_submit: bad input is a zh-Hans message, nothing written."""

from jiceng.core.models import AuditEvent
from jiceng.projects import services
from jiceng.projects.models import Milestone, ProgressReport
from jiceng.projects.tests.conftest import YEAR, d

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _project(city):
    return services.project_create(actor=None, unit=city.community, title="加装电梯", problem="p", goals="g",
                                   deadline=d(12), year=YEAR, leader_name="刘书记")


def test_bad_milestones_and_reports_are_refused_with_a_message(city, client_for):
    project = _project(city)
    c = client_for("community_worker")
    before = AuditEvent.objects.count()
    for body, words in (({"title": "施工", "due": "2200-01-01"}, "日期应在"),
                        ({"title": "施工", "due": "明天"}, "有效的日期"),
                        ({"title": "施工", "due": f"{YEAR}-06-01", "weight": "0"}, "权重"),
                        ({"title": "施工", "due": f"{YEAR}-06-01", "weight": "1e9"}, "权重")):
        r = c.post(f"/projects/{project.pk}/milestones/", body, follow=True, **ZH)
        assert r.status_code == 200 and words in r.content.decode(), body
    for body in ({"month": f"{YEAR}-13", "progress": "30"}, {"month": f"{YEAR}-05", "progress": "130"},
                 {"month": f"{YEAR}-05", "progress": "很多"}):
        r = c.post(f"/projects/{project.pk}/reports/", body, follow=True, **ZH)
        assert r.status_code == 200 and ("进度" in r.content.decode() or "月份" in r.content.decode()), body
    assert not Milestone.objects.exists() and not ProgressReport.objects.exists()
    assert AuditEvent.objects.count() == before
    # good input still goes through
    r = c.post(f"/projects/{project.pk}/milestones/", {"title": "施工", "due": f"{YEAR}-06-01", "weight": "2"})
    assert r.status_code == 302 and Milestone.objects.get().weight == 2.0
    r = c.post(f"/projects/{project.pk}/reports/", {"month": f"{YEAR}-05", "progress": "30"})
    assert r.status_code == 302 and ProgressReport.objects.get().month == d(5, 1)
