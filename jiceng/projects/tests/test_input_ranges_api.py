"""The three inputs the issue names (issue 18, item 12), through the API and the services: a 422 naming the
field with a clear message, nothing written."""

import datetime
import json

import pytest

from jiceng.core.errors import ValidationFailed
from jiceng.projects import services
from jiceng.projects.models import Milestone, ProgressReport, Project
from jiceng.projects.tests.conftest import YEAR, d

API = "/api/v1/projects"


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def project(city, secretary):
    return services.project_create(actor=None, unit=city.community, title="加装电梯", problem="p", goals="g",
                                   deadline=d(12, 31), year=YEAR)


@pytest.mark.parametrize("deadline", ["0004-01-01", "1999-12-31", "2101-01-01", "9999-12-31"])
def test_a_project_deadline_outside_2000_to_2100_is_a_422(client_for, city, secretary, deadline):
    r = _post(client_for("community_worker"), f"{API}/projects",
              {"unit": city.community.code, "title": "t", "problem": "p", "goals": "g", "deadline": deadline})
    assert r.status_code == 422, r.content
    assert not Project.objects.exists()


def test_the_service_refuses_a_deadline_of_year_4_in_chinese(city, secretary, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    from django.utils import translation
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as e:
        services.project_create(actor=None, unit=city.community, title="t", problem="p", goals="g",
                                deadline=datetime.date(4, 1, 1), year=YEAR)
    assert e.value.field == "deadline" and "2000-01-01" in str(e.value.message)
    assert "日期" in str(e.value.message)


@pytest.mark.parametrize("weight", [68100554861044950, 0, -1, 1000.5, 0.001])
def test_a_milestone_weight_outside_its_range_is_a_422(client_for, project, weight):
    r = _post(client_for("community_worker"), f"{API}/projects/{project.pk}/milestones",
              {"title": "m", "due": f"{YEAR}-06-30", "weight": weight})
    assert r.status_code == 422, r.content
    assert not Milestone.objects.exists()
    with pytest.raises(ValidationFailed) as e:
        services.milestone_add(actor=None, title="m", due=d(6, 30), project=project, weight=weight)
    assert e.value.field == "weight"


@pytest.mark.parametrize("progress", [3.4e-169, -1, 100.5, 33.333])
def test_a_progress_report_outside_0_to_100_or_too_fine_is_a_422(client_for, project, progress):
    r = _post(client_for("community_worker"), f"{API}/projects/{project.pk}/reports",
              {"month": f"{YEAR}-03-01", "progress": progress})
    assert r.status_code == 422, r.content
    assert not ProgressReport.objects.exists()
    with pytest.raises(ValidationFailed) as e:
        services.progress_report_submit(actor=None, month=d(3, 1), progress=progress, project=project)
    assert e.value.field == "progress"


def test_a_sensible_progress_report_is_taken(client_for, project):
    r = _post(client_for("community_worker"), f"{API}/projects/{project.pk}/reports",
              {"month": f"{YEAR}-03-01", "progress": 42.5})
    assert r.status_code == 201, r.content
    assert ProgressReport.objects.get().progress == 42.5
