import math

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon, box

from jiceng.core.geo.tiling import allocate_counts, demo_city_outline, split_many, split_polygon


def assert_tiling(parent, pieces, n):
    assert len(pieces) == n
    assert all(isinstance(p, Polygon) and p.is_valid and not p.is_empty for p in pieces)
    union = shapely.union_all(pieces)
    assert shapely.symmetric_difference(union, parent).area <= 1e-9 * parent.area
    # pairwise no overlap (allowing floating-point dust)
    tree = shapely.STRtree(pieces)
    a, b = tree.query(np.array(pieces, dtype=object), predicate="intersects")
    for i, j in zip(a, b, strict=True):
        if i < j:
            assert pieces[i].intersection(pieces[j]).area <= 1e-12 * parent.area
    assert abs(sum(p.area for p in pieces) - parent.area) <= 1e-9 * parent.area


def u_shape(w=1.0):
    return Polygon([(0, 0), (3 * w, 0), (3 * w, 3), (2 * w, 3), (2 * w, 1), (w, 1), (w, 3), (0, 3)])


def test_square_split_is_deterministic():
    sq = box(111.4, 36.0, 111.6, 36.2)
    a = split_polygon(sq, 12, seed=7)
    b = split_polygon(sq, 12, seed=7)
    c = split_polygon(sq, 12, seed=8)
    assert [p.wkb for p in a] == [p.wkb for p in b]
    assert [p.wkb for p in a] != [p.wkb for p in c]
    assert_tiling(sq, a, 12)


def test_compact_pieces():
    city = demo_city_outline()
    pieces = split_polygon(city, 40, seed=3)
    assert_tiling(city, pieces, 40)
    areas = np.array([p.area for p in pieces])
    assert areas.max() / areas.min() < 6  # Lloyd relaxation keeps sizes comparable
    # isoperimetric quotient 4*pi*A/P^2 (1 for a disc); Voronoi cells are far from slivers
    q = np.array([4 * math.pi * p.area / p.length**2 for p in pieces])
    assert q.min() > 0.3


def test_non_convex_and_hole():
    assert_tiling(u_shape(), split_polygon(u_shape(), 9, seed=1), 9)
    with_hole = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], holes=[[(3, 3), (7, 3), (7, 7), (3, 7)]])
    assert_tiling(with_hole, split_polygon(with_hole, 13, seed=2), 13)


def test_n_one_and_bad_input():
    sq = box(0, 0, 1, 1)
    assert split_polygon(sq, 1, 0) == [sq]
    with pytest.raises(ValueError):
        split_polygon(sq, 0, 0)
    with pytest.raises(ValueError):
        split_polygon(Polygon([(0, 0), (1, 1), (1, 0), (0, 1)]), 3, 0)  # bow-tie, invalid
    with pytest.raises(ValueError):
        split_polygon(shapely.MultiPolygon([box(0, 0, 1, 1), box(2, 2, 3, 3)]), 3, 0)


def test_recursive_city_to_grids():
    city = demo_city_outline(radius_km=8)
    communities = split_polygon(city, 12, seed=1)
    counts = allocate_counts(100, [p.area for p in communities])
    assert sum(counts) == 100 and min(counts) >= 1
    grids = split_many(communities, counts, seed=2)
    for parent, children, k in zip(communities, grids, counts, strict=True):
        assert_tiling(parent, children, k)
    assert_tiling(city, [g for gs in grids for g in gs], 100)


def test_allocate_counts():
    assert allocate_counts(10, [1, 1, 1]) in ([4, 3, 3], [3, 4, 3], [3, 3, 4])
    assert allocate_counts(3, [100, 1, 1]) == [1, 1, 1]
    assert allocate_counts(0, [1, 2]) == [0, 0]
    assert sum(allocate_counts(1910, np.random.default_rng(0).uniform(1, 5, 209))) == 1910
    with pytest.raises(ValueError):
        allocate_counts(5, [0, 0])


@st.composite
def star_polygons(draw):
    """Random simple star-shaped polygons (always valid) of varying size and location."""
    k = draw(st.integers(min_value=3, max_value=24))
    radii = draw(st.lists(st.floats(min_value=0.3, max_value=1.0), min_size=k, max_size=k))
    scale = draw(st.sampled_from([0.001, 0.05, 1.0]))
    cx = draw(st.floats(min_value=100.0, max_value=120.0))
    cy = draw(st.floats(min_value=20.0, max_value=45.0))
    ang = np.linspace(0, 2 * math.pi, k, endpoint=False)
    r = np.array(radii) * scale
    return Polygon(np.column_stack([cx + r * np.cos(ang), cy + r * np.sin(ang)]))


@settings(max_examples=60, deadline=None)
@given(star_polygons(), st.integers(min_value=1, max_value=30), st.integers(min_value=0, max_value=2**31))
def test_property_union_and_no_overlap(poly, n, seed):
    assert poly.is_valid
    assert_tiling(poly, split_polygon(poly, n, seed), n)
