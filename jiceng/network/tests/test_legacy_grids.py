"""A business line's legacy grid layer maps onto the unified grids with area shares."""

import pytest

from jiceng.core.errors import ValidationFailed
from jiceng.network import geoio, services
from jiceng.network.models import BusinessLine


def fc(*features):
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code, "name": code},
         "geometry": {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}}
        for code, (x0, y0, x1, y1) in features]}


def test_the_default_lines_exist_and_the_list_is_configurable(city):
    lines = services.business_lines_ensure()
    assert [line.code for line in lines] == ["party", "governance", "civil", "urban", "emergency"]
    services.business_line_save(actor=city.users["city_admin"], code="market", name="市场监管", position=9)
    assert BusinessLine.objects.count() == 6


def test_each_legacy_grid_is_split_by_its_overlap_share(city):
    services.business_lines_ensure()
    line = BusinessLine.objects.get(code="governance")
    # straddles grid G1 (111.40–111.45) and grid B (111.45–111.50): 3/4 in G1, 1/4 in B
    features = geoio.parse_geojson(fc(("ZZ-1", (111.42, 36.02, 111.46, 36.08)), ("ZZ-2", (111.46, 36.0, 111.5, 36.1))))
    result = services.legacy_grids_import(actor=None, line=line, unit=city.community, features=features)
    assert result == {"legacy_grids": 2, "mappings": 3}
    shares = {(m.legacy.code, m.grid.code): m.share for m in
              line.legacy_grids.get(code="ZZ-1").mappings.select_related("legacy", "grid")}
    assert shares[("ZZ-1", city.grid.code)] == pytest.approx(0.75, abs=0.01)
    assert shares[("ZZ-1", city.grid_b.code)] == pytest.approx(0.25, abs=0.01)
    # a second import replaces the layer
    services.legacy_grids_import(actor=None, line=line, unit=city.community,
                                 features=geoio.parse_geojson(fc(("ZZ-9", (111.4, 36.0, 111.45, 36.1)))))
    assert list(line.legacy_grids.values_list("code", flat=True)) == ["ZZ-9"]


def test_an_invalid_legacy_layer_writes_nothing(city):
    services.business_lines_ensure()
    line = BusinessLine.objects.get(code="urban")
    bow = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "X"}, "geometry": {
        "type": "Polygon", "coordinates": [[[111.4, 36.0], [111.45, 36.1], [111.45, 36.0], [111.4, 36.1],
                                            [111.4, 36.0]]]}}]}
    with pytest.raises(ValidationFailed):
        services.legacy_grids_import(actor=None, line=line, unit=city.community, features=geoio.parse_geojson(bow))
    assert not line.legacy_grids.exists()


def test_work_filed_under_a_legacy_grid_lands_in_the_unified_grid_with_the_largest_share(city):
    from jiceng.network.selectors import unified_grid_for_legacy

    services.business_lines_ensure()
    line = BusinessLine.objects.get(code="civil")
    features = geoio.parse_geojson(fc(("MZ-1", (111.42, 36.02, 111.46, 36.08))))
    services.legacy_grids_import(actor=None, line=line, unit=city.community, features=features)
    assert unified_grid_for_legacy(line_code="civil", legacy_code="MZ-1") == city.grid
    assert unified_grid_for_legacy(line_code="civil", legacy_code="nope") is None
