import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiceng.core.geo import coords as C


def dist_m(lat1, lng1, lat2, lng2):
    """Equirectangular distance in metres (plenty for sub-metre checks)."""
    k = 6371008.8 * math.pi / 180.0
    return math.hypot((lat1 - lat2) * k, (lng1 - lng2) * k * math.cos(math.radians((lat1 + lat2) / 2)))


# Published pairs, (lat, lng) order.
# Source: googollee/eviltransform, python/test.py (TESTS: wgsLat, wgsLng, gcjLat, gcjLng).
EVILTRANSFORM_WGS_GCJ = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]
# Source: wandergis/coordtransform, test/app.js (input lng=116.404, lat=39.915) and the identical
# expectations in the Rust port's tests (coordtransform-rs tests: test_bd09_to_wgs84 / test_wgs84_to_bd09).
CT_IN = (39.915, 116.404)
CT_WGS84_TO_GCJ02 = (39.91640428150164, 116.41024449916938)
CT_GCJ02_TO_BD09 = (39.92133699351021, 116.41036949371029)
CT_BD09_TO_GCJ02 = (39.90865673957631, 116.39762729119315)
# coordtransform's gcj02towgs84 is the one-step approximation (~1-2 m); ours is exact.
CT_GCJ02_TO_WGS84_APPROX = (39.91359571849836, 116.39775550083061)
CT_WGS84_TO_BD09 = (39.922699552216216, 116.41662724378733)
CT_BD09_TO_WGS84_APPROX = (39.907253214522164, 116.3913836995125)


@pytest.mark.parametrize("wlat,wlng,glat,glng", EVILTRANSFORM_WGS_GCJ)
def test_eviltransform_pairs(wlat, wlng, glat, glng):
    lat, lng = C.wgs84_to_gcj02(wlat, wlng)
    assert lat == pytest.approx(glat, abs=1e-9)
    assert lng == pytest.approx(glng, abs=1e-9)
    blat, blng = C.gcj02_to_wgs84(glat, glng)
    assert dist_m(blat, blng, wlat, wlng) < 0.01  # the brief asks < 0.5 m; we do much better


def test_coordtransform_pairs():
    assert C.wgs84_to_gcj02(*CT_IN) == pytest.approx(CT_WGS84_TO_GCJ02, abs=1e-10)
    assert C.gcj02_to_bd09(*CT_IN) == pytest.approx(CT_GCJ02_TO_BD09, abs=1e-10)
    assert C.bd09_to_gcj02(*CT_IN) == pytest.approx(CT_BD09_TO_GCJ02, abs=1e-10)
    assert C.wgs84_to_bd09(*CT_IN) == pytest.approx(CT_WGS84_TO_BD09, abs=1e-10)
    # The exact inverse lies within a metre of the published approximation ...
    assert dist_m(*C.gcj02_to_wgs84(*CT_IN), *CT_GCJ02_TO_WGS84_APPROX) < 1.0
    assert dist_m(*C.bd09_to_wgs84(*CT_IN), *CT_BD09_TO_WGS84_APPROX) < 1.0
    # ... and maps forward onto the input exactly.
    fwd = C.wgs84_to_gcj02(*C.gcj02_to_wgs84(*CT_IN))
    assert dist_m(*fwd, *CT_IN) < 1e-4


def test_array_versions_match_scalar():
    lats = np.array([p[0] for p in EVILTRANSFORM_WGS_GCJ] + [CT_IN[0], 48.85, -33.9])
    lngs = np.array([p[1] for p in EVILTRANSFORM_WGS_GCJ] + [CT_IN[1], 2.35, 151.2])
    pairs = [
        (C.wgs84_to_gcj02, C.wgs84_to_gcj02_array),
        (C.gcj02_to_wgs84, C.gcj02_to_wgs84_array),
        (C.gcj02_to_bd09, C.gcj02_to_bd09_array),
        (C.bd09_to_gcj02, C.bd09_to_gcj02_array),
        (C.wgs84_to_bd09, C.wgs84_to_bd09_array),
        (C.bd09_to_wgs84, C.bd09_to_wgs84_array),
    ]
    for scalar, vector in pairs:
        alat, alng = vector(lats, lngs)
        for i in range(len(lats)):
            slat, slng = scalar(lats[i], lngs[i])
            assert alat[i] == pytest.approx(slat, abs=1e-12), scalar.__name__
            assert alng[i] == pytest.approx(slng, abs=1e-12), scalar.__name__


def test_outside_china_passes_through():
    for lat, lng in [(48.8566, 2.3522), (0.0, 0.0), (-33.86, 151.21), (40.7, -74.0), (60.0, 100.0)]:
        assert C.wgs84_to_gcj02(lat, lng) == (lat, lng)
        assert C.gcj02_to_wgs84(lat, lng) == (lat, lng)
        assert C.wgs84_to_bd09(lat, lng) == (lat, lng)
        assert C.bd09_to_wgs84(lat, lng) == (lat, lng)
        assert C.to_wgs84(lat, lng, "gcj02") == (lat, lng)
    a = C.to_wgs84_array([48.8566, 39.9], [2.3522, 116.4], "gcj02")
    assert a[0][0] == 48.8566 and a[1][0] == 2.3522
    assert a[0][1] != 39.9


def test_to_wgs84_dispatch_and_aliases():
    assert C.to_wgs84(39.9, 116.4, "wgs84") == (39.9, 116.4)
    assert C.to_wgs84(39.9, 116.4, "GCJ-02") == C.gcj02_to_wgs84(39.9, 116.4)
    assert C.to_wgs84("39.9", "116.4", "bd09") == C.bd09_to_wgs84(39.9, 116.4)
    lat, lng = C.from_wgs84(*C.to_wgs84(36.08, 111.52, "gcj02"), "gcj02")
    assert dist_m(lat, lng, 36.08, 111.52) < 1e-3


@pytest.mark.parametrize("crs", ["", "utm", "wgs", "bd-11", None, "epsg:3857"])
def test_unknown_crs(crs):
    with pytest.raises(ValueError, match="unknown crs"):
        C.to_wgs84(39.9, 116.4, crs)
    with pytest.raises(ValueError, match="unknown crs"):
        C.to_wgs84_array([39.9], [116.4], crs)


@pytest.mark.parametrize(
    "lat,lng,word",
    [
        (91, 116, "latitude"),
        (-90.5, 116, "latitude"),
        (float("nan"), 116, "latitude"),
        (39.9, 180.1, "longitude"),
        (39.9, float("inf"), "longitude"),
        ("abc", 116, "numbers"),
        (None, 116, "numbers"),
    ],
)
def test_out_of_range(lat, lng, word):
    with pytest.raises(ValueError, match=word):
        C.to_wgs84(lat, lng, "gcj02")


def test_out_of_range_array_names_index():
    with pytest.raises(ValueError, match="index 2"):
        C.to_wgs84_array([39.9, 40.0, 95.0], [116.4, 116.4, 116.4], "bd09")
    with pytest.raises(ValueError, match="longitude"):
        C.to_wgs84_array([39.9], [-200.0], "wgs84")


# Stay a little inside the bounding box so that a shifted point does not cross it.
china_lat = st.floats(min_value=3.0, max_value=53.5, allow_nan=False)
china_lng = st.floats(min_value=74.0, max_value=135.0, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(china_lat, china_lng)
def test_roundtrip_gcj02(lat, lng):
    glat, glng = C.wgs84_to_gcj02(lat, lng)
    assert dist_m(glat, glng, lat, lng) < 1200  # the GCJ-02 offset is a few hundred metres
    assert dist_m(*C.gcj02_to_wgs84(glat, glng), lat, lng) < 0.001


@settings(max_examples=300, deadline=None)
@given(china_lat, china_lng)
def test_roundtrip_bd09(lat, lng):
    assert dist_m(*C.bd09_to_wgs84(*C.wgs84_to_bd09(lat, lng)), lat, lng) < 0.5
    assert dist_m(*C.bd09_to_gcj02(*C.gcj02_to_bd09(lat, lng)), lat, lng) < 0.5


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(china_lat, china_lng), min_size=1, max_size=200))
def test_roundtrip_arrays(points):
    lat = np.array([p[0] for p in points])
    lng = np.array([p[1] for p in points])
    for crs in C.CRS_CHOICES:
        blat, blng = C.to_wgs84_array(*C.from_wgs84_array(lat, lng, crs), crs)
        err = np.hypot(blat - lat, (blng - lng) * np.cos(np.radians(lat))) * 111_195
        assert float(err.max()) < 0.5, crs
