"""The one network's API: routing (locate a point, a batch, an address), geometry import/export and the
integrity report, grid staff, compounds, business lines and their legacy grids.

Routing answers any logged-in user (case intake from residents and hotline operators needs it): it
names grids and their on-duty staff (names and roles only, no personal data), as the boards in every
compound do. Everything else is scope-filtered like the rest of the API.
"""

from __future__ import annotations

import datetime
import math
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from jiceng.core.errors import NotFound, ValidationFailed
from jiceng.core.exports import xlsx_response
from jiceng.core.fields import (
    Bool,
    Checked,
    Day,
    Float,
    Int,
    LatitudeParam,
    LongitudeParam,
    PathId,
    Score5,
    Text,
)
from jiceng.core.limits import read_upload
from jiceng.core.schemas import related
from jiceng.network import excel, geoio, routing, selectors, services
from jiceng.network.models import BusinessLine, CompoundProfile
from jiceng.orgs.selectors import unit_get

router = Router(tags=["network"])
PREFIX = "/"


class UnitRef(Schema):
    code: str
    name: str
    kind: str


class StaffOut(Schema):
    id: int
    name: str
    role: str
    role_label: str
    on_duty: bool
    since: datetime.date | None

    @staticmethod
    def resolve_role_label(obj):
        return str(obj.get_role_display())


class PointOut(Schema):
    lat: float
    lng: float


class LocateOut(Schema):
    point: PointOut
    inside: bool
    outside_jurisdiction: bool
    distance_m: float | None
    grid: UnitRef | None
    chain: list[UnitRef]
    staff: list[StaffOut]


def _ref(u):
    return {"code": u.code, "name": u.name, "kind": u.kind}


@router.get("/locate", response=LocateOut, summary="Route a point (WGS-84, GCJ-02 or BD-09) to its grid")
def locate(request, lat: LatitudeParam, lng: LongitudeParam, crs: str = Query("wgs84", max_length=20),
           tolerance_m: Annotated[float, Field(ge=0, le=5000)] | None = None):
    # lat/lng ranges are checked by routing (lat_out_of_range, lng_out_of_range: codes clients rely on)
    result = routing.locate_point(lat, lng, crs, tolerance_m)
    staff = selectors.staff_on_duty([result.grid.pk]).get(result.grid.pk, []) if result.grid else []
    return {
        "point": {"lat": result.lat, "lng": result.lng},
        "inside": result.inside,
        "outside_jurisdiction": result.grid is None,
        "distance_m": None if math.isinf(result.distance_m) else round(result.distance_m, 2),
        "grid": _ref(result.grid) if result.grid else None,
        "chain": [_ref(u) for u in result.chain],
        "staff": staff,
    }


class BatchIn(Schema):
    # ranges and the batch size are checked by routing, which names the bad point (codes clients rely on)
    lats: list[Checked(Float, -90, 90)]
    lngs: list[Checked(Float, -180, 180)]
    crs: Text(20) = "wgs84"
    tolerance_m: Annotated[Float, Field(ge=0, le=5000)] | None = None


class BatchOut(Schema):
    count: int
    inside: int
    outside_jurisdiction: int
    grids: list[str | None]
    distance_m: list[float | None]


@router.post("/locate/batch", response=BatchOut, summary="Route up to 10,000 points at once")
def locate_batch(request, payload: BatchIn):
    if len(payload.lats) > routing.MAX_BATCH or len(payload.lngs) > routing.MAX_BATCH:
        raise ValidationFailed(_("At most %(n)s points per batch.") % {"n": f"{routing.MAX_BATCH:,}"},
                               code="batch_too_large")
    ids, dist = routing.locate_many(payload.lats, payload.lngs, payload.crs, payload.tolerance_m)
    codes = routing.grid_codes(ids)
    return {
        "count": len(ids),
        "inside": int((dist == 0).sum()),
        "outside_jurisdiction": int((ids < 0).sum()),
        "grids": [codes.get(int(i)) for i in ids],
        "distance_m": [None if math.isinf(d) else round(float(d), 2) for d in dist],
    }


class AddressOut(Schema):
    query_key: str
    matched: str
    exact: bool
    ambiguous: bool
    candidates: list[UnitRef]
    building: UnitRef
    grid: UnitRef
    chain: list[UnitRef]


@router.get("/locate/address", response=AddressOut, summary="Find the building and grid of an address")
def locate_address(request, q: str = ""):
    result = routing.address_lookup(q)
    if result.building is None:
        raise NotFound(_("No building with this address is in the gazetteer."), code="address_not_found")
    return {"query_key": result.key, "matched": result.matched, "exact": result.exact,
            "ambiguous": len(result.candidates) > 1, "candidates": [_ref(b) for b in result.candidates],
            "building": _ref(result.building), "grid": _ref(result.grid), "chain": [_ref(u) for u in result.chain]}


# ------------------------------------------------------------------------------------------------
# Geometry


@router.get("/network/units/{code}/grids", url_name="network_unit_grids",
            summary="The grids under a unit as GeoJSON, with one figure each")
def unit_grids(request, code: str, figure: str = "residents"):
    unit = unit_get(user=request.user, code=code)
    if figure not in selectors.GRID_FIGURES:
        raise ValidationFailed(_("Unknown figure “%(f)s”.") % {"f": figure}, field="figure")
    grids = list(selectors.units_of_kind(user=request.user, unit=unit, kind="grid"))
    values = selectors.grid_figures(unit, grids, figure)
    collection = geoio.export_geojson(grids)
    for feat, g in zip(collection["features"], grids, strict=True):
        feat["properties"]["value"] = values.get(g.id, 0)
    collection["figure"] = figure
    return collection


@router.get("/network/units/{code}/geometry", url_name="network_unit_geometry",
            summary="Export the communities, grids or compounds under a unit")
def unit_geometry_export(request, code: str, kind: str = "grid", format: str = "geojson"):
    unit = unit_get(user=request.user, code=code)
    if kind not in services.IMPORT_KINDS:
        raise ValidationFailed(_("Geometry can be exported for communities, grids and compounds."), field="kind")
    units = list(selectors.units_of_kind(user=request.user, unit=unit, kind=kind))
    if format == "xlsx":
        return xlsx_response(geoio.export_excel(units), f"{unit.code}-{kind}.xlsx")
    if format != "geojson":
        raise ValidationFailed(_("The format is geojson or xlsx."), field="format")
    return geoio.export_geojson(units)


@router.get("/network/units/{code}/integrity", summary="Gaps, overlaps, crossings and invalid polygons under a unit")
def unit_integrity(request, code: str):
    unit = unit_get(user=request.user, code=code)
    report = selectors.integrity_summary(unit)
    return {"unit": _ref(unit), "checked": report.checked, "problems": report.problems, "parents": report.entries,
            "as_of": report.as_of, "pending": report.pending, "truncated": report.truncated}


@router.post("/network/geometry/import", summary="Import communities, grids or compounds (GeoJSON or Excel)")
def geometry_import(request, kind: str, file: UploadedFile = File(...), crs: str = "wgs84", dry_run: bool = False):
    content = read_upload(file, max_bytes=geoio.MAX_IMPORT_BYTES)
    if file.name.lower().endswith((".xlsx", ".xlsm")):
        features = geoio.parse_excel(content, crs=crs)
    else:
        features = geoio.parse_geojson(content, crs=crs)
    return services.geometry_import(actor=request.user, kind=kind, features=features, dry_run=dry_run)


# ------------------------------------------------------------------------------------------------
# Grid staff


class StaffIn(Schema):
    role: Text(20)
    name: Text(60)
    since: Day | None = None
    on_duty: Bool = True


class StaffAssessmentIn(Schema):
    assessed_on: Day
    ability: Score5
    prestige: Score5
    public_spirit: Score5
    enthusiasm: Score5
    note: Text(200) = ""


class StaffAssessmentOut(Schema):
    id: int
    assessed_on: datetime.date
    ability: int
    prestige: int
    public_spirit: int
    enthusiasm: int
    passed: bool


@router.get("/network/grids/{code}/staff", response=list[StaffOut], summary="A grid's staff")
def grid_staff(request, code: str):
    grid = selectors.grid_get(user=request.user, code=code)
    return list(selectors.grid_staff(grid))


@router.post("/network/grids/{code}/staff", response={201: StaffOut}, summary="Assign a person to a grid")
def grid_staff_assign(request, code: str, payload: StaffIn):
    grid = selectors.grid_get(user=request.user, code=code)
    staff = services.grid_staff_assign(actor=request.user, grid=grid, role=payload.role, name=payload.name,
                                       since=payload.since, on_duty=payload.on_duty)
    return Status(201, staff)


@router.post("/network/staff/{staff_id}/end", response=StaffOut, summary="End a grid staff assignment")
def grid_staff_end(request, staff_id: PathId):
    staff = selectors.staff_get(user=request.user, pk=staff_id)
    return services.grid_staff_end(actor=request.user, staff=staff)


@router.post("/network/staff/{staff_id}/four-haves", response={201: StaffAssessmentOut},
             summary="Record a four-haves assessment of a grid party secretary")
def four_haves(request, staff_id: PathId, payload: StaffAssessmentIn):
    staff = selectors.staff_get(user=request.user, pk=staff_id)
    rec = services.four_haves_record(actor=request.user, staff=staff, **payload.dict())
    return Status(201, rec)


@router.get("/network/units/{code}/staff-coverage", summary="Grids without a leader or without a worker")
def staff_coverage(request, code: str):
    unit = unit_get(user=request.user, code=code)
    gaps = selectors.staff_coverage(unit)
    return {"unit": _ref(unit), "gaps": [{"code": g["code"], "name": g["name"], "missing": g["missing"]}
                                         for g in gaps]}


# ------------------------------------------------------------------------------------------------
# Compounds


class ProfileIn(Schema):
    property_company: Text(120) = ""
    project_manager: Text(60) = ""
    owners_committee: Text(120) = ""
    competent_unit: Text(120) = ""


class ArrangementIn(Schema):
    arrangement: Text(200)
    since: Day | None = None


class ProfileOut(Schema):
    compound: UnitRef
    property_company: str
    project_manager: str
    owners_committee: str
    competent_unit: str
    three_without: bool
    three_without_since: datetime.date | None
    arrangement: str
    arranged_since: datetime.date | None
    open: bool

    resolve_open = related("three_without_open")


@router.get("/network/compounds/{code}/profile", response=ProfileOut, summary="Who runs a compound")
def compound_profile(request, code: str):
    compound = selectors.compound_get(user=request.user, code=code)
    profile = CompoundProfile.objects.filter(compound=compound).select_related("compound").first()
    if profile is None:
        profile = CompoundProfile(compound=compound, unit_path=compound.path)
    return profile


@router.put("/network/compounds/{code}/profile", response=ProfileOut, summary="Set who runs a compound")
def compound_profile_set(request, code: str, payload: ProfileIn):
    compound = selectors.compound_get(user=request.user, code=code)
    return services.compound_profile_set(actor=request.user, compound=compound, **payload.dict())


@router.post("/network/compounds/{code}/arrangement", response=ProfileOut,
             summary="Record who manages a three-without compound, and since when")
def compound_arrangement(request, code: str, payload: ArrangementIn):
    compound = selectors.compound_get(user=request.user, code=code)
    return services.compound_arrangement_set(actor=request.user, compound=compound, **payload.dict())


@router.get("/network/units/{code}/three-without", response=list[ProfileOut],
            summary="Three-without compounds still without an arrangement")
def three_without(request, code: str):
    unit = unit_get(user=request.user, code=code)
    return list(selectors.three_without_open(unit)[:1000])


# ------------------------------------------------------------------------------------------------
# Business lines


class LineOut(Schema):
    code: str
    name: str
    position: int
    active: bool


class LineIn(Schema):
    code: Text(40, 1)
    name: Text(60, 1)
    position: Annotated[Int, Field(ge=0, le=1000)] = 0
    active: Bool = True


@router.get("/network/lines", response=list[LineOut], summary="The business lines of the one network")
def lines(request):
    return list(BusinessLine.objects.all())


@router.post("/network/lines", response={201: LineOut}, summary="Add or change a business line")
def line_save(request, payload: LineIn):
    return Status(201, services.business_line_save(actor=request.user, **payload.dict()))


def _line(code):
    line = BusinessLine.objects.filter(code=code).first()
    if line is None:
        raise NotFound()
    return line


@router.post("/network/lines/{line_code}/legacy-grids",
             summary="Import a line's legacy grid layer under a unit and map it onto the grids")
def legacy_import(request, line_code: str, unit: str, file: UploadedFile = File(...), crs: str = "wgs84"):
    target = unit_get(user=request.user, code=unit)
    line = _line(line_code)
    content = read_upload(file, max_bytes=geoio.MAX_IMPORT_BYTES)
    features = (geoio.parse_excel(content, crs=crs) if file.name.lower().endswith(".xlsx")
                else geoio.parse_geojson(content, crs=crs))
    return services.legacy_grids_import(actor=request.user, line=line, unit=target, features=features)


@router.get("/network/lines/{line_code}/mapping",
            summary="Share of each legacy grid of a line in each unified grid under a unit")
def legacy_mapping(request, line_code: str, unit: str):
    target = unit_get(user=request.user, code=unit)
    line = _line(line_code)
    rows = selectors.legacy_mappings(user=request.user, line=line, unit=target)[:5000]
    return [{"legacy": m.legacy.code, "legacy_name": m.legacy.name, "grid": m.grid.code,
             "share": round(m.share, 4), "area_m2": round(m.area_m2, 1)} for m in rows]


# ------------------------------------------------------------------------------------------------
# Excel registries (H5)


@router.get("/network/units/{code}/staff/export", summary="Grid staff under a unit as Excel")
def staff_export(request, code: str):
    unit = unit_get(user=request.user, code=code)
    return xlsx_response(excel.export_staff(unit), f"{unit.code}-grid-staff.xlsx")


@router.post("/network/units/{code}/staff/import", response={201: dict},
             summary="Add grid staff from Excel (grid, role, name[, on_duty, since]); all or nothing")
def staff_import(request, code: str, file: UploadedFile = File(...)):
    unit = unit_get(user=request.user, code=code)
    content = read_upload(file, max_bytes=geoio.MAX_IMPORT_BYTES)
    return Status(201, {"created": excel.import_staff(actor=request.user, unit=unit, content=content)})


@router.get("/network/units/{code}/compounds/export", summary="Compounds and who runs them, as Excel")
def compounds_export(request, code: str):
    unit = unit_get(user=request.user, code=code)
    return xlsx_response(excel.export_compounds(unit), f"{unit.code}-compounds.xlsx")
