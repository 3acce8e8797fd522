"""Any latitude/longitude/crs either routes or is refused with a named code, never a crash."""

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiceng.core.errors import ValidationFailed
from jiceng.network.routing import locate_point

coords = st.floats(allow_nan=True, allow_infinity=True, width=64)
crs = st.sampled_from(["wgs84", "gcj02", "bd09", "WGS84", "gcj-02", "mars", "", "epsg:3857"])


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lat=coords, lng=coords, system=crs)
def test_locate_routes_or_refuses_with_a_code(city, lat, lng, system):
    try:
        result = locate_point(lat, lng, system)
    except ValidationFailed as exc:
        assert exc.code in {"lat_out_of_range", "lng_out_of_range", "unknown_crs", "bad_coordinates"}
        return
    assert math.isfinite(lat) and -90 <= lat <= 90 and math.isfinite(lng) and -180 <= lng <= 180
    assert (result.grid is None) == math.isinf(result.distance_m)
