"""The map page: local Leaflet, no base map unless a tile URL is configured."""


def test_no_base_map_by_default(city, client_for, settings):
    settings.LEAFLET_CONFIG = {**settings.LEAFLET_CONFIG, "TILES": ""}
    html = client_for("city_admin").get(f"/network/?unit={city.community.code}").content.decode()
    assert "/static/leaflet/leaflet.js" in html and 'data-tiles=""' in html
    assert "http://" not in html.split("<main>")[1] and "https://" not in html.split("<main>")[1]


def test_an_intranet_tile_url_is_used_when_configured(city, client_for, settings):
    settings.LEAFLET_CONFIG = {**settings.LEAFLET_CONFIG, "TILES": "http://tiles.intranet/{z}/{x}/{y}.png"}
    html = client_for("city_admin").get("/network/").content.decode()
    assert 'data-tiles="http://tiles.intranet/{z}/{x}/{y}.png"' in html


def test_the_grid_geojson_carries_the_chosen_figure(city, client_for):
    fc = client_for("community_worker").get(f"/api/v1/network/units/{city.community.code}/grids?figure=households")
    values = {f["properties"]["code"]: f["properties"]["value"] for f in fc.json()["features"]}
    assert values == {city.grid.code: 1, city.grid_b.code: 0}


def test_an_unknown_figure_is_422(city, client_for):
    response = client_for("community_worker").get(f"/api/v1/network/units/{city.community.code}/grids?figure=x")
    assert response.status_code == 422
