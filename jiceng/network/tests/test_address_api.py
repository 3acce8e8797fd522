"""GET /api/v1/locate/address: an address goes to its building and grid."""

from jiceng.network.services import gazetteer_rebuild


def test_the_address_of_a_building_returns_its_grid(city, client_for):
    gazetteer_rebuild(actor=None, unit=city.city)
    response = client_for("resident").get("/api/v1/locate/address", {"q": "五一路１２号幸福小区1栋3单元502"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["building"]["code"] == city.building.code
    assert body["grid"]["code"] == city.grid.code
    assert body["exact"] is False


def test_an_empty_address_is_a_clear_422(city, client_for):
    response = client_for("resident").get("/api/v1/locate/address", {"q": "  "})
    assert response.status_code == 422 and response.json()["code"] == "empty_address"


def test_an_unknown_address_is_404(city, client_for):
    response = client_for("resident").get("/api/v1/locate/address", {"q": "不存在路1号"})
    assert response.status_code == 404 and response.json()["code"] == "address_not_found"


def test_address_lookup_runs_a_fixed_number_of_queries(city, client_for):
    from jiceng.core.testing import assert_queries

    gazetteer_rebuild(actor=None, unit=city.city)
    client = client_for("grid_worker")
    client.get("/api/v1/locate/address", {"q": "幸福小区1号楼"})
    with assert_queries(4, label="address lookup"):  # + the server-side session
        # 1 user, 2 gazetteer entries with building and grid, 3 the grid's chain
        assert client.get("/api/v1/locate/address", {"q": "幸福小区1号楼"}).status_code == 200
