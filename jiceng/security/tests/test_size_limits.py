"""Issue 10, item 9 (sizes): nothing an attacker sends can make the server read, unzip or write
without bound. Each refusal is a 413 with a Chinese message, and nothing is written."""

import io
import json
import zipfile

import pytest

MB = 1024 * 1024


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_a_request_body_over_the_cap_is_refused_before_it_is_read(city, client_for, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jiceng.people.models import Person

    settings.JICENG_MAX_REQUEST_BYTES = 1 * MB
    before = Person.objects.count()
    r = client_for("community_worker").post("/api/v1/people/import", {
        "file": SimpleUploadedFile("people.xlsx", b"\0" * (2 * MB))})
    assert r.status_code == 413 and r.json()["code"] == "too_large" and _chinese(r.json()["detail"])
    assert Person.objects.count() == before


def test_a_json_body_over_the_form_cap_is_refused(city, client_for):
    from jiceng.cases.models import Case

    body = json.dumps({"category": "E0101", "description": "x" * (3 * MB), "lat": 36.05, "lng": 111.42})
    r = client_for("grid_worker").post("/api/v1/cases", body, content_type="application/json")
    assert r.status_code == 413 and _chinese(r.json()["detail"])
    assert Case.objects.count() == 0


def test_a_form_with_thousands_of_fields_is_refused_on_a_page(city, client_for):
    from jiceng.cases.models import Case

    fields = {f"f{i}": "1" for i in range(3000)}
    r = client_for("grid_worker").post("/cases/patrol/", {**fields, "category": "E0101", "description": "x"})
    assert r.status_code == 413 and "过多" in r.content.decode()
    assert Case.objects.count() == 0


def _xlsx_with_sheet(write_sheet) -> bytes:
    """A package that looks like a workbook, whose first sheet's XML `write_sheet(stream)` writes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            write_sheet(stream)
    return buf.getvalue()


@pytest.fixture
def no_parse(monkeypatch):
    """openpyxl must never be reached: the refusal comes before parsing."""
    import jiceng.core.excel as excel

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to parse the file")

    monkeypatch.setattr(excel, "load_workbook", refuse)


def test_an_xlsx_zip_bomb_is_refused_before_openpyxl_parses_it(city, client_for, no_parse):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jiceng.people.models import Person

    def sheet(stream):
        stream.write(b"<worksheet><sheetData>")
        block = b" " * MB
        for _ in range(160):  # 160 MB of nothing: about 0.5 MB zipped
            stream.write(block)
        stream.write(b"</sheetData></worksheet>")

    bomb = _xlsx_with_sheet(sheet)
    assert len(bomb) < 2 * MB
    before = Person.objects.count()
    r = client_for("community_worker").post("/api/v1/people/import", {"file": SimpleUploadedFile("p.xlsx", bomb)})
    assert r.status_code == 413 and r.json()["code"] == "xlsx_too_large" and _chinese(r.json()["detail"])
    assert Person.objects.count() == before


def test_an_xlsx_with_too_many_rows_is_refused_before_openpyxl_parses_it(city, client_for, no_parse):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jiceng.core.excel import MAX_ROWS

    def sheet(stream):
        stream.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
        for start in range(0, MAX_ROWS + 10, 10_000):
            stream.write(b"".join(b'<row r="%d"/>' % (i + 1) for i in range(start, start + 10_000)))
        stream.write(b"</sheetData></worksheet>")

    r = client_for("community_worker").post("/api/v1/people/import", {
        "file": SimpleUploadedFile("p.xlsx", _xlsx_with_sheet(sheet))})
    assert r.status_code == 413 and r.json()["code"] == "too_many_rows" and _chinese(r.json()["detail"])


def test_a_geojson_import_with_too_many_features_is_refused(city, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jiceng.core.limits import MAX_GEOJSON_FEATURES
    from jiceng.orgs.models import Unit

    square = {"type": "Polygon", "coordinates": [[[111.41, 36.01], [111.42, 36.01], [111.42, 36.02],
                                                  [111.41, 36.01]]]}
    features = [{"type": "Feature", "properties": {"code": f"X{i}", "name": f"网格{i}"}, "geometry": square}
                for i in range(MAX_GEOJSON_FEATURES + 1)]
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    before = Unit.objects.count()
    r = client_for("city_admin").post("/api/v1/network/geometry/import?kind=grid",
                                      {"file": SimpleUploadedFile("grids.geojson", data)})
    assert r.status_code == 413 and r.json()["code"] == "too_many" and _chinese(r.json()["detail"])
    assert Unit.objects.count() == before


def test_a_geojson_file_over_its_cap_is_refused(city, client_for, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jiceng.network import geoio

    padding = b" " * (geoio.MAX_IMPORT_BYTES + 1)
    r = client_for("city_admin").post("/api/v1/network/geometry/import?kind=grid",
                                      {"file": SimpleUploadedFile("grids.geojson", padding)})
    assert r.status_code == 413 and _chinese(r.json()["detail"])


def test_a_wartime_call_with_too_many_posts_or_people_is_refused(city):
    import datetime

    from django.utils import timezone, translation

    from jiceng.core.errors import TooLarge
    from jiceng.mobilize import calls
    from jiceng.mobilize.models import Call, Seat

    calls.mode_switch(actor=None, unit=city.street, mode="wartime", reason="演练")
    start = timezone.now() + datetime.timedelta(hours=1)
    post = {"kind": "checkpoint", "place": "路口", "lat": 36.05, "lng": 111.42, "shift_start": start,
            "shift_end": start + datetime.timedelta(hours=4), "headcount": 1, "skills": []}
    with translation.override("zh-hans"), pytest.raises(TooLarge) as err:
        calls.call_issue(actor=None, unit=city.street, title="召集令", posts=[post] * (calls.MAX_CALL_POSTS + 1))
    assert err.value.status == 413 and _chinese(str(err.value.message))
    with pytest.raises(TooLarge) as err:
        calls.call_issue(actor=None, unit=city.street, title="召集令",
                         posts=[{**post, "headcount": 5000}] * (calls.MAX_CALL_SEATS // 5000 + 1))
    assert err.value.code == "too_many_seats"
    assert Call.objects.count() == 0 and Seat.objects.count() == 0
