"""Distances on the earth, in one place: the great-circle distance (haversine, for numpy arrays and for
one pair of points) and the small-area approximations (metres per degree, a bounding box around a
point, an offset in metres turned into degrees) that searches, demo geometry and snapping use.

WGS-84 degrees in, metres out; the sphere has the mean earth radius (IUGG)."""

import math

import numpy as np

EARTH_RADIUS_M = 6_371_008.8
M_PER_DEG = EARTH_RADIUS_M * math.pi / 180.0  # along a meridian (and along the equator)


def haversine_m(lat1, lng1, lat2, lng2) -> np.ndarray:
    """Great-circle distance in metres (float64), broadcasting over numpy arrays."""
    lat1, lng1, lat2, lng2 = (np.radians(np.asarray(a, dtype=np.float64)) for a in (lat1, lng1, lat2, lng2))
    h = np.sin((lat2 - lat1) * 0.5) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lng2 - lng1) * 0.5) ** 2
    return 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two points (plain floats: no numpy on a hot scalar path)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def m_per_deg_lng(lat: float, *, min_cos: float = 0.01) -> float:
    """Metres per degree of longitude at `lat` (never below `min_cos` of a degree of latitude)."""
    return M_PER_DEG * max(min_cos, math.cos(math.radians(lat)))


def box_deg(lat: float, radius_m: float) -> tuple[float, float]:
    """(dlat, dlng): the half-sides in degrees of the box holding the circle of `radius_m` around a point."""
    return radius_m / M_PER_DEG, radius_m / m_per_deg_lng(lat)


def plane_m(lat0: float, lng0: float, lat, lng) -> float:
    """Distance in metres from (lat0, lng0) on the local plane (equirectangular): exact enough within a
    few kilometres, and cheap."""
    dy = (lat - lat0) * M_PER_DEG
    dx = (lng - lng0) * M_PER_DEG * math.cos(math.radians(lat0))
    return math.hypot(dx, dy)


def offset_deg(lat0: float, dy_m, dx_m) -> tuple:
    """Metres north (`dy_m`) and east (`dx_m`) of a point at latitude `lat0`, as (dlat, dlng) in degrees
    (numbers or numpy arrays)."""
    return dy_m / M_PER_DEG, dx_m / (M_PER_DEG * math.cos(math.radians(lat0)))
