"""The resident's phone page and follow page: no account, photos, a follow secret shown once, rating
(with the secret) reopens once."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jiceng.cases.models import Case, Status
from jiceng.cases.services import case_act
from jiceng.core.testing import image_bytes

PNG = image_bytes("PNG")


def test_a_resident_reports_anonymously_with_a_photo_and_follows_the_case(city):
    c = Client()
    assert c.get("/cases/report/").status_code == 200
    r = c.post("/cases/report/", {"category": "E0101", "description": "小区门口垃圾", "lat": "36.05",
                                  "lng": "111.42", "anonymous": "1", "token": "t1",
                                  "photos": SimpleUploadedFile("a.png", PNG, "image/png")})
    assert r.status_code == 200  # the thank-you page, with the follow secret shown this once
    case = Case.objects.get()
    secret = r.context["secret"]
    assert case.code in r.content.decode() and secret in r.content.decode()
    assert case.follow_secret_hash and secret not in case.follow_secret_hash  # stored as its keyed hash
    assert case.anonymous and case.attachments.count() == 1 and case.grid == city.grid
    page = c.get(f"/cases/follow/{case.code}/")
    assert page.status_code == 200 and case.code in page.content.decode() and secret not in page.content.decode()
    again = c.post("/cases/report/", {"category": "E0101", "description": "x", "lat": "36.05", "lng": "111.42",
                                      "token": "t1"})
    assert again.status_code == 200 and secret not in again.content.decode()  # a replay never shows it again
    assert Case.objects.count() == 1  # the same form token twice: one case


def test_a_non_image_photo_is_refused_with_a_message(city):
    r = Client().post("/cases/report/", {"category": "E0101", "description": "x", "lat": "36.05", "lng": "111.42",
                                         "photos": SimpleUploadedFile("a.png", b"hello", "image/png")})
    assert r.status_code == 422 and Case.objects.count() == 0


def test_duplicates_are_offered_at_intake_with_same_problem_for_published_cases_only(submit, city):
    # A published case's code is public (the public list links its follow page): "same problem" follows it
    # instead of filing a duplicate. An unpublished one is never offered, nor its code.
    case = submit(source="phone", publish=True, description="东门垃圾满溢")
    private = submit(source="phone", publish=False, description="东门垃圾又满了")
    r = Client().get("/cases/report/duplicates/?category=E0101&lat=36.0502&lng=111.4201")
    html = r.content.decode()
    assert "暴露垃圾" in html and f"/cases/follow/{case.code}/" in html and private.code not in html
    assert html.count("/cases/follow/") == 1
    far = Client().get("/cases/report/duplicates/?category=E0101&lat=36.06&lng=111.42")
    assert "暴露垃圾" not in far.content.decode()


def _close(case, city):
    for who, action in [("grid_worker", "register"), ("grid_worker", "dispatch"), ("grid_worker", "start"),
                        ("grid_worker", "handle"), ("community_worker", "verify"), ("community_worker", "close")]:
        case = case_act(actor=city.users[who], case=case, action=action, version=case.version, comment="ok")
    return case


def test_not_satisfied_reopens_once_for_the_level_above(submit, city):
    first = submit()
    case = _close(first, city)
    c = Client()
    c.post(f"/cases/follow/{case.code}/", {"rating": "not", "secret": first.follow_secret})
    case.refresh_from_db()
    assert case.status == Status.REGISTERED and case.reopened and case.handler == city.community
    case = case_act(actor=city.users["community_worker"], case=case, action="dispatch", version=case.version)
    for who, action in [("community_worker", "start"), ("community_worker", "handle"), ("street_official", "verify"),
                        ("street_official", "close")]:
        case = case_act(actor=city.users[who], case=case, action=action, version=case.version, comment="ok")
    c.post(f"/cases/follow/{case.code}/", {"rating": "not", "secret": first.follow_secret})
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.rating == "not"  # reopens only once
    r = c.get("/api/v1/public/cases/" + case.code)
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert Client().get("/cases/follow/NOSUCHCODE/").status_code == 404


def test_the_timeline_speaks_the_readers_language(submit, city):
    case = submit()
    page = Client().get(f"/cases/follow/{case.code}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<strong>已受理</strong>" in page and "receive" not in page
