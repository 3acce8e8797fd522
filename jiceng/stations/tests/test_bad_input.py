"""Bad input from the issue: a clear message in Chinese, a 4xx status, nothing written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiceng.core.models import AuditEvent
from jiceng.stations.models import ServicePosition, WalkNetwork

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
BASE = {"level": "station", "name": "新驿站", "lat": 36.05, "lng": 111.42, "address": "五一路"}


@pytest.mark.parametrize("change,field,words", [
    ({"lat": 39.9, "lng": 116.4}, "lat", "不在本市范围内"),
    ({"hours": {"0": "08:00-12:00, 11:00-14:00"}}, "hours", "重叠"),
    ({"hours": {"3": "18:00-08:00"}}, "hours", "结束时间须晚于开始时间"),
    ({"amenities": ["hot_water", "sauna"]}, "amenities", "未知服务设施“sauna”"),
    ({"crs": "mars"}, "crs", "坐标系"),
])
def test_the_api_refuses_in_chinese_and_writes_nothing(city, client_for, change, field, words):
    before = AuditEvent.objects.count()
    r = client_for("community_worker").post("/api/v1/stations/positions", {**BASE, "unit": city.compound.code,
                                                                          **change},
                                            content_type="application/json", **ZH)
    assert r.status_code == 422
    assert r.json()["field"] == field and words in r.json()["detail"]
    assert not ServicePosition.objects.exists() and AuditEvent.objects.count() == before


def test_the_page_form_shows_the_error_next_to_the_field(city, client_for):
    r = client_for("community_worker").post("/stations/new/", {
        "level": "station", "unit": city.compound.code, "name": "新驿站", "lat": "36.05", "lng": "111.42",
        "crs": "wgs84", "address": "五一路", "state": "open", "day0": "9点-12点"}, **ZH)
    assert r.status_code == 422
    assert "开放时间请写成 08:00-12:00" in r.content.decode()
    r = client_for("community_worker").post("/stations/new/", {
        "level": "station", "unit": city.compound.code, "name": "新驿站", "lat": "95", "lng": "111.42",
        "crs": "wgs84", "address": "五一路", "state": "open"}, **ZH)
    assert r.status_code == 422 and "纬度" in r.content.decode()
    assert not ServicePosition.objects.exists()


def test_a_failed_network_import_leaves_the_previous_network(city, client_for):
    from jiceng.stations.tests.conftest import lattice
    from jiceng.stations.walknet import network_replace

    first = network_replace(actor=None, source="lattice", arrays=lattice())
    c = client_for("city_admin")
    for name, data, words in [("a.osm.pbf", b"garbage" * 100, "不是 OpenStreetMap"),
                              ("a.txt", b"hello", "不是 OpenStreetMap"),
                              ("b.osm", b'<?xml version="1.0"?><osm version="0.6"><node id="1" lat="36.05" '
                                        b'lon="111.42"/></osm>', "没有可供步行的道路")]:
        r = c.post("/api/v1/stations/network/import", {"file": SimpleUploadedFile(name, data)}, **ZH)
        assert r.status_code == 422, r.content
        assert words in r.json()["detail"]
    assert list(WalkNetwork.objects.values_list("pk", "active")) == [(first.pk, True)]
    ok = c.post("/api/v1/stations/network/import", {"file": SimpleUploadedFile(
        "tiny.osm", b'<?xml version="1.0"?><osm version="0.6"><node id="1" lat="36.05" lon="111.42"/>'
                    b'<node id="2" lat="36.051" lon="111.42"/><node id="3" lat="36.051" lon="111.421"/>'
                    b'<way id="4"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="footway"/></way>'
                    b'</osm>')})
    assert ok.status_code == 201 and ok.json()["edges"] == 1 and ok.json()["nodes"] == 2
    assert list(WalkNetwork.objects.values_list("active", flat=True)) == [True]
