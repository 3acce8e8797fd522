import math

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon, box

from jiceng.core.geo.grid_index import M_PER_DEG, GridIndex, naive_locate_loop
from jiceng.core.geo.tiling import demo_city_outline, split_polygon

LAT0, LNG0 = 36.08, 111.50
KX = M_PER_DEG * math.cos(math.radians(LAT0))


def two_boxes():
    # two 0.01-degree squares sharing the edge lng = LNG0 + 0.01
    a = box(LNG0, LAT0, LNG0 + 0.01, LAT0 + 0.01)
    b = box(LNG0 + 0.01, LAT0, LNG0 + 0.02, LAT0 + 0.01)
    return a, b


def brute(polys, lats, lngs, tolerance_m):
    """Reference: exact containment, else nearest within tolerance in local equirectangular metres."""
    out, dist = [], []
    for lat, lng in zip(lats, lngs, strict=True):
        kx = M_PER_DEG * math.cos(math.radians(lat))
        hit = [i for i, p in enumerate(polys) if p.intersects(shapely.Point(lng, lat))]
        if hit:
            out.append(min(hit))
            dist.append(0.0)
            continue
        best = (math.inf, -1)
        for i, p in enumerate(polys):
            loc = shapely.transform(
                p,
                lambda c, lat=lat, lng=lng, kx=kx: np.column_stack(
                    [(c[:, 0] - lng) * kx, (c[:, 1] - lat) * M_PER_DEG]
                ),
            )
            d = loc.distance(shapely.Point(0, 0))
            if d <= tolerance_m and (d, i) < best:
                best = (d, i)
        out.append(best[1])
        dist.append(best[0])
    return np.array(out), np.array(dist)


def test_locate_inside_edge_and_outside():
    a, b = two_boxes()
    gi = GridIndex([("A", a), ("B", b)])
    assert gi.locate(LAT0 + 0.005, LNG0 + 0.005) == ("A", 0.0)
    assert gi.locate(LAT0 + 0.005, LNG0 + 0.015) == ("B", 0.0)
    # on the shared edge: lowest index wins, deterministically
    assert gi.locate(LAT0 + 0.005, LNG0 + 0.01) == ("A", 0.0)
    gi_rev = GridIndex([("B", b), ("A", a)])
    assert gi_rev.locate(LAT0 + 0.005, LNG0 + 0.01) == ("B", 0.0)
    # 100 m north of B: within the default 200 m tolerance
    uid, d = gi.locate(LAT0 + 0.01 + 100 / M_PER_DEG, LNG0 + 0.015)
    assert uid == "B" and d == pytest.approx(100, abs=0.05)
    # 300 m north: outside the jurisdiction, but inside with a larger tolerance
    far_lat = LAT0 + 0.01 + 300 / M_PER_DEG
    assert gi.locate(far_lat, LNG0 + 0.015) == (None, math.inf)
    uid, d = gi.locate(far_lat, LNG0 + 0.015, tolerance_m=500)
    assert uid == "B" and d == pytest.approx(300, abs=0.1)
    assert gi.locate(far_lat, LNG0 + 0.015, tolerance_m=0) == (None, math.inf)
    # far away (outside the raster)
    assert gi.locate(30.0, 100.0) == (None, math.inf)


def test_locate_many_int_ids_and_string_ids():
    a, b = two_boxes()
    lats = [LAT0 + 0.005, LAT0 + 0.005, LAT0 + 0.5]
    lngs = [LNG0 + 0.005, LNG0 + 0.015, LNG0]
    ids, dist = GridIndex([(11, a), (22, b)]).locate_many(lats, lngs)
    assert ids.dtype == np.int64 and ids.tolist() == [11, 22, -1]
    assert dist.tolist() == [0.0, 0.0, math.inf]
    ids, _ = GridIndex([("g1", a), ("g2", b)]).locate_many(lats, lngs)
    assert ids.tolist() == ["g1", "g2", None]


def test_multipolygon_and_hole():
    ring = Polygon(box(0, 0, 0.1, 0.1).exterior.coords, holes=[box(0.03, 0.03, 0.07, 0.07).exterior.coords])
    multi = MultiPolygon([box(0.2, 0, 0.3, 0.1), box(0.4, 0, 0.5, 0.1)])
    hole_filler = box(0.03, 0.03, 0.07, 0.07)
    gi = GridIndex([(1, ring), (2, multi)])
    assert gi.locate(0.05, 0.05) == (None, math.inf)  # in the hole, > 200 m from the ring
    assert gi.locate(0.05, 0.45)[0] == 2
    assert gi.locate(0.01, 0.01)[0] == 1
    gi2 = GridIndex([(1, ring), (2, multi), (3, hole_filler)])
    assert gi2.locate(0.05, 0.05) == (3, 0.0)
    assert gi2.locate(0.03, 0.05) == (1, 0.0)  # on the hole edge: both, lowest index


def test_matches_brute_force_on_small_tiling():
    parent = box(LNG0, LAT0, LNG0 + 0.03, LAT0 + 0.02)
    polys = split_polygon(parent, 9, seed=4)
    gi = GridIndex(list(enumerate(polys)), max_cells=4096)
    rng = np.random.default_rng(1)
    lats = rng.uniform(LAT0 - 0.004, LAT0 + 0.024, 600)
    lngs = rng.uniform(LNG0 - 0.004, LNG0 + 0.034, 600)
    # include every vertex (points on shared edges and corners)
    co = shapely.get_coordinates(np.array(polys, dtype=object))
    lats = np.concatenate([lats, co[:, 1]])
    lngs = np.concatenate([lngs, co[:, 0]])
    pos, dist = gi.locate_positions(lats, lngs, tolerance_m=150)
    ref_pos, ref_dist = brute(polys, lats, lngs, 150)
    assert (pos == ref_pos).all()
    assert np.allclose(dist[np.isfinite(ref_dist)], ref_dist[np.isfinite(ref_dist)], atol=1e-6)
    assert np.isinf(dist[~np.isfinite(ref_dist)]).all()
    assert (naive_locate_loop(polys, lats, lngs)[ref_dist == 0] == ref_pos[ref_dist == 0]).all()


@settings(max_examples=25, deadline=None)
@given(
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=0, max_value=10_000),
    st.sampled_from([64, 1024, 65536]),
    st.floats(min_value=0, max_value=400),
)
def test_property_raster_agrees_with_exact(n, seed, cells, tol):
    parent = demo_city_outline(LAT0, LNG0, radius_km=2.0, seed=seed)
    polys = split_polygon(parent, n, seed)
    gi = GridIndex([(i, p) for i, p in enumerate(polys)], max_cells=cells, threads=1)
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = parent.bounds
    lats = rng.uniform(miny - 0.01, maxy + 0.01, 3000)
    lngs = rng.uniform(minx - 0.01, maxx + 0.01, 3000)
    pos, dist = gi.locate_positions(lats, lngs, tolerance_m=tol)
    exact = gi._exact(lngs, lats, np.zeros(len(lats), dtype=bool), tol)
    assert (pos == exact[0]).all()
    assert np.array_equal(dist, exact[1])


def test_threads_give_same_answer():
    city = demo_city_outline(radius_km=5)
    polys = split_polygon(city, 50, seed=9)
    rng = np.random.default_rng(3)
    minx, miny, maxx, maxy = city.bounds
    lats = rng.uniform(miny, maxy, 120_000)
    lngs = rng.uniform(minx, maxx, 120_000)
    g1 = GridIndex(list(enumerate(polys)), threads=1, max_cells=256)  # coarse: most points exact
    g2 = GridIndex(list(enumerate(polys)), threads=2, max_cells=256)
    a, da = g1.locate_many(lats, lngs)
    b, db = g2.locate_many(lats, lngs)
    assert np.array_equal(a, b) and np.array_equal(da, db)


def test_input_not_modified():
    a, b = two_boxes()
    wkb = (a.wkb, b.wkb)
    gi = GridIndex([(1, a), (2, b)])
    gi.locate_many([LAT0 + 0.0101], [LNG0 + 0.005], tolerance_m=500)
    assert (a.wkb, b.wkb) == wkb


@pytest.mark.parametrize(
    "lat,lng,tol,msg",
    [
        (91.0, 111.0, 200, "latitude"),
        (36.0, -181.0, 200, "longitude"),
        (float("nan"), 111.0, 200, "finite"),
        (36.0, 111.0, -1, "tolerance"),
        (36.0, 111.0, float("inf"), "tolerance"),
    ],
)
def test_bad_input(lat, lng, tol, msg):
    gi = GridIndex([(1, box(111, 36, 111.1, 36.1))])
    with pytest.raises(ValueError, match=msg):
        gi.locate(lat, lng, tolerance_m=tol)


def test_bad_construction():
    with pytest.raises(ValueError):
        GridIndex([])
    with pytest.raises(ValueError, match="unit 7"):
        GridIndex([(7, shapely.LineString([(0, 0), (1, 1)]))])
    with pytest.raises(ValueError):
        GridIndex([(7, Polygon())])
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    with pytest.raises(ValueError, match="make_valid"):
        GridIndex([(8, bowtie)])
    assert len(GridIndex([(8, bowtie)], validate=False)) == 1
    with pytest.raises(ValueError, match="length"):
        GridIndex([(1, box(0, 0, 1, 1))]).locate_many([0.5, 0.5], [0.5])


def test_speedcheck_smoke(capsys):
    from jiceng.core.geo import _speedcheck

    result = _speedcheck.main(["--points", "20000", "--loop-points", "300", "--repeat", "1", "--json"])
    assert result["polygons"] == 1910 and result["loop_agrees"]
    assert '"points_per_second"' in capsys.readouterr().out
