import math

import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Polygon, box

from jiceng.core.geo.grid_index import M_PER_DEG
from jiceng.core.geo.integrity import Finding, area_m2, check_tiling
from jiceng.core.geo.tiling import demo_city_outline, split_polygon

LAT0, LNG0 = 36.08, 111.50
KX = M_PER_DEG * math.cos(math.radians(LAT0))


def rect_m(x0, y0, x1, y1):
    """A rectangle given in metres east/north of (LNG0, LAT0)."""
    return box(LNG0 + x0 / KX, LAT0 + y0 / M_PER_DEG, LNG0 + x1 / KX, LAT0 + y1 / M_PER_DEG)


PARENT = rect_m(0, 0, 1000, 500)  # 500,000 m²


def kinds(findings):
    return [f.kind for f in findings]


def test_area_m2():
    assert area_m2(PARENT) == pytest.approx(500_000, rel=1e-4)
    assert area_m2(Polygon()) == 0.0


def test_clean_tiling_has_no_findings():
    kids = {"g1": rect_m(0, 0, 500, 500), "g2": rect_m(500, 0, 1000, 500)}
    assert check_tiling(PARENT, kids) == []
    pieces = split_polygon(demo_city_outline(radius_km=3), 25, seed=5)
    assert check_tiling(demo_city_outline(radius_km=3), dict(enumerate(pieces))) == []


def test_gap_overlap_outside():
    kids = {
        "g1": rect_m(0, 0, 500, 500),
        "g2": rect_m(480, 0, 900, 500),  # overlaps g1 by 20 x 500 m
        "g3": rect_m(900, 0, 1000, 300),
        "g4": rect_m(900, 300, 1100, 400),  # sticks out 100 x 100 m; leaves a 100 x 100 gap above it
    }
    found = check_tiling(PARENT, kids)
    assert kinds(found) == ["outside_parent", "overlap", "gap"]
    out, ov, gap = found
    assert out.unit_ids == ("g4",) and out.area_m2 == pytest.approx(10_000, rel=1e-3)
    assert ov.unit_ids == ("g1", "g2") and ov.area_m2 == pytest.approx(10_000, rel=1e-3)
    assert "difference" in ov.fix
    assert gap.area_m2 == pytest.approx(10_000, rel=1e-3)
    assert gap.unit_ids == ("g2", "g4")
    assert "g2, g4" in gap.message
    d = ov.to_dict()
    assert d["kind"] == "overlap" and d["wkt"].startswith("POLYGON") and d["lat"] is not None


def test_invalid_child_reported_with_make_valid_and_not_modified():
    bowtie = Polygon(
        [
            (LNG0, LAT0),
            (LNG0 + 1000 / KX, LAT0 + 500 / M_PER_DEG),
            (LNG0 + 1000 / KX, LAT0),
            (LNG0, LAT0 + 500 / M_PER_DEG),
        ]
    )
    before = bowtie.wkb
    found = check_tiling(PARENT, {"bad": bowtie})
    assert found[0].kind == "invalid" and found[0].unit_ids == ("bad",)
    assert "make_valid" in found[0].fix and "Self-intersection" in found[0].message
    assert found[0].area_m2 == pytest.approx(250_000, rel=1e-3)
    # the repaired bow-tie leaves two triangles uncovered
    assert kinds(found).count("gap") == 2
    assert bowtie.wkb == before


def test_wrong_types_and_empty():
    found = check_tiling(PARENT, {"line": LineString([(0, 0), (1, 1)]), "none": None, "empty": Polygon()})
    assert kinds(found)[:3] == ["invalid", "invalid", "invalid"]
    assert found[-1].kind == "gap" and found[-1].area_m2 == pytest.approx(500_000, rel=1e-3)
    found = check_tiling(Polygon([(0, 0), (1, 1), (1, 0), (0, 1)]), {})
    assert found[0].kind == "invalid" and found[0].unit_ids == ()


def test_min_area_filters_dust():
    kids = {"g1": rect_m(0, 0, 500.001, 500), "g2": rect_m(500, 0, 1000, 500)}  # 0.5 m² overlap
    assert check_tiling(PARENT, kids) == []
    assert kinds(check_tiling(PARENT, kids, min_area_m2=0.1)) == ["overlap"]


def test_finding_is_frozen():
    f = Finding("gap", (), 1.0, "fix", "msg")
    with pytest.raises(AttributeError):
        f.area_m2 = 2.0


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 15), st.integers(0, 10_000), st.floats(30.0, 150.0))
def test_property_shifted_child_is_detected(n, seed, shift_m):
    parent = demo_city_outline(LAT0, LNG0, radius_km=1.5, seed=seed)
    pieces = split_polygon(parent, n, seed)
    kids = dict(enumerate(pieces))
    assert check_tiling(parent, kids) == []
    moved = shapely.affinity.translate(pieces[0], xoff=shift_m / KX)
    kids[0] = moved
    found = check_tiling(parent, kids)
    assert found, "moving a grid must create a gap, an overlap or an outside part"
    assert {f.kind for f in found} <= {"gap", "overlap", "outside_parent"}
    assert pieces[0].wkb != moved.wkb
