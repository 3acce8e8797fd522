"""Grid staff and compounds in Excel: export, and an all-or-nothing staff import with row errors."""

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from jiceng.network import services
from jiceng.network.models import GridStaff


def sheet(rows):
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("staff.xlsx", buf.getvalue())


def test_staff_import_adds_every_row(city, client_for):
    f = sheet([["grid", "role", "name", "since"], [city.grid.code, "网格长", "刘网格长", "2025-01-01"],
               [city.grid.code, "full_time", "陈网格员", ""], [city.grid_b.code, "兼职网格员", "陈网格员", ""]])
    response = client_for("community_worker").post(f"/api/v1/network/units/{city.community.code}/staff/import",
                                                   {"file": f})
    assert response.status_code == 201, response.content
    assert GridStaff.objects.filter(name="陈网格员").count() == 2


def test_a_bad_row_writes_nothing_and_is_named(city, client_for):
    services.grid_staff_assign(actor=None, grid=city.grid, role="leader", name="现任网格长")
    f = sheet([["grid", "role", "name"], [city.grid.code, "网格长", "第二个网格长"], [city.grid_b.code, "队长", "某人"],
               [city.grid2.code, "网格员", "别街道"], [city.grid_b.code, "full_time", "好行"]])
    response = client_for("community_worker").post(f"/api/v1/network/units/{city.community.code}/staff/import",
                                                   {"file": f})
    assert response.status_code == 422
    rows = {e["row"] for e in response.json()["errors"]}
    assert rows == {2, 3, 4}
    assert GridStaff.objects.count() == 1


def test_exports_open_in_excel(city, client_for):
    services.grid_staff_assign(actor=None, grid=city.grid, role="leader", name="刘网格长")
    services.compound_profile_set(actor=None, compound=city.compound)
    client = client_for("community_worker")
    wb = openpyxl.load_workbook(io.BytesIO(client.get(
        f"/api/v1/network/units/{city.community.code}/staff/export").content))
    assert [c.value for c in wb.active[2]][:4] == [city.grid.code, city.grid.name, "leader", "刘网格长"]
    wb = openpyxl.load_workbook(io.BytesIO(client.get(
        f"/api/v1/network/units/{city.community.code}/compounds/export").content))
    assert wb.active[2][0].value == city.compound.code and wb.active[2][6].value == "1"
