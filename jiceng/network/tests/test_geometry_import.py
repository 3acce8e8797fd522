"""Geometry import: all or nothing; invalid polygons, crossings of the parent and overlaps are named."""

import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiceng.core.errors import ValidationFailed
from jiceng.network import geoio, routing
from jiceng.network.models import GeometryVersion
from jiceng.network.services import geometry_import
from jiceng.orgs.models import Unit


def box(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def fc(*features):
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": g, "properties": {"code": code, "name": name}} for code, name, g in features]}


def post(client, data, kind="grid", name="grids.geojson"):
    f = SimpleUploadedFile(name, data if isinstance(data, bytes) else json.dumps(data).encode())
    return client.post(f"/api/v1/network/geometry/import?kind={kind}", {"file": f})


def version():
    row = GeometryVersion.objects.filter(pk=1).first()
    return row.version if row else 0


def test_a_new_grid_and_a_moved_boundary_are_imported_and_routing_follows(city, client_for):
    routing.locate_point(36.05, 111.42)
    before = version()
    data = fc((city.grid.code, "", box(111.4, 36.0, 111.43, 36.1)),
              (city.grid_b.code, "", box(111.43, 36.0, 111.47, 36.1)),
              ("141002001001003", "第三网格", box(111.47, 36.0, 111.5, 36.1)))
    response = post(client_for("community_worker"), data)
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1 and response.json()["updated"] == 2
    assert version() > before
    assert routing.locate_point(36.05, 111.48).grid.code == "141002001001003"
    assert routing.locate_point(36.05, 111.44).grid == city.grid_b


def test_an_overlapping_import_is_refused_with_the_overlap_named(city, client_for):
    before, v0 = Unit.objects.get(pk=city.grid.pk).geom, version()
    data = fc((city.grid.code, "", box(111.4, 36.0, 111.46, 36.1)))  # reaches 0.01° into grid B
    response = post(client_for("community_worker"), data)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "geometry_refused"
    overlap = [e for e in body["errors"] if e["problem"] == "overlap"]
    assert overlap and city.grid.code in overlap[0]["code"] and city.grid_b.code in overlap[0]["code"]
    assert overlap[0]["area_m2"] > 800_000
    assert city.grid_b.code in body["detail"]
    assert bytes(Unit.objects.get(pk=city.grid.pk).geom) == bytes(before)
    assert version() == v0


def test_a_grid_crossing_its_community_boundary_is_refused(city):
    features = geoio.parse_geojson(fc(("141002001001003", "越界网格", box(111.49, 36.0, 111.52, 36.1))))
    with pytest.raises(ValidationFailed) as exc:
        geometry_import(actor=None, kind="grid", features=features)
    problems = {e["problem"] for e in exc.value.errors}
    assert "outside_parent" in problems
    assert not Unit.objects.filter(code="141002001001003").exists()


def test_an_invalid_polygon_writes_nothing_and_says_how_to_fix_it(city):
    bowtie = {"type": "Polygon", "coordinates": [[[111.4, 36.0], [111.45, 36.1], [111.45, 36.0], [111.4, 36.1],
                                                  [111.4, 36.0]]]}
    features = geoio.parse_geojson(fc((city.grid.code, "", bowtie),
                                      ("141002001001003", "新网格", box(111.47, 36.0, 111.5, 36.1))))
    with pytest.raises(ValidationFailed) as exc:
        geometry_import(actor=None, kind="grid", features=features)
    assert exc.value.errors[0]["problem"] == "invalid" and "make_valid" in exc.value.errors[0]["message"]
    assert not Unit.objects.filter(code="141002001001003").exists()


@pytest.mark.parametrize("payload", [b"not json", b'{"type": "Feature"}',
                                     b'{"type": "FeatureCollection", "features": [{"geometry": {"type": "Polygon"},'
                                     b' "properties": {"code": "141002001001001"}}]}'])
def test_invalid_geojson_is_a_clear_4xx(city, client_for, payload):
    response = post(client_for("city_admin"), payload)
    assert response.status_code == 422 and response.json()["detail"]


def test_excel_with_wkt_or_vertex_rows_is_read(city):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["code", "name", "wkt"])
    ws.append([city.grid.code, "第一网格", "POLYGON ((111.4 36, 111.45 36, 111.45 36.1, 111.4 36.1, 111.4 36))"])
    buf = io.BytesIO()
    wb.save(buf)
    (f,) = geoio.parse_excel(buf.getvalue())
    assert f.code == city.grid.code and f.geometry.area > 0

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["code", "name", "lng", "lat"])
    for x, y in [(111.4, 36.0), (111.45, 36.0), (111.45, 36.1), (111.4, 36.1)]:
        ws.append([city.grid.code, "第一网格", x, y])
    buf = io.BytesIO()
    wb.save(buf)
    (f,) = geoio.parse_excel(buf.getvalue())
    assert f.geometry.is_valid and round(f.geometry.area, 6) == 0.005
    result = geometry_import(actor=None, kind="grid", features=[f], dry_run=True)
    assert result["updated"] == 0 and result["dry_run"]


def test_the_export_reads_back_as_an_import(city, client_for):
    client = client_for("city_admin")
    data = client.get(f"/api/v1/network/units/{city.community.code}/geometry?kind=grid").json()
    assert len(data["features"]) == 2
    assert post(client, data).status_code == 200
    xlsx = client.get(f"/api/v1/network/units/{city.community.code}/geometry?kind=grid&format=xlsx").content
    assert len(geoio.parse_excel(xlsx)) == 2
