"""The platform's own base map (issue 18, item 2): tiles of public base geometry by zoom, cached, with pinned
query counts and limits; never a household or a resident; the address of a pin from the gazetteer."""

import json
import math

import pytest
from django.core.cache import cache
from django.test import Client

from jiceng.core.testing import assert_queries
from jiceng.network import basemap


def _tile(z: int, lat: float, lng: float) -> tuple[int, int]:
    """The tile (x, y) of zoom z - 1 holding the point (the base map's tiles are 512 px at zoom z)."""
    n = 2 ** (z - 1)
    r = math.radians(lat)
    return int((lng + 180) / 360 * n), int((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n)


def _get(client, z, lat, lng):
    x, y = _tile(z, lat, lng)
    r = client.get(f"/network/basemap/{z}/{x}/{y}.json")
    assert r.status_code == 200 and r["Content-Type"] == "application/geo+json"
    return json.loads(r.content)


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.LEAFLET_CONFIG = {**settings.LEAFLET_CONFIG, "TILES": ""}
    cache.clear()


@pytest.fixture
def drawn(city):
    """Compounds and buildings with outlines (the small city's have none), and gazetteer addresses."""
    from jiceng.network.services import gazetteer_rebuild
    from jiceng.orgs.services import unit_update

    def box(x0, y0, x1, y1):
        return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}

    unit_update(actor=None, unit=city.compound, geometry=box(111.410, 36.040, 111.420, 36.048))
    unit_update(actor=None, unit=city.building, geometry=box(111.414, 36.043, 111.415, 36.044))
    gazetteer_rebuild(actor=None, unit=city.city)
    return city


def test_each_zoom_draws_its_units_with_names_and_never_a_household(drawn):
    c = Client()
    far = _get(c, 12, 36.05, 111.45)
    assert {f["properties"]["k"] for f in far["features"]} == {"community"}
    assert {f["properties"].get("n") for f in far["features"]} >= {"五一路社区"}
    mid = _get(c, 14, 36.05, 111.425)
    kinds = {f["properties"]["k"]: f["properties"].get("n") for f in mid["features"]}
    assert kinds.get("grid") == "第一网格" and mid["roads"] == "edges"  # no walking network: grid edges are streets
    near = _get(c, 17, 36.0435, 111.4145)
    names = {f["properties"].get("n") for f in near["features"]}
    assert "1号楼" in names
    for z, lat, lng in ((12, 36.05, 111.45), (14, 36.05, 111.425), (17, 36.0435, 111.4145), (18, 36.0435, 111.4145)):
        text = json.dumps(_get(c, z, lat, lng), ensure_ascii=False)
        assert "household" not in text and "1单元101室" not in text and "张伟" not in text
        assert drawn.household.code not in text and "101室" not in text


def test_a_tile_costs_three_queries_then_one_from_the_cache(drawn):
    c = Client()
    x, y = _tile(15, 36.044, 111.415)
    with assert_queries(3, label="basemap tile, cold"):  # geometry version, units, the walking network's id
        first = c.get(f"/network/basemap/15/{x}/{y}.json")
    with assert_queries(1, label="basemap tile, cached"):
        again = c.get(f"/network/basemap/15/{x}/{y}.json")
    assert first.content == again.content and "max-age" in again["Cache-Control"]


def test_tiles_are_capped_and_bad_tiles_are_404(drawn, monkeypatch):
    c = Client()
    assert c.get("/network/basemap/7/0/0.json").status_code == 404  # below the zoom range
    assert c.get("/network/basemap/20/0/0.json").status_code == 404
    assert c.get("/network/basemap/12/4096/0.json").status_code == 404  # outside the world at zoom 11
    assert c.post("/network/basemap/12/0/0.json").status_code in (403, 405)
    assert len(_get(c, 13, 36.05, 111.45)["features"]) > 1
    cache.clear()
    monkeypatch.setattr(basemap, "MAX_FEATURES", 1)
    data = _get(c, 13, 36.05, 111.45)
    assert len(data["features"]) == 1 and data["truncated"] is True


def test_with_a_tile_server_the_base_map_is_not_served(drawn, settings):
    settings.LEAFLET_CONFIG = {**settings.LEAFLET_CONFIG, "TILES": "http://tiles.intranet/{z}/{x}/{y}.png"}
    x, y = _tile(14, 36.05, 111.425)
    assert Client().get(f"/network/basemap/14/{x}/{y}.json").status_code == 404


def test_the_walking_network_draws_the_streets_when_there_is_one(drawn):
    from jiceng.stations import walknet

    arrays = walknet.build_arrays([36.041, 36.047], [111.412, 111.418], [0, 0], [0], [1], [800.0], [0])
    walknet.network_replace(actor=None, source="test", arrays=arrays)
    data = _get(Client(), 15, 36.044, 111.415)
    roads = [f for f in data["features"] if f["properties"]["k"] == "road"]
    assert data["roads"] == "network" and len(roads) == 1
    assert roads[0]["geometry"]["coordinates"][0] == [111.412, 36.041]


def test_the_address_of_a_pin_is_the_nearest_gazetteer_address(drawn):
    c = Client()
    r = c.get("/network/address/", {"lat": "36.0436", "lng": "111.4146"}).json()
    assert r["address"] and "1号楼" in r["address"] and "第一网格" in r["place"]
    away = c.get("/network/address/", {"lat": "36.09", "lng": "111.44"}).json()
    assert away["address"] == "" and "第一网格" in away["place"]  # no building near: the grid and community
    assert c.get("/network/address/", {"lat": "10", "lng": "10"}).json() == {}  # outside the city
    assert c.get("/network/address/", {"lat": "x", "lng": "111"}).status_code == 422
    with assert_queries(2, label="pin address"):
        c.get("/network/address/", {"lat": "36.0436", "lng": "111.4146"})
