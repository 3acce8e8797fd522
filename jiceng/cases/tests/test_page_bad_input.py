"""Case pages validate what they post with Django forms (jiceng/cases/forms.py) run through
core.views.form_submit: bad input is a clear zh-Hans message and nothing is written."""

from jiceng.cases.models import Case, Category, Whistle
from jiceng.cases.services import department_create
from jiceng.core.models import AuditEvent

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_a_report_with_a_point_that_is_no_number_or_off_the_globe(client_for):
    c = client_for("street_official")
    before = AuditEvent.objects.count()
    for lat, lng in (("abc", "111.42"), ("95", "111.42"), ("36.05", "181")):
        r = c.post("/cases/hotline/", {"category": "E0101", "description": "来电", "lat": lat, "lng": lng,
                                       "token": "t"}, **ZH)
        body = r.content.decode()
        assert r.status_code == 422 and 'id="form-error"' in body, (lat, lng)
        assert ("纬度" in body) if lng == "111.42" else ("经度" in body)
    r = client_for("grid_worker").post("/cases/patrol/", {"category": "E0101", "description": "巡查", "lat": "1e999",
                                                          "lng": "111.42"}, **ZH)
    assert r.status_code == 422 and "纬度" in r.content.decode()
    assert Case.objects.count() == 0 and AuditEvent.objects.count() == before


def test_a_whistle_with_a_bad_deadline_or_an_unknown_department(client_for, submit, city):
    case = submit(category=Category.objects.get(code="E0501"))
    dept = department_create(actor=None, unit=city.county, name="区住建局", business_line="urban")
    c = client_for("street_official")
    before = AuditEvent.objects.count()
    for body, words in (({"departments": [dept.pk], "version": case.version, "hours": 1000}, "报到时限"),
                        ({"departments": [dept.pk], "version": case.version, "hours": "soon"}, "报到时限"),
                        ({"departments": [dept.pk + 99], "version": case.version}, "部门"),
                        ({"departments": [dept.pk], "version": "x"}, "版本")):
        r = c.post(f"/cases/{case.code}/whistle/", body, follow=True, **ZH)
        assert r.status_code == 200 and words in r.content.decode(), body
    assert not Whistle.objects.exists() and AuditEvent.objects.count() == before
    assert Case.objects.get(pk=case.pk).version == case.version


def test_an_action_with_a_version_that_is_no_number(client_for, submit):
    case = submit()
    r = client_for("grid_worker").post(f"/cases/{case.code}/act/", {"action": "register", "version": "v1"},
                                       follow=True, **ZH)
    assert r.status_code == 200 and "版本" in r.content.decode()
    assert Case.objects.get(pk=case.pk).status == case.status and Case.objects.get(pk=case.pk).version == case.version
