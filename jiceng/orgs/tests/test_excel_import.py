"""Excel import is all or nothing with row-level messages; export round-trips."""

import io

import pytest
from openpyxl import load_workbook

from jiceng.core.errors import ValidationFailed
from jiceng.core.testing import xlsx_upload
from jiceng.orgs.excel import units_export, units_import
from jiceng.orgs.models import Unit
from jiceng.people.excel import people_export, people_import
from jiceng.people.models import Person


def test_units_import_creates_a_tree_in_one_go(city):
    upload = xlsx_upload([["代码", "名称", "类型", "上级代码", "地址"],
                    ["141002001001003", "第三网格", "网格", "141002001001", ""],
                    ["141002001001003001", "新小区", "小区", "141002001001003", "五一路20号"]])
    assert units_import(actor=city.users["community_worker"], upload=upload) == 2
    assert Unit.objects.get(code="141002001001003001").parent.code == "141002001001003"


def test_one_bad_row_rejects_the_whole_file_with_row_and_column(city):
    before = Unit.objects.count()
    upload = xlsx_upload([["代码", "名称", "类型", "上级代码"],
                    ["141002001001003", "第三网格", "网格", "141002001001"],
                    ["141002001001004", "", "网格", "141002001001"],
                    ["141002002001009", "越界", "网格", "141002002001"]])
    with pytest.raises(ValidationFailed) as exc:
        units_import(actor=city.users["community_worker"], upload=upload)
    errors = exc.value.errors
    assert [(e["row"], e["column"]) for e in errors] == [(3, "名称"), (4, "上级代码")]
    assert Unit.objects.count() == before


def test_people_import_validates_identity_numbers_by_row(city):
    before = Person.objects.count()
    upload = xlsx_upload([["姓名", "性别", "身份证号", "电话", "户代码"],
                    ["赵六", "男", "", "13700000000", city.household.code],
                    ["钱七", "女", "141002199003071231", "", city.household.code]])
    with pytest.raises(ValidationFailed) as exc:
        people_import(actor=city.users["grid_worker"], upload=upload)
    assert exc.value.errors[0]["row"] == 3 and exc.value.errors[0]["column"] == "身份证号"
    assert Person.objects.count() == before


def test_people_import_and_masked_export(city):
    upload = xlsx_upload([["姓名", "性别", "出生日期", "身份证号", "电话", "户代码"],
                    ["赵六", "男", "1980-01-02", "", "13700000000", city.household.code]])
    assert people_import(actor=city.users["grid_worker"], upload=upload) == 1
    book = load_workbook(io.BytesIO(people_export(user=city.users["grid_worker"], unit=city.grid)))
    values = [c for row in book.active.iter_rows(values_only=True) for c in row]
    assert "赵六" in values and "137****0000" in values and "13700000000" not in values


def test_units_export_lists_the_subtree(city):
    book = load_workbook(io.BytesIO(units_export(user=city.users["street_official"], unit=city.street)))
    codes = [row[0] for row in book.active.iter_rows(values_only=True)][1:]
    assert city.household.code in codes and city.street2.code not in codes


def test_a_non_excel_file_is_refused(city):
    with pytest.raises(ValidationFailed, match="Excel"):
        units_import(actor=city.users["city_admin"], upload=io.BytesIO(b"not a workbook"))


def test_import_page_shows_row_errors(client_for, city):
    upload = xlsx_upload([["代码", "名称", "类型", "上级代码"], ["1", "x", "网格", "141002001001"]])
    upload.name = "units.xlsx"
    response = client_for("community_worker").post(f"/units/{city.community.code}/import/units/", {"file": upload})
    assert response.status_code == 422
    assert "15" in response.content.decode()
