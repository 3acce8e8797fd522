"""The public follow page and the phone page's new endpoints give nothing that is not public (issue 18,
items 3 and 6): similar cases near a pin are published open ones only, snapped, without name, number or
address; a photo is served for a published case's report only; staff notes stay internal; an unknown code
is a Chinese page."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jiceng.cases.models import Category
from jiceng.cases.public import snap
from jiceng.cases.services import case_act
from jiceng.core.testing import assert_queries, image_bytes

PNG = image_bytes("PNG", size=(8, 8))
POINT = (36.05123, 111.42345)


def _photo():
    return [SimpleUploadedFile("p.png", PNG, "image/png")]


def _nearby(client, category="E0101", point=(36.0513, 111.4235)):
    r = client.get("/cases/report/nearby/", {"lat": point[0], "lng": point[1], "category": category})
    assert r.status_code == 200
    return r.json()["cases"]


def test_nearby_offers_published_open_cases_only_snapped_and_without_personal_data(submit, city, client_for):
    published = submit(source="phone", publish=True, point=POINT, reporter_name="张伟", reporter_phone="13912345678",
                       address="五一路12号幸福小区1号楼1单元101室", description="门口垃圾，电话13912345678")
    submit(source="phone", publish=False, point=POINT, description="不公开的上报")
    submit(source="api", publish=True, point=POINT, description="内部来源")  # not a public channel
    submit(source="phone", publish=True, point=POINT, category=Category.objects.get(code="S0101"),
           description="邻里纠纷")  # a category that is never published
    closed = submit(source="phone", publish=True, point=POINT, description="已经办结")
    for action in ("register", "dispatch", "start", "handle", "verify", "close"):
        closed = case_act(actor=city.users["community_worker"], case=closed, action=action, version=closed.version,
                          comment="ok")
    submit(source="phone", publish=True, point=(36.08, 111.42), description="很远的")
    for persona in (None, "resident", "city_admin"):  # the same public answer for everyone
        found = _nearby(client_for(persona))
        assert [c["code"] for c in found] == [published.code]
        text = str(found)
        for secret in ("张伟", "13912345678", "1单元101室", "五一路12号", str(POINT[0]), str(POINT[1])):
            assert secret not in text
        assert (found[0]["lat"], found[0]["lng"]) == snap(*POINT) and found[0]["same"] is True
    assert _nearby(Client(), category="C0102")[0]["same"] is False
    assert Client().get("/cases/report/nearby/", {"lat": "95", "lng": "1"}).json() == {"cases": []}
    with assert_queries(2, label="nearby: category, cases"):
        _nearby(Client())


def test_a_photo_is_served_for_a_published_reports_photo_only(submit, city):
    published = submit(source="phone", publish=True, photos=_photo())
    private = submit(source="phone", publish=False, photos=_photo())
    c = Client()
    photo = published.attachments.get()
    r = c.get(f"/cases/follow/{published.code}/photos/{photo.pk}/")
    assert r.status_code == 200 and r["Content-Type"] == "image/png" and r["X-Content-Type-Options"] == "nosniff"
    assert f"/cases/follow/{published.code}/photos/{photo.pk}/" in c.get(f"/cases/follow/{published.code}/").content.decode()
    other = private.attachments.get()
    assert c.get(f"/cases/follow/{private.code}/photos/{other.pk}/").status_code == 404  # not published
    assert c.get(f"/cases/follow/{published.code}/photos/{other.pk}/").status_code == 404  # another case's photo
    assert c.get(f"/cases/follow/NOSUCH/photos/{photo.pk}/").status_code == 404
    page = c.get(f"/cases/follow/{private.code}/").content.decode()
    assert "/photos/" not in page and "follow-map" not in page  # an unpublished case: status only
    # a photo taken with a handling step is the staff's, never the public's
    case = case_act(actor=city.users["grid_worker"], case=published, action="register", version=published.version,
                    photos=_photo())
    step_photo = case.attachments.exclude(pk=photo.pk).get()
    assert c.get(f"/cases/follow/{published.code}/photos/{step_photo.pk}/").status_code == 404


def test_the_follow_page_shows_replies_to_the_reporter_never_staff_notes(submit, city):
    case = submit(source="phone", publish=True)
    worker = city.users["grid_worker"]
    for action, comment in (("register", ""), ("dispatch", ""), ("start", ""),
                            ("request_extend", "内部：等材料 13800001111")):
        case = case_act(actor=worker, case=case, action=action, version=case.version, comment=comment,
                        hours=24 if action == "request_extend" else 0)
    case = case_act(actor=city.users["community_worker"], case=case, action="deny", version=case.version,
                    comment="内部：不同意延期")
    case = case_act(actor=worker, case=case, action="handle", version=case.version, comment="已清运，联系电话13800001111")
    page = Client().get(f"/cases/follow/{case.code}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已清运" in page and "内部" not in page and "13800001111" not in page  # the reply, redacted
    assert "问题解决了吗" not in page  # handled, not closed: the question comes with the closing


def test_an_unknown_code_is_a_chinese_404_that_offers_to_look_again(city):
    r = Client().get("/cases/follow/NOSUCHCODE/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = r.content.decode()
    assert r.status_code == 404 and "没有这个编号的事件" in html and 'name="code"' in html
    assert Client().get("/cases/follow/", {"code": " ab 12 "}).url == "/cases/follow/AB12/"
    assert Client().get("/cases/follow/", {"code": "<script>"}).status_code == 404
    assert 'rel="icon"' in html
