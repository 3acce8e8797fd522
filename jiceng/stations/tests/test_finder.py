import datetime

import pytest
from django.utils import timezone

from jiceng.core.geo import coords
from jiceng.stations.services import position_create
from jiceng.stations.tests.conftest import ALL_WEEK, offset


@pytest.fixture
def stations(placed):
    city = placed.city
    make = lambda name, n, e, amenities, hours=ALL_WEEK: position_create(  # noqa: E731
        actor=None, unit=city.compound, level="station", name=name, lat=offset(n, e)[0], lng=offset(n, e)[1],
        address="五一路", amenities=amenities, hours=hours)
    return {
        "near_no_water": make("近站无热水", 0, 100, ["rest"]),
        "water": make("热水驿站", 300, 200, ["hot_water", "charging"]),
        "water_closed_now": make("关门的热水站", 0, -100, ["hot_water"], hours={}),
        "water_far": make("远处热水站", -600, -600, ["hot_water"]),
    }


def test_it_finds_the_nearest_open_station_with_the_amenity_by_walking_distance(stations, client):
    r = client.get("/api/v1/stations/finder", {"lat": 36.05, "lng": 111.42, "amenity": "hot_water"})
    assert r.status_code == 200
    results = r.json()["results"]
    assert [x["name"] for x in results] == ["热水驿站", "远处热水站"]
    assert results[0]["distance_m"] == pytest.approx(500, abs=1)  # 300 north + 200 east on the lattice
    assert results[0]["walk_min"] == 7  # 500 m at 1.2 m/s = 6.9 minutes
    assert results[0]["today_hours"] == "00:00-23:59"


def test_a_chinese_map_app_location_is_converted_from_gcj02(stations, client):
    lat, lng = coords.wgs84_to_gcj02(*offset(300, 200))
    r = client.get("/api/v1/stations/finder", {"lat": lat, "lng": lng, "crs": "gcj02", "amenity": "hot_water"})
    assert r.json()["results"][0]["distance_m"] <= 1
    raw = client.get("/api/v1/stations/finder", {"lat": lat, "lng": lng, "amenity": "hot_water"})
    assert raw.json()["results"][0]["distance_m"] > 100  # taken as WGS-84 the point is hundreds of metres off


@pytest.mark.parametrize("params,field", [
    ({"lat": 39.9, "lng": 116.4}, "lat"),
    ({"lat": 36.05, "lng": 111.42, "amenity": "sauna"}, "amenity"),
    ({"lat": 36.05, "lng": 111.42, "crs": "utm"}, "crs"),
    ({"lat": 95, "lng": 111.42}, "lat"),
])
def test_bad_input_gets_a_chinese_message(stations, client, params, field):
    r = client.get("/api/v1/stations/finder", params, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 422
    body = r.json()
    assert body["field"] == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"]), body


def test_hours_decide_what_is_open_now(placed, client):
    now = timezone.localtime()
    later = (now + datetime.timedelta(hours=2)).time().replace(second=0, microsecond=0)
    if later < now.time():
        pytest.skip("too close to midnight")
    position_create(actor=None, unit=placed.city.compound, level="station", name="稍后开门", lat=36.05, lng=111.42,
                    address="五一路", amenities=["hot_water"],
                    hours={str(d): f"{later:%H:%M}-23:59" for d in range(8)})
    r = client.get("/api/v1/stations/finder", {"lat": 36.05, "lng": 111.42, "amenity": "hot_water"})
    assert r.json()["results"] == []
    r = client.get("/api/v1/stations/finder", {"lat": 36.05, "lng": 111.42, "amenity": "hot_water",
                                               "open_now": "false"})
    assert [x["name"] for x in r.json()["results"]] == ["稍后开门"]
