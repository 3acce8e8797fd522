"""GET /api/v1/locate and POST /api/v1/locate/batch: conversions per crs, bad input, pinned queries."""

import json

import pytest

from jiceng.core.geo import coords
from jiceng.core.testing import assert_queries
from jiceng.network import routing
from jiceng.network.services import grid_staff_assign

INSIDE = (36.05, 111.42)  # in grid G1 of the small city


@pytest.fixture
def staffed(city):
    grid_staff_assign(actor=None, grid=city.grid, role="leader", name="刘网格长")
    grid_staff_assign(actor=None, grid=city.grid, role="full_time", name="陈网格员")
    return city


@pytest.mark.parametrize("crs", ["wgs84", "gcj02", "bd09"])
def test_a_point_inside_a_grid_in_each_crs_returns_the_grid_chain_and_staff(staffed, client_for, crs):
    lat, lng = coords.from_wgs84(*INSIDE, crs)
    response = client_for("resident").get(f"/api/v1/locate?lat={lat}&lng={lng}&crs={crs}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["grid"]["code"] == staffed.grid.code
    assert [u["code"] for u in body["chain"]] == [staffed.city.code, staffed.county.code, staffed.street.code,
                                                  staffed.community.code, staffed.grid.code]
    assert {s["name"] for s in body["staff"]} == {"刘网格长", "陈网格员"}
    assert body["point"]["lat"] == pytest.approx(INSIDE[0], abs=1e-6)
    assert body["inside"] is True


def test_a_point_far_away_is_outside_the_jurisdiction(city, client_for):
    body = client_for("city_admin").get("/api/v1/locate?lat=39.9&lng=116.4").json()
    assert body["outside_jurisdiction"] is True and body["grid"] is None and body["chain"] == []


@pytest.mark.parametrize(("query", "code"), [
    ("lat=91&lng=111.4", "lat_out_of_range"),
    ("lat=-90.5&lng=111.4", "lat_out_of_range"),
    ("lat=36&lng=181", "lng_out_of_range"),
    ("lat=36&lng=111&crs=mars", "unknown_crs"),
])
def test_bad_input_gets_a_clear_4xx(city, client_for, query, code):
    response = client_for("city_admin").get(f"/api/v1/locate?{query}")
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert response.json()["detail"]


def test_a_missing_or_non_numeric_coordinate_is_422(city, client_for):
    assert client_for("city_admin").get("/api/v1/locate?lat=abc&lng=111").status_code == 422
    assert client_for("city_admin").get("/api/v1/locate?lng=111").status_code == 422


def test_locate_runs_a_fixed_number_of_queries(staffed, client_for):
    client = client_for("grid_worker")
    client.get("/api/v1/locate?lat=36.05&lng=111.42")  # build the index
    state = routing._state
    with assert_queries(4, label="locate"):  # + the server-side session
        # 1 user (session from the cache), 2 grid and its ancestors with the geometry fingerprint, 3 staff on duty
        response = client.get("/api/v1/locate?lat=36.05&lng=111.42")
    assert response.status_code == 200
    assert routing._state is state  # the fingerprint read with the chain matched: no rebuild


def test_a_point_outside_reads_only_the_fingerprint(staffed, client_for):
    client = client_for("grid_worker")
    client.get("/api/v1/locate?lat=36.05&lng=111.42")
    with assert_queries(3, label="locate outside"):  # + the server-side session
        # 1 user, 2 geometry fingerprint (an index older than the database might know the point)
        assert client.get("/api/v1/locate?lat=30&lng=100").json()["outside_jurisdiction"]


def test_a_batch_routes_every_point(city, client_for):
    glat, glng = coords.from_wgs84(36.05, 111.55, "gcj02")
    body = {"lats": [36.05, glat, 10.0], "lngs": [111.42, glng, 10.0], "crs": "wgs84"}
    response = client_for("community_worker").post("/api/v1/locate/batch", json.dumps(body),
                                                   content_type="application/json")
    assert response.status_code == 200, response.content
    out = response.json()
    assert out["grids"][0] == city.grid.code and out["grids"][2] is None
    assert out["outside_jurisdiction"] == 1
    body["crs"] = "gcj02"
    out = client_for("community_worker").post("/api/v1/locate/batch", json.dumps(body),
                                              content_type="application/json").json()
    assert out["grids"][1] == city.grid2.code


def test_a_batch_above_the_limit_is_refused(city, client_for):
    n = routing.MAX_BATCH + 1
    body = {"lats": [36.05] * n, "lngs": [111.42] * n}
    response = client_for("city_admin").post("/api/v1/locate/batch", json.dumps(body),
                                             content_type="application/json")
    assert response.status_code == 422 and response.json()["code"] == "batch_too_large"


def test_a_batch_with_a_bad_latitude_names_the_point(city, client_for):
    body = {"lats": [36.05, 95], "lngs": [111.42, 111.42]}
    response = client_for("city_admin").post("/api/v1/locate/batch", json.dumps(body),
                                             content_type="application/json")
    assert response.status_code == 422 and "1" in response.json()["detail"]
