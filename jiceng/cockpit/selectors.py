"""Reads behind the cockpit's map and charts (H1): the units one level below the shown unit, one value of
each measure per unit (one grouped query per source, never one per unit), and the monthly case series.

The map is a choropleth. The case unit score is coloured by grade (a fixed scale, as on the score bars);
the other measures by equal-width classes between the smallest and the largest value shown, on one
sequential palette. A unit without a value ("no data") is grey.
"""

import datetime
import json
import math

import shapely
from django.utils.translation import gettext_lazy as _

from jiceng.cases.measures import GRADES, children_measures, monthly_counts
from jiceng.network.geoio import display_geometries
from jiceng.orgs.models import Unit
from jiceng.orgs.selectors import children_resident_counts, residents_count, unit_children

# The units whose map shows their children; below a community a unit shows its own outline only.
DRILL_KINDS = ("city", "county", "street", "community")
MAX_UNITS = 500  # a sanity cap: the largest level in the demo city (grids of one community) has about 10

# key -> (label, format). The keys of the rates and counts are those of the cockpit figures.
MEASURES = {
    "score": (_("Case unit score"), "score"),
    "satisfaction_rate": (_("Satisfaction rate"), "rate"),
    "cases_received_year": (_("Cases received this year"), "count"),
    "residents": (_("Residents"), "count"),
}
DEFAULT_MEASURE = "score"

PALETTE = ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"]  # light (low) to dark (high)
NO_DATA = "#9e9e9e"
GRADE_COLOURS = {"A": "#2e7d32", "B": "#7cb342", "C": "#f9a825", "D": "#ef6c00", "E": "#c62828"}


def measure_or_default(key: str | None) -> str:
    return key if key in MEASURES else DEFAULT_MEASURE


def map_units(*, user, unit: Unit) -> tuple[list[Unit], bool]:
    """The units drawn on the map and whether they are the units below: the children within the user's
    area, or the unit itself below a community (and for a unit that has no children yet)."""
    if unit.kind in DRILL_KINDS:
        children = list(unit_children(user=user, unit=unit)[:MAX_UNITS])
        if children:
            return children, True
    return [unit], False


def unit_values(unit: Unit, units: list[Unit], *, today: datetime.date) -> dict[str, dict]:
    """Every measure of each unit (keyed by path), this calendar year: one rollup query, one tally query."""
    if not units:
        return {}
    cases = children_measures(unit, units, datetime.date(today.year, 1, 1), today)
    if units == [unit] and unit.kind == "household":
        residents = {unit.path: residents_count(unit)}
    else:
        residents = children_resident_counts(unit, units)
    out = {}
    for u in units:
        m = cases[u.path]
        out[u.path] = {"score": m.score, "grade": m.grade, "satisfaction_rate": m.satisfaction_rate,
                       "cases_received_year": m.counts["received"], "residents": residents.get(u.path, 0)}
    return out


def format_value(value, measure: str, grade: str | None = None) -> str:
    if value is None:
        return str(_("no data"))
    fmt = MEASURES[measure][1]
    if fmt == "rate":
        return f"{value * 100:.1f}%"
    if fmt == "score":
        return f"{value:.1f}" + (f" ({grade})" if grade else "")
    return f"{int(value):,}"


def classes(values, *, integer: bool = False) -> list[tuple[float, float]]:
    """Equal-width classes from the smallest to the largest value, as (lowest, highest) pairs; fewer classes
    than the palette when there are fewer distinct values; [] when there is no value at all. With
    `integer`, classes are ranges of whole numbers (1–3, 4–6, …) that do not overlap."""
    vals = sorted({v for v in values if v is not None})
    if not vals:
        return []
    lo, hi = vals[0], vals[-1]
    n = min(len(PALETTE), len(vals))
    if n == 1:
        return [(lo, hi)]
    if integer:
        width = (hi - lo + 1) / n
        return [(lo + math.ceil(i * width), lo + math.ceil((i + 1) * width) - 1) for i in range(n)]
    step = (hi - lo) / n
    return [(lo + i * step, hi if i == n - 1 else lo + (i + 1) * step) for i in range(n)]


def class_colours(n: int) -> list[str]:
    if n <= 1:
        return [PALETTE[3]][:n]
    return [PALETTE[round(i * (len(PALETTE) - 1) / (n - 1))] for i in range(n)]


def colour_for(value, breaks: list[tuple[float, float]]) -> str:
    if value is None or not breaks:
        return NO_DATA
    colours = class_colours(len(breaks))
    for (_lo, hi), colour in zip(breaks, colours, strict=True):
        if value <= hi:
            return colour
    return colours[-1]


def legend(breaks: list[tuple[float, float]], measure: str) -> list[dict]:
    out = []
    for (lo, hi), colour in zip(breaks, class_colours(len(breaks)), strict=True):
        a, b = format_value(lo, measure), format_value(hi, measure)
        out.append({"colour": colour, "label": a if a == b else f"{a} – {b}"})
    return out


def grade_legend() -> list[dict]:
    """A ≥ 90, B 80–90, …, E < 60 (the grades of jiceng.cases.measures)."""
    out, upper = [], None
    for floor, grade in GRADES:
        out.append({"colour": GRADE_COLOURS[grade], "label": f"{grade} ≥ {floor}" if upper is None
                    else f"{grade} {floor}–{upper}"})
        upper = floor
    out.append({"colour": GRADE_COLOURS["E"], "label": f"E < {upper}"})
    return out


def map_data(units: list[Unit], values: dict[str, dict], measure: str, *, href) -> dict:
    """The map's GeoJSON (each feature: name, value, its text, fill colour, drill-down link or ""),
    its legend, and the units left off the map for want of an outline. `href(unit)` gives the link."""
    if measure == "score":  # a fixed scale: the grades, coloured as on the score bars
        def fill(v):
            return GRADE_COLOURS.get(v["grade"], NO_DATA)

        key = grade_legend()
    else:
        breaks = classes((values[u.path][measure] for u in units), integer=MEASURES[measure][1] == "count")

        def fill(v):
            return colour_for(v[measure], breaks)

        key = legend(breaks, measure)
    if any(values[u.path][measure] is None for u in units):
        key.append({"colour": NO_DATA, "label": str(_("no data"))})
    drawn = [u for u in units if u.geom]
    features = []
    if drawn:
        geoms = display_geometries(drawn)
        points = shapely.point_on_surface(geoms)
        for u, geom, point in zip(drawn, geoms, points, strict=True):
            v = values[u.path]
            features.append({"type": "Feature", "geometry": json.loads(shapely.to_geojson(geom)), "properties": {
                "code": u.code, "name": u.name, "value": v[measure],
                "text": format_value(v[measure], measure, v["grade"] if measure == "score" else None),
                "fill": fill(v), "href": href(u),
                "label_at": [round(point.y, 6), round(point.x, 6)]}})
    return {
        "geojson": {"type": "FeatureCollection", "features": features},
        "legend": key,
        "without_outline": [u.name for u in units if not u.geom],
    }


def score_bars(units: list[Unit], values: dict[str, dict], *, href) -> dict:
    """The units compared on the case unit score, best first (units without data last)."""
    ranked = sorted(units, key=lambda u: (values[u.path]["score"] is None, -(values[u.path]["score"] or 0), u.code))
    return {
        "names": [u.name for u in ranked],
        "scores": [values[u.path]["score"] for u in ranked],
        "grades": [values[u.path]["grade"] or "" for u in ranked],
        "colours": [GRADE_COLOURS.get(values[u.path]["grade"], NO_DATA) for u in ranked],
        "hrefs": [href(u) for u in ranked],
    }


def month_series(unit: Unit, *, today: datetime.date, months: int = 12) -> dict:
    """Cases received per month over the last `months` months (this one included) for the unit and below,
    with how many of them are closed: one query over the monthly rollup."""
    last = today.replace(day=1)
    index = last.year * 12 + last.month - 1 - (months - 1)
    first = datetime.date(index // 12, index % 12 + 1, 1)
    rows = monthly_counts(unit.path, first, last)
    return {"months": [r["month"].strftime("%Y-%m") for r in rows], "received": [r["received"] for r in rows],
            "closed": [r["closed"] for r in rows]}
