"""Display geometry: outlines are simplified to about a pixel of the map, so the page stays small for a
city's communities, and shapes stay recognizable."""

import json
import math

import pytest
import shapely

from jiceng.cockpit.selectors import classes, map_data
from jiceng.orgs.models import Unit

pytestmark = pytest.mark.django_db


def wiggly(cx: float, cy: float, r: float, n: int = 4000):
    """A detailed outline: a circle of radius r (degrees) with a small wiggle, n vertices."""
    pts = [(cx + r * (1 + 0.02 * math.sin(40 * t)) * math.cos(t), cy + r * (1 + 0.02 * math.sin(40 * t)) * math.sin(t))
           for t in (2 * math.pi * i / n for i in range(n))]
    return shapely.Polygon(pts)


def test_209_detailed_community_outlines_make_a_small_map_of_recognizable_shapes():
    units, originals = [], {}
    for i in range(209):
        geom = wiggly(111.0 + (i % 15) * 0.1, 35.5 + (i // 15) * 0.1, 0.045)
        u = Unit(kind="community", code=f"c{i}", name=f"社区{i}", path=f"/c{i}/", geom=shapely.to_wkb(geom))
        units.append(u)
        originals[u.code] = geom
    raw = sum(len(json.dumps(json.loads(shapely.to_geojson(g)))) for g in originals.values())
    values = {u.path: {"score": 80.0, "grade": "B", "residents": 1} for u in units}
    data = map_data(units, values, "residents", href=lambda u: "")
    size = len(json.dumps(data["geojson"]))
    assert raw > 30_000_000 and size < 200_000  # 34 MB of outlines become about 120 kB
    for feature in data["geojson"]["features"]:
        shown = shapely.geometry.shape(feature["geometry"])
        original = originals[feature["properties"]["code"]]
        assert shown.is_valid
        assert abs(shown.area - original.area) / original.area < 0.01
        assert shapely.hausdorff_distance(shown, original) < 0.003  # 2/1000 of the 1.5° map (2 px), about 300 m


def test_a_unit_without_geometry_is_left_off_the_map():
    u = Unit(kind="street", code="s1", name="无边界街道", path="/s1/", geom=None)
    data = map_data([u], {u.path: {"score": None, "grade": None, "residents": 0}}, "score", href=lambda u: "")
    assert data["geojson"]["features"] == [] and data["without_outline"] == ["无边界街道"]


def test_classes_are_equal_width_and_whole_numbers_for_counts():
    assert classes([]) == [] and classes([None, None]) == []
    assert classes([5, 5, None]) == [(5, 5)]
    assert classes([0.5, 1.0]) == [(0.5, 0.75), (0.75, 1.0)]
    assert classes(range(0, 11), integer=True) == [(0, 2), (3, 4), (5, 6), (7, 8), (9, 10)]
    assert classes([1, 2], integer=True) == [(1, 1), (2, 2)]
