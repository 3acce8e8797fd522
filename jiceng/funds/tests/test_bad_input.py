"""Bad input: a clear Chinese message, 4xx, nothing written."""

import datetime
import io

import pytest
from django.utils import timezone

from jiceng.funds.models import Budget, Expenditure

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def _put(client, **body):
    base = {"unit": "141002001001", "year": YEAR, "fund_type": "community_work", "source": "city", "amount": "1"}
    return client.put("/api/v1/funds/budgets", {**base, **body}, content_type="application/json")


@pytest.mark.parametrize(("amount", "words"), [("-5", "不能为负"), ("abc", "数字"), ("1.234", "两位小数"), ("", "金额")])
def test_bad_amounts_are_refused_in_chinese(city, client_for, amount, words):
    r = _put(client_for("street_official"), amount=amount)
    assert r.status_code == 422, r.content
    assert words in r.json()["detail"] and r.json()["field"] == "amount"
    assert not Budget.objects.exists()


def test_bad_amount_on_the_page_shows_next_to_the_field(city, client_for):
    r = client_for("street_official").post(f"/funds/budgets/?unit={city.community.code}", {
        "unit": city.community.code, "year": YEAR, "fund_type": "community_work", "source": "city",
        "amount": "-100"})
    assert r.status_code == 422 and "不能为负" in r.content.decode()
    assert not Budget.objects.exists()


def _spend(client, city, **extra):
    data = {"unit": city.community.code, "fund_type": "community_work", "spent_on": f"{YEAR}-01-05",
            "amount": "100", "purpose": "文具", **extra}
    return client.post("/api/v1/funds/spending", data)


def test_spending_on_a_closed_year_is_refused(city, client_for):
    client_for("city_admin").post("/api/v1/funds/years/close", {"unit": city.county.code, "year": YEAR - 1},
                                  content_type="application/json")
    r = _spend(client_for("community_worker"), city, spent_on=f"{YEAR - 1}-12-01")
    assert r.status_code == 422 and "已关账" in r.json()["detail"]
    assert not Expenditure.objects.exists()


def test_a_voucher_that_is_not_an_image_or_pdf_is_refused(city, client_for):
    fake = io.BytesIO(b"MZ\x90\x00 this is an executable")
    fake.name = "receipt.jpg"
    r = _spend(client_for("community_worker"), city, voucher=fake)
    assert r.status_code == 422 and "图片" in r.json()["detail"]
    assert not Expenditure.objects.exists()


def test_a_pdf_with_javascript_is_refused(city, client_for):
    pdf = io.BytesIO(b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n%%EOF\n")
    pdf.name = "v.pdf"
    r = _spend(client_for("community_worker"), city, voucher=pdf)
    assert r.status_code == 422 and not Expenditure.objects.exists()


def test_an_image_voucher_is_re_encoded(city, client_for, png):
    from PIL import Image

    buf = png()
    data = buf.getvalue() + b"<script>alert(1)</script>"
    r = _spend(client_for("community_worker"), city, voucher=io.BytesIO(data))
    assert r.status_code == 201, r.content
    stored = Expenditure.objects.get().voucher.read()
    assert b"<script>" not in stored
    assert Image.open(io.BytesIO(stored)).size == (8, 8)


def test_spending_in_the_future_or_negative_is_refused(city, client_for):
    client = client_for("community_worker")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert _spend(client, city, spent_on=tomorrow.isoformat()).status_code == 422
    assert _spend(client, city, amount="-1").status_code == 422
    assert _spend(client, city, amount="0").status_code == 422
    assert not Expenditure.objects.exists()


def test_an_import_with_one_bad_row_writes_nothing(city, client_for):
    from jiceng.core.testing import xlsx_upload

    upload = xlsx_upload([["单位代码", "年度", "经费类型", "来源", "金额"],
                          [city.community.code, YEAR, "社区工作经费", "市", 100000],
                          [city.community.code, YEAR, "服务群众专项经费", "市", "很多"]])
    r = client_for("street_official").post("/api/v1/funds/budgets/import", {"file": upload})
    assert r.status_code == 422
    assert r.json()["errors"][0]["row"] == 3
    assert not Budget.objects.exists()


def test_an_import_writes_every_row(city, client_for):
    from jiceng.core.testing import xlsx_upload

    upload = xlsx_upload([["单位代码", "年度", "经费类型", "来源", "金额"],
                          [city.community.code, YEAR, "社区工作经费", "市", 100000],
                          [city.community.code, YEAR, "community_service", "街道", 100000.5]])
    r = client_for("street_official").post("/api/v1/funds/budgets/import", {"file": upload})
    assert r.status_code == 200 and r.json()["written"] == 2
    assert Budget.objects.count() == 2


def test_a_pdf_voucher_is_kept_under_a_name_the_server_chose(city, client_for):
    pdf = io.BytesIO(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    pdf.name = "../../发票.exe.pdf"
    r = _spend(client_for("community_worker"), city, voucher=pdf)
    assert r.status_code == 201, r.content
    e = Expenditure.objects.get()
    assert e.voucher_type == "application/pdf" and e.voucher.name.endswith(".pdf")
    assert "发票" not in e.voucher.name and ".exe" not in e.voucher.name


def test_an_office_document_is_not_a_voucher(city, client_for):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    buf.seek(0)
    buf.name = "receipt.docx"
    r = _spend(client_for("community_worker"), city, voucher=buf)
    assert r.status_code == 422 and "PDF" in r.json()["detail"]
    assert not Expenditure.objects.exists()
