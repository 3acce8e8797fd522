from jiceng.core.testing import xlsx_upload
from jiceng.stations.models import ServicePosition

HEAD = ["级别", "所属单位代码", "名称", "纬度", "经度", "坐标系", "地址", "设施", "周一", "节假日"]


def test_import_is_all_or_nothing_and_export_round_trips(city, client_for):
    c = client_for("community_worker")
    good = ["小区驿站", city.compound.code, "幸福驿站", 36.05, 111.42, "WGS-84", "五一路12号", "热水、充电", "08:00-18:00", ""]
    bad_rows = [
        ["小区驿站", city.compound.code, "坏驿站", 39.9, 116.4, "WGS-84", "北京", "热水", "", ""],  # outside the city
        ["小区驿站", city.compound.code, "坏驿站2", 36.05, 111.42, "", "五一路", "桑拿", "", ""],  # unknown amenity
        ["小区驿站", city.compound.code, "坏驿站3", 36.05, 111.42, "", "五一路", "", "18:00-08:00", ""],  # ends before
    ]
    r = c.post("/api/v1/stations/positions/import", {"file": xlsx_upload([HEAD, good, *bad_rows])},
               HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 422
    body = r.json()
    assert [e["row"] for e in body["errors"]] == [3, 4, 5], body["errors"]
    assert "不在本市范围内" in body["errors"][0]["message"] and "桑拿" in body["errors"][1]["message"]
    assert not ServicePosition.objects.exists()

    r = c.post("/api/v1/stations/positions/import", {"file": xlsx_upload([HEAD, good])})
    assert r.status_code == 201 and r.json() == {"created": 1}
    p = ServicePosition.objects.get()
    assert sorted(p.amenities.values_list("code", flat=True)) == ["charging", "hot_water"]
    export = c.get(f"/api/v1/stations/positions/export.xlsx?unit={city.community.code}")
    assert export.status_code == 200
    again = c.post("/api/v1/stations/positions/import", {"file": export.content and _as_upload(export.content)})
    assert again.status_code == 201 and ServicePosition.objects.count() == 2


def _as_upload(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("positions.xlsx", data)


def test_rows_outside_the_callers_area_are_refused(city, client_for):
    row = ["小区驿站", city.compound2.code, "鼓楼驿站", 36.05, 111.55, "", "鼓楼", "", "", ""]
    r = client_for("community_worker").post("/api/v1/stations/positions/import", {"file": xlsx_upload([HEAD, row])})
    assert r.status_code == 422 and not ServicePosition.objects.exists()
