"""The public showcase (issue 18, item 13): photos, progress bars, filters by level and unit (a validated
form), only public projects, no personal data, a fixed number of queries."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from jiceng.core.errors import ValidationFailed
from jiceng.core.testing import assert_queries
from jiceng.orgs.services import party_org_create
from jiceng.projects import services
from jiceng.projects.tests.conftest import YEAR, d


def png(colour=(200, 30, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, format="PNG")
    return SimpleUploadedFile("a.png", out.getvalue(), content_type="image/png")


def _project(unit, title, *, public=True, progress=None):
    p = services.project_create(actor=None, unit=unit, title=title, problem="楼道堆物", goals="清理",
                                deadline=d(12), year=YEAR, leader_name="刘书记", public=public)
    if progress is not None:
        services.progress_report_submit(actor=None, month=d(3, 1), progress=progress, project=p)
    return p


@pytest.fixture
def shown(city, secretary):
    party_org_create(actor=None, unit=city.community2, kind="community_committee", name="鼓楼社区党委",
                     parent=city.org_street2)
    return {"community": _project(city.community, "加装电梯", progress=40),
            "street": _project(city.street, "街道夜市整治"),
            "other": _project(city.community2, "鼓楼停车棚"),
            "hidden": _project(city.community, "内部项目", public=False)}


def _titles(response):
    return [p.title for p, _photos, _level in response.context["rows"]]


def test_only_public_projects_are_shown_with_a_progress_bar_and_no_leader_name(shown):
    r = Client().get("/projects/showcase/")
    assert r.status_code == 200
    assert sorted(_titles(r)) == ["加装电梯", "街道夜市整治", "鼓楼停车棚"]
    html = r.content.decode()
    assert 'style="width: 40%"' in html and 'aria-valuenow="40"' in html
    assert "刘书记" not in html and "内部项目" not in html


def test_the_showcase_filters_by_level(shown):
    assert _titles(Client().get("/projects/showcase/?level=street")) == ["街道夜市整治"]
    assert sorted(_titles(Client().get("/projects/showcase/?level=community"))) == ["加装电梯", "鼓楼停车棚"]


def test_the_showcase_filters_by_unit_and_everything_under_it(shown, city):
    r = Client().get(f"/projects/showcase/?unit={city.street.code}")
    assert sorted(_titles(r)) == ["加装电梯", "街道夜市整治"]
    assert _titles(Client().get(f"/projects/showcase/?unit={city.community2.code}")) == ["鼓楼停车棚"]
    assert _titles(Client().get(f"/projects/showcase/?unit={city.street.code}&level=community")) == ["加装电梯"]


@pytest.mark.parametrize("query", ["level=household", "unit=999999", "year=0004", "year=99999", "page=0",
                                   "level=<script>"])
def test_a_filter_that_is_not_valid_is_an_error_and_left_out(shown, query):
    r = Client().get(f"/projects/showcase/?{query}")
    assert r.status_code == 200
    assert r.context["form"].errors
    assert len(_titles(r)) == 3
    assert "<script>" not in r.content.decode().split("<main>")[1]


def test_a_unit_without_public_projects_is_not_offered(shown, city):
    r = Client().get("/projects/showcase/")
    offered = [code for code, _label in r.context["form"].fields["unit"].choices]
    assert city.community.code in offered and city.street2.code in offered
    assert city.grid.code not in offered


def test_a_photo_is_public_only_while_its_project_is(shown, city):
    project = shown["community"]
    photo = services.project_photo_add(actor=city.users["community_worker"], project=project, upload=png(),
                                       caption="加装后的电梯")
    r = Client().get(f"/projects/showcase/photos/{photo.pk}/")
    assert r.status_code == 200 and r["Content-Type"] == "image/png"  # re-encoded, served by its own type
    assert r["X-Content-Type-Options"] == "nosniff"
    html = Client().get("/projects/showcase/").content.decode()
    assert f"/projects/showcase/photos/{photo.pk}/" in html and 'alt="加装后的电梯"' in html
    services.project_set_status(actor=None, project=project, status=project.status, public=False)
    assert Client().get(f"/projects/showcase/photos/{photo.pk}/").status_code == 404


def test_a_photo_is_checked_and_at_most_six_a_project(shown, city):
    project = shown["street"]
    with pytest.raises(ValidationFailed) as e:
        services.project_photo_add(actor=None, project=project,
                                   upload=SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", content_type="image/png"))
    assert e.value.field == "photo"
    for _ in range(6):
        services.project_photo_add(actor=None, project=project, upload=png())
    with pytest.raises(ValidationFailed):
        services.project_photo_add(actor=None, project=project, upload=png())


def test_a_worker_uploads_a_photo_on_the_project_page(shown, client_for):
    project = shown["community"]
    r = client_for("community_worker").post(f"/projects/{project.pk}/photos/", {"photo": png(), "caption": "新电梯"})
    assert r.status_code == 302
    assert project.photos.get().caption == "新电梯"


@pytest.mark.parametrize("n", [2, 6])
def test_the_showcase_runs_a_fixed_number_of_queries(city, secretary, n):
    for i in range(n):
        p = _project(city.community if i % 2 else city.street, f"项目{i}", progress=10 * i)
        services.project_photo_add(actor=None, project=p, upload=png())
    # the filter's units: project paths, then their units; the count; the page of projects (unit joined);
    # their photos (one prefetch)
    with assert_queries(5, label="projects:showcase"):
        r = Client().get(f"/projects/showcase/?level=community&unit={city.street.code}")
    assert r.status_code == 200


def test_the_anonymous_showcase_api_names_no_person(shown):
    """Attack: an anonymous caller of the public API reads the showcase looking for the secretaries' names
    (the page hid them, the API returned leader_name). No key and no value names a person."""
    r = Client().get("/api/v1/projects/showcase")
    assert r.status_code == 200
    rows = r.json()
    assert sorted(row["title"] for row in rows) == ["加装电梯", "街道夜市整治", "鼓楼停车棚"]
    assert all("leader" not in key for row in rows for key in row)
    assert "刘书记" not in r.content.decode()
