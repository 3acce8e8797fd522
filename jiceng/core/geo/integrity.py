"""Integrity checks for a tiling: do the children (grids) cover their parent (community) exactly?

``check_tiling(parent, children)`` reports, without changing anything:

- ``invalid``: a child (or the parent) that is not a valid, non-empty Polygon/MultiPolygon;
- ``outside_parent``: the part of a child that lies outside the parent;
- ``overlap``: the area shared by two children;
- ``gap``: each piece of the parent that no child covers.

Every finding has its area in m² (planar area in an equirectangular projection at the latitude of the
finding's own centroid, accurate to well under 1 % at grid scale), the geometry of the problem area
(WGS-84 lng/lat) and a suggested fix. Findings smaller than ``min_area_m2`` (floating-point dust) are
dropped. For the later checks an invalid geometry is repaired on a private copy with
``shapely.make_valid``; the input objects are never modified.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from .distance import M_PER_DEG

__all__ = ["KINDS", "Finding", "area_m2", "check_tiling"]

KINDS = ("invalid", "outside_parent", "overlap", "gap")


@dataclass(frozen=True)
class Finding:
    kind: str
    unit_ids: tuple
    area_m2: float
    fix: str
    message: str
    geometry: BaseGeometry | None = field(default=None, compare=False, repr=False)

    @property
    def location(self) -> tuple[float, float] | None:
        """(lat, lng) of a point inside the problem area, for a map marker."""
        if self.geometry is None or self.geometry.is_empty:
            return None
        p = self.geometry.representative_point() if self.geometry.is_valid else self.geometry.centroid
        return (p.y, p.x)

    def to_dict(self) -> dict:
        loc = self.location
        return {
            "kind": self.kind,
            "unit_ids": list(self.unit_ids),
            "area_m2": round(self.area_m2, 2),
            "fix": self.fix,
            "message": self.message,
            "lat": loc[0] if loc else None,
            "lng": loc[1] if loc else None,
            "wkt": self.geometry.wkt if self.geometry is not None else None,
        }


def area_m2(geom: BaseGeometry) -> float:
    """Area in m² of a lng/lat geometry (equirectangular at its centroid latitude)."""
    if geom is None or geom.is_empty:
        return 0.0
    a = shapely.area(geom)
    if a == 0.0:
        return 0.0
    lat = geom.centroid.y
    return float(a * M_PER_DEG * M_PER_DEG * math.cos(math.radians(lat)))


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """The polygonal part of a geometry (drops points and lines a repair or overlay may leave)."""
    if geom is None or geom.is_empty:
        return Polygon()
    if isinstance(geom, Polygon | MultiPolygon):
        return geom
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, Polygon | MultiPolygon) and not p.is_empty]
    if not parts:
        return Polygon()
    return shapely.union_all(parts)


def _check_one(uid, geom, label: str) -> tuple[BaseGeometry, Finding | None]:
    """Return (usable polygonal copy, invalid finding or None)."""
    ids = () if uid is None else (uid,)
    if not isinstance(geom, BaseGeometry):
        return Polygon(), Finding(
            "invalid",
            ids,
            0.0,
            "provide a Polygon or MultiPolygon",
            f"{label}: no geometry ({type(geom).__name__})",
        )
    if geom.is_empty:
        return Polygon(), Finding(
            "invalid", ids, 0.0, "provide a non-empty Polygon", f"{label}: empty geometry"
        )
    if not isinstance(geom, Polygon | MultiPolygon):
        poly = _polygonal(shapely.make_valid(geom))
        return poly, Finding(
            "invalid",
            ids,
            area_m2(poly),
            "provide a Polygon or MultiPolygon (the polygonal part was used for the other checks)",
            f"{label}: geometry type {geom.geom_type} is not a polygon",
            geom,
        )
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        repaired = _polygonal(shapely.make_valid(geom))
        return repaired, Finding(
            "invalid",
            ids,
            area_m2(repaired),
            "repair with shapely.make_valid(geom) and check the result (self-intersections, bow-ties, "
            "unclosed or duplicate rings)",
            f"{label}: invalid polygon ({reason})",
            geom,
        )
    return geom, None


def check_tiling(
    parent_poly: BaseGeometry, children: Mapping[object, BaseGeometry], *, min_area_m2: float = 1.0
) -> list[Finding]:
    """Check that ``children`` tile ``parent_poly``: returns findings (empty list when all is well).

    Order: invalid, outside_parent, overlap, gap; within a kind, by input order of the children.
    """
    findings: list[Finding] = []
    parent, bad = _check_one(None, parent_poly, "parent")
    if bad is not None:
        findings.append(bad)

    ids = list(children.keys())
    geoms = []
    for uid in ids:
        g, bad = _check_one(uid, children[uid], f"unit {uid}")
        if bad is not None:
            findings.append(bad)
        geoms.append(g)
    arr = np.empty(len(geoms), dtype=object)
    arr[:] = geoms

    # outside the parent
    if not parent.is_empty:
        outside = shapely.difference(arr, parent)
        for uid, g in zip(ids, outside, strict=True):
            g = _polygonal(g)
            a = area_m2(g)
            if a >= min_area_m2:
                findings.append(
                    Finding(
                        "outside_parent",
                        (uid,),
                        a,
                        "clip the unit to its parent: shapely.intersection(geom, parent), or move the boundary",
                        f"unit {uid}: {a:,.1f} m² lie outside the parent",
                        g,
                    )
                )

    # overlaps between children
    if len(geoms) > 1:
        tree = shapely.STRtree(arr)
        left, right = tree.query(arr, predicate="intersects")
        keep = left < right
        for i, j in zip(left[keep], right[keep], strict=True):
            inter = _polygonal(shapely.intersection(arr[i], arr[j]))
            a = area_m2(inter)
            if a >= min_area_m2:
                findings.append(
                    Finding(
                        "overlap",
                        (ids[i], ids[j]),
                        a,
                        f"give the shared area to one unit only, e.g. replace unit {ids[j]} by "
                        f"shapely.difference(geom_{ids[j]}, geom_{ids[i]})",
                        f"units {ids[i]} and {ids[j]} overlap by {a:,.1f} m²",
                        inter,
                    )
                )

    # gaps inside the parent
    if not parent.is_empty:
        covered = shapely.union_all(arr) if len(geoms) else Polygon()
        rest = _polygonal(shapely.difference(parent, covered))
        parts = [p for p in shapely.get_parts(rest) if not p.is_empty]
        tree = shapely.STRtree(arr) if len(geoms) else None
        for part in parts:
            a = area_m2(part)
            if a < min_area_m2:
                continue
            neighbours = (
                tuple(ids[k] for k in sorted(tree.query(part, predicate="intersects"))) if tree else ()
            )
            near = f" next to {', '.join(map(str, neighbours))}" if neighbours else ""
            findings.append(
                Finding(
                    "gap",
                    neighbours,
                    a,
                    "assign the gap to a neighbouring unit (shapely.union(neighbour, gap)) or create a unit for it",
                    f"{a:,.1f} m² of the parent are not covered by any unit{near}",
                    part,
                )
            )
    order = {k: n for n, k in enumerate(KINDS)}
    findings.sort(key=lambda f: order[f.kind])  # stable: keeps input order within a kind
    return findings
