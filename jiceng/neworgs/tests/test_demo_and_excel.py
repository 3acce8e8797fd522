"""The demo step builds organizations with coverage and gaps; the registry goes to Excel and back, all or
nothing, with row and column errors."""

import io

from openpyxl import load_workbook

from jiceng.core.models import AuditEvent
from jiceng.core.testing import xlsx_upload
from jiceng.demo.runner import DemoContext
from jiceng.neworgs import demo
from jiceng.neworgs.models import NewOrg
from jiceng.neworgs.tests.conftest import code

HEADER = ["名称", "类型", "统一社会信用代码", "纬度", "经度", "从业人员", "党员人数", "党组织覆盖", "所在党组织",
          "党的工作覆盖", "党建指导员或联络员"]


def test_the_demo_step_builds_orgs_with_coverage_and_gaps(city):
    demo.build(DemoContext(seed=7, scale=0.05, quiet=True))
    orgs = list(NewOrg.objects.all())
    assert len(orgs) == 160
    first = NewOrg.objects.get(name="中通快递五一路站")
    assert first.gap and first.party_members == 4 and first.org_coverage == "none"
    assert {o.org_coverage for o in orgs} >= {"own", "joint", "grid", "none"}
    assert any(o.gap for o in orgs) and any(not o.gap and o.party_members >= 3 for o in orgs)
    assert AuditEvent.objects.filter(action="neworg.bulk_create").count() == 1


def test_import_is_all_or_nothing_with_row_and_column_errors(city, client_for):
    good = code()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    upload = xlsx_upload([HEADER,
                          ["五一路便利店", "个体工商户", code(), 36.05, 111.42, 3, 0, "", "", "", ""],
                          ["顺丰五一路站", "快递物流站点", bad, 36.05, 111.42, 8, 4, "未建", "", "", ""],
                          ["某某公司", "银行", code(), 36.05, 111.42, 8, 1, "", "", "", ""],
                          ["鼓楼网点", "企业网点", code(), 36.05, 111.55, 8, 1, "", "", "", ""]])
    r = client_for("grid_worker").post("/api/v1/neworgs/orgs/import", {"file": upload},
                                       HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 422
    errors = {(e["row"], e["column"]) for e in r.json()["errors"]}
    assert errors == {(3, "统一社会信用代码"), (4, "类型"), (5, "纬度")}
    assert not NewOrg.objects.exists()
    upload = xlsx_upload([HEADER,
                          ["五一路便利店", "个体工商户", code(), 36.05, 111.42, 3, 0, "", "", "", ""],
                          ["顺丰五一路站", "快递物流站点", good, 36.05, 111.42, 8, 4, "联合党支部", "五一路联合党支部",
                           "党建指导员", "王敏"]])
    r = client_for("grid_worker").post("/api/v1/neworgs/orgs/import", {"file": upload})
    assert r.status_code == 201 and r.json() == {"created": 2}
    assert NewOrg.objects.get(credit_code=good).org_coverage == "joint"


def test_export_reads_back(city, client_for, station):
    r = client_for("community_worker").get(f"/api/v1/neworgs/orgs/export.xlsx?unit={city.community.code}")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("名称", "类型", "统一社会信用代码")
    assert rows[1][0] == station.name and rows[1][2] == station.credit_code and rows[1][-1] == "是"
    assert client_for("outsider").get(f"/api/v1/neworgs/orgs/export.xlsx?unit={city.community.code}").status_code == 404
