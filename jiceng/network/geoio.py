"""Reading and writing unit geometry: GeoJSON FeatureCollections and Excel (WKT or coordinate columns).

Parsing never writes; a file with any unreadable feature raises ValidationFailed listing every row.
"""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import shapely
from django.utils.translation import gettext as _

from jiceng.core.errors import TooLarge, ValidationFailed
from jiceng.core.excel import open_workbook, write_xlsx
from jiceng.core.geo import coords
from jiceng.core.limits import MAX_GEOJSON_BYTES, MAX_GEOJSON_FEATURES, MAX_GEOJSON_VERTICES, cap_count
from jiceng.network.routing import check_crs

MAX_IMPORT_BYTES = MAX_GEOJSON_BYTES  # one geometry or staff file (GeoJSON or Excel)


@dataclasses.dataclass
class ParsedFeature:
    row: int | str
    code: str
    name: str
    geometry: object  # shapely geometry in WGS-84 (None when unreadable: an error is listed instead)
    address: str = ""


def _to_wgs84(geom, crs: str):
    if crs == "wgs84" or geom is None:
        return geom

    def conv(xy):
        lat, lng = coords.to_wgs84_array(xy[:, 1], xy[:, 0], crs)
        return np.column_stack([lng, lat])

    return shapely.transform(geom, conv)


def _crs(value) -> str:
    return check_crs(value or "wgs84")


def parse_geojson(data, *, crs: str = "wgs84") -> list[ParsedFeature]:
    """A FeatureCollection (dict, str or bytes) whose features carry `code` and `name` properties."""
    crs = _crs(crs)
    if isinstance(data, bytes | str):
        if len(data) > MAX_GEOJSON_BYTES:
            raise TooLarge(_("A file may be at most %(mb)d MB.") % {"mb": MAX_GEOJSON_BYTES // (1024 * 1024)},
                           field="file")
        try:
            data = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValidationFailed(_("The file is not valid JSON: %(err)s") % {"err": exc}, code="bad_geojson") \
                from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(
            data.get("features"), list):
        raise ValidationFailed(_("Expected a GeoJSON FeatureCollection with a list of features."), code="bad_geojson")
    cap_count(data["features"], MAX_GEOJSON_FEATURES, what=_("features"), field="file")
    out, errors = [], []
    vertices = 0
    for i, feat in enumerate(data["features"], start=1):
        props = (feat or {}).get("properties") or {} if isinstance(feat, dict) else {}
        code = str(props.get("code") or (feat.get("id") if isinstance(feat, dict) else "") or "").strip()
        if not code:
            errors.append({"row": i, "problem": "code", "message": _("Feature %(i)d has no code.") % {"i": i}})
            continue
        try:
            geom = shapely.geometry.shape(feat["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.GEOSException) as exc:
            errors.append({"row": i, "code": code, "problem": "invalid",
                           "message": _("Feature %(i)d (%(code)s): unreadable geometry (%(err)s).")
                           % {"i": i, "code": code, "err": exc}})
            continue
        vertices += int(shapely.get_num_coordinates(geom))
        if vertices > MAX_GEOJSON_VERTICES:
            raise TooLarge(_("The outlines have more than %(n)d points in all: simplify them first.")
                           % {"n": MAX_GEOJSON_VERTICES}, field="file", code="too_many_points")
        out.append(ParsedFeature(i, code, str(props.get("name") or "").strip(), _to_wgs84(geom, crs),
                                 str(props.get("address") or "").strip()))
    if errors:
        raise ValidationFailed(_("Nothing was imported: %(n)d feature(s) could not be read.") % {"n": len(errors)},
                               code="bad_geojson", errors=errors)
    return out


def _ring_from_text(text: str):
    """'lng,lat;lng,lat;…' (or whitespace between the pair, or newline between points)."""
    pts = []
    for chunk in text.replace("\n", ";").split(";"):
        chunk = chunk.strip()
        if not chunk:
            continue
        parts = chunk.replace(",", " ").split()
        if len(parts) != 2:
            raise ValueError(chunk)
        pts.append((float(parts[0]), float(parts[1])))
    if len(pts) < 3:
        raise ValueError(_("a polygon needs at least 3 points"))
    return shapely.Polygon(pts)


def parse_excel(content: bytes, *, crs: str = "wgs84") -> list[ParsedFeature]:
    """First sheet, header row. Columns `code`, `name` (optional `address`) and either:

    - `wkt`: a POLYGON / MULTIPOLYGON in WKT; or
    - `coordinates`: "lng,lat;lng,lat;…" in one cell; or
    - `lng` and `lat`: one vertex per row, rows of one unit together and in ring order.
    """
    crs = _crs(crs)
    wb = open_workbook(content)  # size, unpacked size and rows checked before parsing
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [str(h or "").strip().lower() for h in next(rows, [])]
    col = {h: i for i, h in enumerate(header) if h}
    if "code" not in col or not ({"wkt"} <= set(col) or {"coordinates"} <= set(col) or {"lng", "lat"} <= set(col)):
        raise ValidationFailed(_("The first row must name the columns: code, name and wkt, or coordinates, or "
                                 "lng and lat."), code="bad_excel")
    out, errors = [], []
    vertex_mode = "wkt" not in col and "coordinates" not in col
    pending: dict[str, dict] = {}

    def cell(r, name):
        i = col.get(name)
        v = r[i] if i is not None and i < len(r) else None
        return "" if v is None else str(v).strip()

    for n, r in enumerate(rows, start=2):
        code = cell(r, "code")
        if not code and not any(v not in (None, "") for v in r):
            continue
        if not code:
            errors.append({"row": n, "problem": "code", "message": _("Row %(row)d has no code.") % {"row": n}})
            continue
        if vertex_mode:
            entry = pending.setdefault(code, {"row": n, "name": cell(r, "name"), "address": cell(r, "address"),
                                              "pts": []})
            try:
                entry["pts"].append((float(cell(r, "lng")), float(cell(r, "lat"))))
            except ValueError:
                errors.append({"row": n, "code": code, "problem": "invalid",
                               "message": _("Row %(row)d: lng and lat must be numbers.") % {"row": n}})
            continue
        try:
            geom = shapely.from_wkt(cell(r, "wkt")) if "wkt" in col else _ring_from_text(cell(r, "coordinates"))
        except (ValueError, shapely.errors.GEOSException) as exc:
            errors.append({"row": n, "code": code, "problem": "invalid",
                           "message": _("Row %(row)d (%(code)s): unreadable geometry (%(err)s).")
                           % {"row": n, "code": code, "err": exc}})
            continue
        out.append(ParsedFeature(n, code, cell(r, "name"), _to_wgs84(geom, crs), cell(r, "address")))
    for code, entry in pending.items():
        if len(entry["pts"]) < 3:
            errors.append({"row": entry["row"], "code": code, "problem": "invalid",
                           "message": _("%(code)s: a polygon needs at least 3 points.") % {"code": code}})
            continue
        out.append(ParsedFeature(entry["row"], code, entry["name"], _to_wgs84(shapely.Polygon(entry["pts"]), crs),
                                 entry["address"]))
    if errors:
        raise ValidationFailed(_("Nothing was imported: %(n)d row(s) could not be read.") % {"n": len(errors)},
                               code="bad_excel", errors=errors)
    return out


SIMPLIFY_SHARE = 1 / 1000  # display tolerance: this share of the map's extent (about a pixel on a wall screen)


def display_geometries(units):
    """Units' outlines for a page map: simplified to about a pixel of the whole map and rounded, so the
    GeoJSON stays small (209 communities: about 120 kB). Not for export: exports keep every vertex."""
    geoms = shapely.from_wkb([bytes(u.geom) for u in units])
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    extent = max(xmax - xmin, ymax - ymin)
    if not extent or math.isnan(extent):
        return geoms
    tolerance = extent * SIMPLIFY_SHARE
    simple = shapely.simplify(geoms, tolerance, preserve_topology=True)
    decimals = min(6, max(3, 1 - math.floor(math.log10(tolerance))))
    return shapely.transform(simple, lambda xy: np.round(xy, decimals))


def display_geojson(units) -> dict:
    """A FeatureCollection of units' display outlines (code and name as properties) for a page map."""
    units = [u for u in units if u.geom]
    geoms = display_geometries(units) if units else []
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": u.code, "geometry": json.loads(shapely.to_geojson(g)),
         "properties": {"code": u.code, "name": u.name}} for u, g in zip(units, geoms, strict=True)]}


def export_geojson(units) -> dict:
    feats = []
    for u in units:
        geom = json.loads(shapely.to_geojson(shapely.from_wkb(bytes(u.geom)))) if u.geom else None
        feats.append({"type": "Feature", "id": u.code, "geometry": geom,
                      "properties": {"code": u.code, "name": u.name, "kind": u.kind,
                                     "parent": u.parent.code if u.parent_id else None}})
    return {"type": "FeatureCollection", "features": feats}


def export_excel(units) -> bytes:
    return write_xlsx(["code", "name", "kind", "parent", "wkt"],
                      ([u.code, u.name, u.kind, u.parent.code if u.parent_id else "",
                        shapely.from_wkb(bytes(u.geom)).wkt if u.geom else ""] for u in units), title="units")
