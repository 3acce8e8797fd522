"""The unit tree on the one Excel pattern (core.excel.Table/Registry): /excel/units/… imports under the unit
of ?unit= only (all or nothing, row and column errors in Chinese) and exports that subtree."""

from jiceng.core.models import AuditEvent
from jiceng.core.testing import sheet_rows, xlsx_upload
from jiceng.orgs.models import Unit

HEAD = ["代码", "名称", "类型", "上级代码", "地址"]


def test_an_import_under_a_community_writes_its_rows_and_audits_each_level(city, client_for):
    upload = xlsx_upload([HEAD, ["141002001001003", "第三网格", "网格", city.community.code, ""],
                          ["141002001001003001", "新小区", "compound", "141002001001003", "五一路20号"]])
    r = client_for("community_worker").post(f"/excel/units/import?unit={city.community.code}", {"file": upload})
    assert r.status_code == 302
    assert Unit.objects.get(code="141002001001003001").parent.code == "141002001001003"
    # One audit event per level written (the grid, then the compound under it).
    assert AuditEvent.objects.filter(action="unit.bulk_create").count() == 2


def test_rows_outside_the_unit_or_with_bad_cells_write_nothing(city, client_for):
    before = Unit.objects.count()
    upload = xlsx_upload([HEAD, ["141002001001003", "第三网格", "网格", city.community.code, ""],
                          ["141002001002009", "越界网格", "网格", city.community2.code, ""],
                          ["141002001001004", "坏类型", "宫殿", city.community.code, ""],
                          ["141002001001005", "", "网格", city.community.code, ""]])
    r = client_for("street_official").post(f"/excel/units/import?unit={city.community.code}", {"file": upload},
                                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 422
    errors = [(e["row"], e["column"]) for e in r.context["errors"]]
    assert errors == [(4, "类型"), (5, "名称"), (3, "上级代码")]
    assert Unit.objects.count() == before


def test_the_export_lists_the_subtree_only(city, client_for):
    r = client_for("community_worker").get(f"/excel/units/export?unit={city.community.code}")
    rows = sheet_rows(r.content)
    assert rows[0] == HEAD
    codes = [row[0] for row in rows[1:]]
    assert city.household.code in codes and city.community2.code not in codes and city.street.code not in codes
