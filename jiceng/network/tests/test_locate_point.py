"""locate_point routes a point in any crs to its grid and the chain up to the city."""

import math

import pytest

from jiceng.core.errors import ValidationFailed
from jiceng.core.geo import coords
from jiceng.network.routing import locate_many, locate_point
from jiceng.orgs import services as org_services


def test_a_point_inside_a_grid_goes_to_that_grid_with_its_chain(city):
    result = locate_point(36.05, 111.42)
    assert result.grid == city.grid
    assert result.distance_m == 0.0
    assert [u.code for u in result.chain] == [city.city.code, city.county.code, city.street.code,
                                              city.community.code, city.grid.code]


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_a_point_given_in_a_chinese_map_crs_is_converted_first(city, crs):
    lat, lng = coords.from_wgs84(36.05, 111.449, crs)
    assert locate_point(36.05, 111.449).grid == city.grid
    assert locate_point(lat, lng, crs).grid == city.grid
    # unconverted, the shifted point lands in the neighbouring grid
    assert locate_point(lat, lng).grid == city.grid_b


def test_a_point_just_outside_goes_to_the_nearest_grid_within_the_tolerance(city):
    result = locate_point(36.0 - 0.0009, 111.42)  # about 100 m south of the city's edge
    assert result.grid == city.grid
    assert 90 < result.distance_m < 110
    assert locate_point(36.0 - 0.0009, 111.42, tolerance_m=50).grid is None


def test_a_point_far_away_is_outside_the_jurisdiction(city):
    result = locate_point(39.9, 116.4)
    assert result.grid is None and result.chain == [] and math.isinf(result.distance_m)


def test_bad_input_is_refused_with_a_clear_message(city):
    with pytest.raises(ValidationFailed) as exc:
        locate_point(91, 111.4)
    assert exc.value.code == "lat_out_of_range"
    with pytest.raises(ValidationFailed) as exc:
        locate_point(36, 181)
    assert exc.value.code == "lng_out_of_range"
    with pytest.raises(ValidationFailed) as exc:
        locate_point(36, 111, "mars")
    assert exc.value.code == "unknown_crs"


def test_the_index_follows_a_geometry_change_made_elsewhere(city):
    assert locate_point(36.05, 111.42).grid == city.grid
    org_services.unit_update(actor=None, unit=city.grid_b, geometry={
        "type": "Polygon", "coordinates": [[[111.41, 36.0], [111.5, 36.0], [111.5, 36.1], [111.41, 36.1],
                                            [111.41, 36.0]]]})
    org_services.unit_update(actor=None, unit=city.grid, geometry={
        "type": "Polygon", "coordinates": [[[111.4, 36.0], [111.41, 36.0], [111.41, 36.1], [111.4, 36.1],
                                            [111.4, 36.0]]]})
    assert locate_point(36.05, 111.42).grid == city.grid_b


def test_many_points_at_once(city):
    ids, dist = locate_many([36.05, 36.05, 10.0], [111.42, 111.55, 10.0])
    assert list(ids) == [city.grid.pk, city.grid2.pk, -1]
    assert dist[0] == 0 and math.isinf(dist[2])


def test_a_grid_moved_to_another_community_answers_with_its_new_chain(city):
    assert locate_point(36.05, 111.42).chain[3] == city.community
    org_services.unit_move(actor=None, unit=city.grid, new_parent=city.community2, new_code="141002002001009")
    result = locate_point(36.05, 111.42)
    assert result.grid.pk == city.grid.pk
    assert [u.code for u in result.chain][:4] == [city.city.code, city.county.code, city.street2.code,
                                                  city.community2.code]
