"""Page forms on the case timeline: the street blows the whistle to a department, the department
reports in, and a duplicate is merged into an open case; refusals come back as messages."""

from jiceng.cases.models import Case, Whistle
from jiceng.cases.services import department_create
from jiceng.cases.tests.conftest import G1_POINT
from jiceng.core.testing import image_bytes


def test_the_street_whistles_and_the_department_reports_in_from_the_page(client_for, submit, city):
    from jiceng.cases.models import Category

    case = submit(category=Category.objects.get(code="E0501"))  # 路面塌陷: street level
    dept = department_create(actor=None, unit=city.county, name="区住建局", business_line="urban")
    c = client_for("street_official")
    page = c.get(f"/cases/{case.code}/").content.decode()
    assert 'id="whistle-form"' in page and "区住建局" in page
    r = c.post(f"/cases/{case.code}/whistle/", {"departments": [dept.pk], "version": case.version, "hours": 12})
    assert r.status_code == 302
    w = Whistle.objects.get(case=case)
    assert c.post(f"/cases/whistles/{w.pk}/report-in/", {"part": "已派人到场"}).status_code == 302
    w.refresh_from_db()
    assert w.reported_in_at is not None and w.part == "已派人到场"


def test_a_grid_worker_sees_no_whistle_form_and_is_refused(client_for, submit, city):
    from jiceng.cases.models import Category

    case = submit(category=Category.objects.get(code="E0501"))
    dept = department_create(actor=None, unit=city.county, name="区城管局", business_line="urban")
    c = client_for("community_worker")
    assert 'id="whistle-form"' not in c.get(f"/cases/{case.code}/").content.decode()
    assert c.post(f"/cases/{case.code}/whistle/", {"departments": [dept.pk], "version": 1}).status_code == 403


def test_a_duplicate_is_merged_from_the_page_and_a_stale_version_is_a_conflict(client_for, submit):
    first, dup = submit(point=G1_POINT), submit(point=G1_POINT)
    c = client_for("grid_worker")
    assert 'id="merge-form"' in c.get(f"/cases/{dup.code}/").content.decode()
    assert c.post(f"/cases/{dup.code}/merge/", {"into": first.code, "version": 99}).status_code == 409
    assert c.post(f"/cases/{dup.code}/merge/", {"into": first.code.lower(), "version": dup.version}).status_code == 302
    dup.refresh_from_db()
    assert dup.status == "merged" and dup.merged_into_id == first.pk
    assert Case.objects.get(pk=first.pk).status != "merged"


def test_a_grid_worker_reports_from_patrol_into_the_own_queue(city, client_for):
    from jiceng.cases.models import Case

    c = client_for("grid_worker")
    page = c.get("/cases/queue/").content.decode()
    assert "/cases/patrol/" in page
    form = c.get("/cases/patrol/").content.decode()
    assert 'name="anonymous"' not in form and 'name="phone"' not in form
    r = c.post("/cases/patrol/", {"category": "E0101", "description": "巡查发现垃圾堆放", "lat": "36.05",
                                  "lng": "111.42", "token": "p1"})
    case = Case.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/cases/{case.code}/"
    assert case.source == "patrol" and case.reporter == city.users["grid_worker"] and case.grid == city.grid
    assert case.code in c.get("/cases/queue/").content.decode()
    c.post("/cases/patrol/", {"category": "E0101", "description": "再次提交", "lat": "36.05", "lng": "111.42",
                              "token": "p1"})
    assert Case.objects.count() == 1  # the same form twice: one case
    r = c.post("/cases/patrol/", {"category": "E0101", "description": "别的街道", "lat": "36.05", "lng": "111.55"})
    assert r.status_code == 422 and Case.objects.count() == 1  # outside the worker's grids


def test_the_desk_labels_its_counts_and_the_board_shows_percentages(submit, city, client_for):
    submit()
    c = client_for("community_worker")
    desk = c.get("/cases/desk/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<div class="label">已受理</div>' in desk and 'id="outline"' in desk
    assert "/cases/hotline/" in desk
    board = client_for("street_official").get("/cases/board/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "100%" in board or "0%" in board


def test_percent_filter():
    from jiceng.core.templatetags.figures import percent

    assert percent(0.95238) == "95.2%" and percent(1, 0) == "100%" and percent(None) == "—"


def test_the_case_page_shows_photos_the_place_and_a_pending_request_in_words(city, client_for, submit):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jiceng.cases.services import case_act

    png = image_bytes("PNG")
    case = submit(photos=[SimpleUploadedFile("a.png", png, "image/png")])
    case = case_act(actor=city.users["grid_worker"], case=case, action="register", version=case.version)
    case = case_act(actor=city.users["grid_worker"], case=case, action="request_suspend", version=case.version,
                    comment="等资金")
    page = client_for("community_worker").get(f"/cases/{case.code}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert page.status_code == 200 and "<img src=" in html and 'id="case-map"' in html
    assert "挂账" in html and "suspend —" not in html


def test_a_transition_takes_photos_that_show_on_its_timeline_step(city, client_for, submit):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jiceng.cases.models import Attachment, Case
    from jiceng.cases.services import case_act

    png = image_bytes("PNG")
    case = submit()
    for action in ("register", "dispatch", "start"):
        case = case_act(actor=city.users["grid_worker"], case=case, action=action, version=case.version)
    c = client_for("grid_worker")
    r = c.post(f"/cases/{case.code}/act/", {"action": "handle", "version": case.version, "comment": "已清理",
                                            "photos": SimpleUploadedFile("after.png", png, "image/png")})
    assert r.status_code == 302
    a = Attachment.objects.get(case=case)
    assert a.event.action == "handle" and a.content_type == "image/png"
    html = c.get(f"/cases/{case.code}/").content.decode()
    assert html.count("<img src=") == 1 and a.file.url in html
    # a non-image is refused with a message and changes nothing
    case = Case.objects.get(pk=case.pk)
    r = client_for("community_worker").post(f"/cases/{case.code}/act/", {
        "action": "verify", "version": case.version, "photos": SimpleUploadedFile("x.png", b"hello", "image/png")},
        follow=True)
    assert Case.objects.get(pk=case.pk).status == "handled" and Attachment.objects.count() == 1
