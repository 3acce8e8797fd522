"""Residents on the one Excel pattern: /excel/people/… imports into households under ?unit= only, every
problem by row and column, and exports the subtree masked (age instead of the birth date)."""

from jiceng.core.testing import sheet_rows, xlsx_upload
from jiceng.people.models import Person

HEAD = ["姓名", "性别", "出生日期", "身份证号", "电话", "户代码"]


def test_import_under_the_unit_and_masked_export(city, client_for):
    c = client_for("grid_worker")
    r = c.post(f"/excel/people/import?unit={city.grid.code}",
               {"file": xlsx_upload([HEAD, ["赵六", "男", "1980-01-02", "", "13700000000", city.household.code]])})
    assert r.status_code == 302
    rows = sheet_rows(c.get(f"/excel/people/export?unit={city.grid.code}").content)
    assert rows[0] == ["姓名", "性别", "年龄", "身份证号", "电话", "户代码"]
    zhao = next(row for row in rows if row[0] == "赵六")
    assert zhao[1] == "男" and zhao[4] == "137****0000" and "13700000000" not in str(rows)


def test_a_household_outside_the_unit_and_bad_cells_are_listed_together(city, client_for):
    before = Person.objects.count()
    upload = xlsx_upload([HEAD, ["赵六", "男", "1980-01-02", "", "", city.household.code],
                          ["钱七", "女", "1980-13-01", "", "", city.household.code],
                          ["孙八", "未知", "", "", "", city.household.code],
                          ["李九", "女", "", "", "", city.household2.code]])
    r = client_for("city_admin").post(f"/excel/people/import?unit={city.grid.code}", {"file": upload})
    assert r.status_code == 422
    assert sorted((e["row"], e["column"]) for e in r.context["errors"]) == [(3, "出生日期"), (4, "性别"), (5, "户代码")]
    assert Person.objects.count() == before
