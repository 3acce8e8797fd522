"""Excel bulk intake: every row validated first, any bad row rejects the whole file naming each row
and column; a good file lands each case at its grid with its timeline, rollup and one audit event."""

import io

import pytest

from jiceng.cases.excel import cases_import
from jiceng.cases.models import Case, CaseEvent, Rollup
from jiceng.core.errors import ValidationFailed
from jiceng.core.models import AuditEvent
from jiceng.core.testing import xlsx_upload

HEAD = ["类别代码", "描述", "纬度", "经度", "地址", "来源", "上报人", "电话"]


def sheet(rows, head=HEAD):
    return xlsx_upload([head, *rows], name="cases.xlsx")


def test_a_good_file_creates_every_case_at_its_grid(city):
    n = cases_import(actor=city.users["community_worker"], upload=sheet([
        ["E0101", "垃圾堆放", 36.05, 111.42, "", "热线", "王五", "13912345678"],
        ["E0501", "路面塌陷", 36.05, 111.47, "", "", "", ""],
    ]))
    assert n == 2
    grid_case = Case.objects.get(category__code="E0101")
    assert grid_case.grid == city.grid and grid_case.handler == city.grid and grid_case.source == "hotline"
    assert grid_case.reporter_phone_masked.startswith("139") and "13912345678" not in grid_case.reporter_phone_masked
    street_case = Case.objects.get(category__code="E0501")
    assert street_case.grid == city.grid_b and street_case.handler == city.street
    assert CaseEvent.objects.filter(action="receive").count() == 2
    assert sum(r.received for r in Rollup.objects.all()) == 2
    ev = AuditEvent.objects.get(action="case.bulk_create")
    assert ev.actor_id == city.users["community_worker"].pk and ev.changes["count"] == 2


def test_any_bad_row_rejects_the_whole_file_and_names_every_row(city):
    with pytest.raises(ValidationFailed) as err:
        cases_import(actor=city.users["community_worker"], upload=sheet([
            ["E0101", "好的一行", 36.05, 111.42],
            ["NOPE", "未知类别", 36.05, 111.42],
            ["E0101", "", 36.05, 111.42],
            ["E0101", "城外", 30.0, 100.0],
            ["E0101", "别的街道", 36.05, 111.55],
            ["E0101", "坏电话", 36.05, 111.42, "", "", "", "123"],
            ["E0101", "坏坐标", "北纬", 111.42],
        ]))
    assert err.value.code == "import_rejected"
    assert [(e["row"], e["column"]) for e in err.value.errors] == [
        (3, "类别代码"), (4, "描述"), (5, "纬度"), (6, "纬度"), (7, "电话"), (8, "纬度")]
    assert Case.objects.count() == 0 and Rollup.objects.count() == 0


def test_missing_columns_and_non_excel_files_are_refused(city):
    with pytest.raises(ValidationFailed) as err:
        cases_import(actor=city.users["city_admin"], upload=sheet([["x"]], head=["地址"]))
    assert err.value.code == "missing_columns"
    with pytest.raises(ValidationFailed) as err:
        cases_import(actor=city.users["city_admin"], upload=io.BytesIO(b"not a workbook"))
    assert err.value.code == "not_xlsx"


def test_the_api_answers_row_errors_with_422(client_for):
    c = client_for("grid_worker")
    ok = c.post("/api/v1/cases/import", {"file": sheet([["E0101", "垃圾", 36.05, 111.42]])})
    assert ok.status_code == 201 and ok.json() == {"created": 1}
    bad = c.post("/api/v1/cases/import", {"file": sheet([["E0101", "别的网格", 36.05, 111.47]])})
    assert bad.status_code == 422 and bad.json()["errors"][0]["row"] == 2
