"""Bad input from the issue: a clear Chinese message, 4xx, nothing written."""

import datetime

from django.utils import timezone

from jiceng.core.models import AuditEvent
from jiceng.workforce import services
from jiceng.workforce.models import Evaluation, PayrollLine, PayrollRun, Worker
from jiceng.workforce.tests.conftest import make_id

TODAY = timezone.localdate()
MONTH = TODAY.replace(day=1)


def _worker(city, **over):
    body = {"community": city.community.code, "name": "新人", "id_number": make_id(50), "phone": "13900000050",
            "post": "other", "channel": "open", "hire_date": "2023-03-01", "education": "bachelor"}
    body.update(over)
    return body


def _post(client, url, body):
    return client.post(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")


def _counts():
    return (Worker.objects.count(), Evaluation.objects.count(), PayrollLine.objects.count(),
            AuditEvent.objects.count())


def test_an_identity_number_failing_its_check_digit(city, wf, client_for):
    good = make_id(50)
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    before = _counts()
    r = _post(client_for("city_admin"), "/api/v1/workforce/workers", _worker(city, id_number=bad))
    assert r.status_code == 422 and r.json()["field"] == "id_number" and "校验位" in r.json()["detail"]
    assert _counts() == before


def test_a_grade_outside_the_posts_band(city, wf, client_for):
    before = _counts()
    r = _post(client_for("city_admin"), "/api/v1/workforce/workers", _worker(city, post="deputy", grade=16))
    assert r.status_code == 422 and r.json()["field"] == "grade" and "4–15" in r.json()["detail"]
    assert "超出" in r.json()["detail"]
    assert _counts() == before


def test_a_hire_date_in_the_future(city, wf, client_for):
    before = _counts()
    future = (TODAY + datetime.timedelta(days=3)).isoformat()
    r = _post(client_for("city_admin"), "/api/v1/workforce/workers", _worker(city, hire_date=future))
    assert r.status_code == 422 and r.json()["field"] == "hire_date" and "入职日期不能晚于今天" in r.json()["detail"]
    assert _counts() == before


def test_the_new_worker_page_shows_the_error_next_to_the_field(city, wf, client_for):
    body = _worker(city, hire_date=(TODAY + datetime.timedelta(days=3)).isoformat())
    r = client_for("city_admin").post("/workforce/new/", body)
    assert r.status_code == 422
    assert 'data-field="hire_date"' in r.content.decode() and "入职日期不能晚于今天" in r.content.decode()
    assert not Worker.objects.filter(person__name="新人").exists()


def test_a_payroll_for_a_month_already_approved(city, wf, client_for):
    run = services.payroll_prepare(actor=None, street=city.street, month=MONTH)
    services.payroll_approve(actor=None, run=run)
    before = _counts()
    r = _post(client_for("street_official"), "/api/v1/workforce/payrolls",
              {"street": city.street.code, "month": MONTH.isoformat()})
    assert r.status_code == 409 and "已审批" in r.json()["detail"]
    assert _counts() == before
    page = client_for("street_official").post("/workforce/payrolls/", {"street": city.street.code,
                                                                        "month": MONTH.strftime("%Y-%m")})
    assert page.status_code == 409 and "已审批" in page.content.decode()
    assert PayrollRun.objects.count() == 1 and _counts() == before


def test_an_evaluation_for_a_worker_outside_ones_street(city, wf, client_for):
    before = _counts()
    body = {"worker_id": wf.other.pk, "year": TODAY.year - 1,
            "scores": {"political": 20, "ability": 20, "performance": 25, "residents": 15}}
    r = _post(client_for("street_official"), "/api/v1/workforce/evaluations", body)
    assert r.status_code == 404 and "管辖范围" in r.json()["detail"]
    assert _counts() == before


def test_an_excel_row_without_a_post(city, wf, client_for):
    from jiceng.core.testing import xlsx_upload
    from jiceng.workforce.excel import HEADERS

    good = [city.community.code, "五一路社区", "甲", make_id(60), "13900000060", "其他", "", "社会公开招聘", "2022-01-10",
            "本科", "初级", "", "", "在岗"]
    missing = [city.community.code, "五一路社区", "乙", make_id(61), "", "", "", "社区干部招录", "2022-01-10", "大专", "无", "",
               "", "在岗"]
    before = _counts()
    upload = xlsx_upload([HEADERS, good, missing], name="roster.xlsx")
    r = client_for("city_admin").post("/workforce/import/", {"file": upload})
    assert r.status_code == 422
    text = r.content.decode()
    assert "缺少岗位" in text and 'id="import-errors"' in text and "<td>3</td><td>岗位</td>" in text
    assert _counts() == before


def test_a_good_excel_roster_is_imported_whole(city, wf, client_for):
    from jiceng.core.testing import xlsx_upload
    from jiceng.workforce.excel import HEADERS

    rows = [[city.community.code, "", f"甲{i}", make_id(70 + i), "", "副职", "", "社区干部招录", "2022-01-10", "本科", "中级", "",
             "6222000011112222", "在岗"] for i in range(3)]
    r = client_for("city_admin").post("/workforce/import/", {"file": xlsx_upload([HEADERS, *rows])})
    assert r.status_code == 302
    assert Worker.objects.filter(person__name__startswith="甲", post="deputy").count() == 3
    export = client_for("community_worker").get(f"/workforce/roster.xlsx?unit={city.community.code}")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
