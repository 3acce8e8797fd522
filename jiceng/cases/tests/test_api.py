"""The REST API: intake with Idempotency-Key, stale versions get 409, pinned query counts."""

import json

from jiceng.cases.models import Case
from jiceng.core.testing import assert_queries, image_bytes


def post(client, body, **headers):
    return client.post("/api/v1/cases", data=json.dumps(body), content_type="application/json", headers=headers)


BODY = {"category": "E0101", "description": "垃圾", "lat": 36.05, "lng": 111.42, "source": "patrol"}


def test_a_retry_with_the_same_idempotency_key_returns_the_first_case(client_for):
    c = client_for("grid_worker")
    first = post(c, BODY, **{"Idempotency-Key": "abc"})
    again = post(c, BODY, **{"Idempotency-Key": "abc"})
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["code"] == again.json()["code"] and Case.objects.count() == 1
    assert post(c, BODY, **{"Idempotency-Key": "other"}).status_code == 201


def test_bad_input_gets_a_clear_4xx(client_for):
    c = client_for("grid_worker")
    assert post(c, {**BODY, "category": "NOPE"}).json()["code"] == "unknown_category"
    r = post(c, {**BODY, "lat": 30.0, "lng": 100.0})
    assert r.status_code == 422 and r.json()["code"] == "outside_city"
    assert post(c, {**BODY, "description": "x" * 4001}).status_code == 422
    assert Case.objects.count() == 0


def test_two_people_acting_at_once_one_wins_one_gets_409(client_for, submit):
    case = submit()
    a, b = client_for("grid_worker"), client_for("community_worker")
    url = f"/api/v1/cases/{case.code}/actions"
    ra = a.post(url, json.dumps({"action": "register", "version": 1}), content_type="application/json")
    rb = b.post(url, json.dumps({"action": "reject", "version": 1, "comment": "重复"}),
                content_type="application/json")
    assert ra.status_code == 200 and ra.json()["version"] == 2
    assert rb.status_code == 409 and rb.json()["code"] == "stale_version"
    assert "刷新" in rb.json()["detail"] or "Reload" in rb.json()["detail"]


def test_the_case_list_runs_a_fixed_number_of_queries(client_for, submit):
    for _ in range(3):
        submit()
    c = client_for("community_worker")
    c.get("/api/v1/cases")  # warm the session
    # user, grants, count, page (category, grid and handler joined)
    with assert_queries(5, label="case list, 3 cases"):  # + the server-side session
        assert c.get("/api/v1/cases").json()["count"] == 3
    for _ in range(5):
        submit()
    with assert_queries(5, label="case list, 8 cases"):  # + the server-side session
        assert len(c.get("/api/v1/cases").json()["items"]) == 8


def test_the_queue_and_desk_pages_run_a_fixed_number_of_queries(client_for, submit):
    for _ in range(3):
        submit()
    c = client_for("community_worker")
    c.get("/cases/queue/")
    c.get("/cases/desk/")
    with assert_queries(4, label="queue page") as q1:  # + the server-side session
        assert c.get("/cases/queue/").status_code == 200
    # + the server-side session; + deliberation overdue and its open follow-up actions (consult)
    with assert_queries(11, label="desk page") as q2:
        assert c.get("/cases/desk/").status_code == 200
    for _ in range(4):
        submit()
    with assert_queries(len(q1.captured_queries), label="queue page, more cases"):
        c.get("/cases/queue/")
    with assert_queries(len(q2.captured_queries), label="desk page, more cases"):
        c.get("/cases/desk/")


def test_an_action_with_photos_through_the_api(city, submit, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jiceng.cases.models import Attachment

    png = image_bytes("PNG")
    case = submit()
    api = client_for("grid_worker")
    r = api.post(f"/api/v1/cases/{case.code}/actions/with-photos", {
        "action": "register", "version": "1", "comment": "现场照片",
        "photos": [SimpleUploadedFile("a.png", png, "image/png"), SimpleUploadedFile("b.png", png, "image/png")]})
    assert r.status_code == 200 and r.json()["status"] == "registered"
    assert Attachment.objects.filter(case=case, event__action="register").count() == 2
    r = api.post(f"/api/v1/cases/{case.code}/actions/with-photos", {
        "action": "dispatch", "version": "2", "photos": [SimpleUploadedFile("x.png", b"hello", "image/png")]})
    assert r.status_code == 422 and r.json()["code"] == "photo_not_image"
