"""Conversions among WGS-84, GCJ-02 ("Mars coordinates") and BD-09 (Baidu).

Chinese map apps report GCJ-02 (AMap/Gaode, Tencent, Google China) or BD-09 (Baidu); Jiceng stores
everything in WGS-84. The forward GCJ-02 formula is the widely published one (as in the eviltransform
and coordtransform projects); its inverse has no closed form, so GCJ-02 -> WGS-84 is done by
fixed-point iteration of the forward formula, which converges to far below a millimetre in a few
steps (the offset field is very smooth). BD-09 <-> GCJ-02 uses the published Baidu formulas.

As in the standard algorithm, points outside the rough bounding box of China are not shifted: they
pass through all conversions unchanged.

All functions take (lat, lng) in degrees, in that order. Scalar functions return a tuple of floats;
the ``*_array`` functions take array-likes (broadcast together) and return a pair of float64 arrays.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "CRS_CHOICES",
    "bd09_to_gcj02",
    "bd09_to_gcj02_array",
    "bd09_to_wgs84",
    "bd09_to_wgs84_array",
    "from_wgs84",
    "from_wgs84_array",
    "gcj02_to_bd09",
    "gcj02_to_bd09_array",
    "gcj02_to_wgs84",
    "gcj02_to_wgs84_array",
    "out_of_china",
    "out_of_china_array",
    "to_wgs84",
    "to_wgs84_array",
    "validate_lat_lng",
    "wgs84_to_bd09",
    "wgs84_to_bd09_array",
    "wgs84_to_gcj02",
    "wgs84_to_gcj02_array",
]

CRS_CHOICES = ("wgs84", "gcj02", "bd09")

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 obfuscation.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0

# Bounding box used by every published implementation to decide "outside China".
_LNG_MIN, _LNG_MAX = 72.004, 137.8347
_LAT_MIN, _LAT_MAX = 0.8293, 55.8271

# Inversion: stop when the update is below this (degrees, ~1e-6 m) or after _MAX_ITER steps.
_INV_EPS = 1e-11
_MAX_ITER = 30


class _MathNS:
    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)
    sqrt = staticmethod(math.sqrt)
    fabs = staticmethod(math.fabs)
    atan2 = staticmethod(math.atan2)
    hypot = staticmethod(math.hypot)


class _NumpyNS:
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    sqrt = staticmethod(np.sqrt)
    fabs = staticmethod(np.fabs)
    atan2 = staticmethod(np.arctan2)
    hypot = staticmethod(np.hypot)


# --------------------------------------------------------------------------------------------------
# Core formulas, written once and evaluated with either math (scalars) or numpy (arrays).


def _delta(lat, lng, m):
    """GCJ-02 offset (dlat, dlng) in degrees for a WGS-84 point (no out-of-China check)."""
    x = lng - 105.0
    y = lat - 35.0
    xy = x * y
    sqrt_abs_x = m.sqrt(m.fabs(x))
    x_pi = x * math.pi
    y_pi = y * math.pi
    d = 20.0 * m.sin(6.0 * x_pi) + 20.0 * m.sin(2.0 * x_pi)
    dlat = d + 20.0 * m.sin(y_pi) + 40.0 * m.sin(y_pi / 3.0)
    dlng = d + 20.0 * m.sin(x_pi) + 40.0 * m.sin(x_pi / 3.0)
    dlat = dlat + 160.0 * m.sin(y_pi / 12.0) + 320.0 * m.sin(y_pi / 30.0)
    dlng = dlng + 150.0 * m.sin(x_pi / 12.0) + 300.0 * m.sin(x_pi / 30.0)
    dlat = dlat * (2.0 / 3.0) + (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * xy + 0.2 * sqrt_abs_x)
    dlng = dlng * (2.0 / 3.0) + (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * xy + 0.1 * sqrt_abs_x)
    rad_lat = lat / 180.0 * math.pi
    magic = m.sin(rad_lat)
    magic = 1.0 - _EE * magic * magic
    sqrt_magic = m.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlng = (dlng * 180.0) / (_A / sqrt_magic * m.cos(rad_lat) * math.pi)
    return dlat, dlng


def _gcj_to_bd(lat, lng, m):
    z = m.hypot(lng, lat) + 0.00002 * m.sin(lat * _X_PI)
    theta = m.atan2(lat, lng) + 0.000003 * m.cos(lng * _X_PI)
    return z * m.sin(theta) + 0.006, z * m.cos(theta) + 0.0065


def _bd_to_gcj(lat, lng, m):
    x = lng - 0.0065
    y = lat - 0.006
    z = m.hypot(x, y) - 0.00002 * m.sin(y * _X_PI)
    theta = m.atan2(y, x) - 0.000003 * m.cos(x * _X_PI)
    return z * m.sin(theta), z * m.cos(theta)


# --------------------------------------------------------------------------------------------------
# Validation


def validate_lat_lng(lat, lng) -> tuple[float, float]:
    """Return (lat, lng) as floats or raise ValueError if not finite or out of range."""
    try:
        flat = float(lat)
        flng = float(lng)
    except (TypeError, ValueError):
        raise ValueError(f"latitude and longitude must be numbers, got lat={lat!r}, lng={lng!r}") from None
    if not math.isfinite(flat) or not -90.0 <= flat <= 90.0:
        raise ValueError(f"latitude {lat!r} is out of range: it must be between -90 and 90 degrees")
    if not math.isfinite(flng) or not -180.0 <= flng <= 180.0:
        raise ValueError(f"longitude {lng!r} is out of range: it must be between -180 and 180 degrees")
    return flat, flng


def _validate_arrays(lats, lngs) -> tuple[np.ndarray, np.ndarray]:
    lat = np.asarray(lats, dtype=np.float64)
    lng = np.asarray(lngs, dtype=np.float64)
    lat, lng = np.broadcast_arrays(lat, lng)
    bad_lat = ~(np.isfinite(lat) & (lat >= -90.0) & (lat <= 90.0))
    if bad_lat.any():
        i = int(np.flatnonzero(bad_lat.ravel())[0])
        raise ValueError(
            f"{int(bad_lat.sum())} latitude(s) out of range (must be between -90 and 90 degrees); "
            f"first at index {i}: {lat.ravel()[i]!r}"
        )
    bad_lng = ~(np.isfinite(lng) & (lng >= -180.0) & (lng <= 180.0))
    if bad_lng.any():
        i = int(np.flatnonzero(bad_lng.ravel())[0])
        raise ValueError(
            f"{int(bad_lng.sum())} longitude(s) out of range (must be between -180 and 180 degrees); "
            f"first at index {i}: {lng.ravel()[i]!r}"
        )
    return lat, lng


def _check_crs(crs) -> str:
    key = str(crs).strip().lower().replace("-", "").replace("_", "") if crs is not None else ""
    aliases = {"wgs84": "wgs84", "epsg4326": "wgs84", "gcj02": "gcj02", "gcj": "gcj02", "bd09": "bd09"}
    if key not in aliases:
        raise ValueError(f"unknown crs {crs!r}: expected one of {', '.join(CRS_CHOICES)}")
    return aliases[key]


# --------------------------------------------------------------------------------------------------
# Scalar API


def out_of_china(lat: float, lng: float) -> bool:
    """True when the point lies outside the bounding box where GCJ-02 offsets apply."""
    return not (_LNG_MIN <= lng <= _LNG_MAX and _LAT_MIN <= lat <= _LAT_MAX)


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    if out_of_china(lat, lng):
        return float(lat), float(lng)
    dlat, dlng = _delta(lat, lng, _MathNS)
    return lat + dlat, lng + dlng


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """Exact inverse of wgs84_to_gcj02 (iterative; error far below 0.5 m)."""
    if out_of_china(lat, lng):
        return float(lat), float(lng)
    dlat, dlng = _delta(lat, lng, _MathNS)
    wlat, wlng = lat - dlat, lng - dlng
    for _ in range(_MAX_ITER):
        dlat, dlng = _delta(wlat, wlng, _MathNS)
        nlat, nlng = lat - dlat, lng - dlng
        done = abs(nlat - wlat) < _INV_EPS and abs(nlng - wlng) < _INV_EPS
        wlat, wlng = nlat, nlng
        if done:
            break
    return wlat, wlng


def gcj02_to_bd09(lat: float, lng: float) -> tuple[float, float]:
    if out_of_china(lat, lng):
        return float(lat), float(lng)
    return _gcj_to_bd(lat, lng, _MathNS)


def bd09_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """Published Baidu inverse formula (round-trip error with gcj02_to_bd09 is a few centimetres)."""
    if out_of_china(lat, lng):
        return float(lat), float(lng)
    return _bd_to_gcj(lat, lng, _MathNS)


def wgs84_to_bd09(lat: float, lng: float) -> tuple[float, float]:
    return gcj02_to_bd09(*wgs84_to_gcj02(lat, lng))


def bd09_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    return gcj02_to_wgs84(*bd09_to_gcj02(lat, lng))


_TO_WGS = {
    "wgs84": lambda lat, lng: (float(lat), float(lng)),
    "gcj02": gcj02_to_wgs84,
    "bd09": bd09_to_wgs84,
}
_FROM_WGS = {
    "wgs84": lambda lat, lng: (float(lat), float(lng)),
    "gcj02": wgs84_to_gcj02,
    "bd09": wgs84_to_bd09,
}


def to_wgs84(lat, lng, crs: str = "wgs84") -> tuple[float, float]:
    """Convert a point given in ``crs`` ("wgs84", "gcj02" or "bd09") to WGS-84.

    Raises ValueError for an unknown crs or a latitude/longitude out of range.
    """
    key = _check_crs(crs)
    flat, flng = validate_lat_lng(lat, lng)
    return _TO_WGS[key](flat, flng)


def from_wgs84(lat, lng, crs: str = "wgs84") -> tuple[float, float]:
    """Convert a WGS-84 point to ``crs`` (for display on a Chinese base map)."""
    key = _check_crs(crs)
    flat, flng = validate_lat_lng(lat, lng)
    return _FROM_WGS[key](flat, flng)


# --------------------------------------------------------------------------------------------------
# Vectorized API


def out_of_china_array(lats, lngs) -> np.ndarray:
    lat = np.asarray(lats, dtype=np.float64)
    lng = np.asarray(lngs, dtype=np.float64)
    return ~((lng >= _LNG_MIN) & (lng <= _LNG_MAX) & (lat >= _LAT_MIN) & (lat <= _LAT_MAX))


def _as_pair(lats, lngs):
    lat = np.asarray(lats, dtype=np.float64)
    lng = np.asarray(lngs, dtype=np.float64)
    return np.broadcast_arrays(lat, lng)


def wgs84_to_gcj02_array(lats, lngs) -> tuple[np.ndarray, np.ndarray]:
    lat, lng = _as_pair(lats, lngs)
    dlat, dlng = _delta(lat, lng, _NumpyNS)
    outside = out_of_china_array(lat, lng)
    return np.where(outside, lat, lat + dlat), np.where(outside, lng, lng + dlng)


def gcj02_to_wgs84_array(lats, lngs) -> tuple[np.ndarray, np.ndarray]:
    lat, lng = _as_pair(lats, lngs)
    dlat, dlng = _delta(lat, lng, _NumpyNS)
    wlat, wlng = lat - dlat, lng - dlng
    for _ in range(_MAX_ITER):
        dlat, dlng = _delta(wlat, wlng, _NumpyNS)
        nlat, nlng = lat - dlat, lng - dlng
        step = max(
            float(np.max(np.abs(nlat - wlat), initial=0.0)), float(np.max(np.abs(nlng - wlng), initial=0.0))
        )
        wlat, wlng = nlat, nlng
        if step < _INV_EPS:
            break
    outside = out_of_china_array(lat, lng)
    return np.where(outside, lat, wlat), np.where(outside, lng, wlng)


def gcj02_to_bd09_array(lats, lngs) -> tuple[np.ndarray, np.ndarray]:
    lat, lng = _as_pair(lats, lngs)
    blat, blng = _gcj_to_bd(lat, lng, _NumpyNS)
    outside = out_of_china_array(lat, lng)
    return np.where(outside, lat, blat), np.where(outside, lng, blng)


def bd09_to_gcj02_array(lats, lngs) -> tuple[np.ndarray, np.ndarray]:
    lat, lng = _as_pair(lats, lngs)
    glat, glng = _bd_to_gcj(lat, lng, _NumpyNS)
    outside = out_of_china_array(lat, lng)
    return np.where(outside, lat, glat), np.where(outside, lng, glng)


def wgs84_to_bd09_array(lats, lngs) -> tuple[np.ndarray, np.ndarray]:
    return gcj02_to_bd09_array(*wgs84_to_gcj02_array(lats, lngs))


def bd09_to_wgs84_array(lats, lngs) -> tuple[np.ndarray, np.ndarray]:
    return gcj02_to_wgs84_array(*bd09_to_gcj02_array(lats, lngs))


def _copy_arrays(lat, lng) -> tuple[np.ndarray, np.ndarray]:
    return lat.astype(np.float64, copy=True), lng.astype(np.float64, copy=True)


# As _TO_WGS / _FROM_WGS above, one converter per crs, for arrays.
_TO_WGS_ARRAY = {"wgs84": _copy_arrays, "gcj02": gcj02_to_wgs84_array, "bd09": bd09_to_wgs84_array}
_FROM_WGS_ARRAY = {"wgs84": _copy_arrays, "gcj02": wgs84_to_gcj02_array, "bd09": wgs84_to_bd09_array}


def to_wgs84_array(lats, lngs, crs: str = "wgs84") -> tuple[np.ndarray, np.ndarray]:
    """Vectorized to_wgs84; raises ValueError for an unknown crs or any coordinate out of range."""
    key = _check_crs(crs)
    return _TO_WGS_ARRAY[key](*_validate_arrays(lats, lngs))


def from_wgs84_array(lats, lngs, crs: str = "wgs84") -> tuple[np.ndarray, np.ndarray]:
    """Vectorized from_wgs84; raises ValueError for an unknown crs or any coordinate out of range."""
    key = _check_crs(crs)
    return _FROM_WGS_ARRAY[key](*_validate_arrays(lats, lngs))
