"""Service positions, coverage, the walking network and the courier finder (G2–G4)."""

import datetime
import os
import tempfile

from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from jiceng.core.errors import ValidationFailed
from jiceng.core.exports import xlsx_response
from jiceng.core.fields import Checked, Latitude, LatitudeParam, Longitude, LongitudeParam, PathId
from jiceng.core.pagination import Page
from jiceng.core.schemas import related
from jiceng.orgs.selectors import unit_get, unit_or_top
from jiceng.stations import coverage, finder, selectors, services, walknet
from jiceng.stations.excel import positions_export as do_export
from jiceng.stations.excel import positions_import as do_import

router = Router(tags=["stations"])
PREFIX = "/stations/"
MAX_OSM_BYTES = 200 * 1024 * 1024


class HoursOut(Schema):
    day: int
    opens: datetime.time
    closes: datetime.time


class PositionOut(Schema):
    id: int
    level: str
    unit: str
    name: str
    lat: float
    lng: float
    address: str
    services: str
    contact_name: str
    contact_phone: str
    state: str
    amenities: list[str]
    hours: list[HoursOut]

    resolve_unit = related("unit.code")

    @staticmethod
    def resolve_amenities(obj):
        return [a.code for a in obj.amenities.all()]

    @staticmethod
    def resolve_hours(obj):
        return list(obj.hours.all())


class PositionIn(Schema):
    unit: str
    level: str
    name: str
    lat: Latitude
    lng: Longitude
    crs: str = "wgs84"
    address: str
    services: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    state: str = "open"
    amenities: list[str] = []
    hours: dict[str, str] = {}


class PositionPatch(Schema):
    name: str | None = None
    lat: Latitude | None = None
    lng: Longitude | None = None
    crs: str = "wgs84"
    address: str | None = None
    services: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    state: str | None = None
    amenities: list[str] | None = None
    hours: dict[str, str] | None = None


class AmenityOut(Schema):
    code: str
    name: str


class CoverageOut(Schema):
    unit: str
    as_of: datetime.datetime | None
    speed_m_s: float
    circle_m: float
    residents: int
    residents_within: int
    residents_share: float | None
    compounds: int
    compounds_within: int
    compounds_share: float | None


class NetworkOut(Schema):
    id: int
    source: str
    nodes: int
    edges: int
    imported_at: datetime.datetime


class FinderItem(Schema):
    id: int
    name: str
    level: str
    address: str
    lat: float
    lng: float
    distance_m: int
    walk_min: int
    today_hours: str
    amenities: list[str]
    contact_phone: str


class FinderOut(Schema):
    lat: float
    lng: float
    at: str
    amenity: str
    results: list[FinderItem]


@router.get("/amenities", response=list[AmenityOut], auth=None, summary="The configurable amenity list")
def amenities(request):
    return selectors.amenities_active()


@router.get("/positions", response=list[PositionOut], summary="Service positions under a unit")
def positions(request, unit: str | None = None, level: str | None = None, state: str | None = None,
              page: Query[Page.sized(500, 1000)] = None):
    scope_unit = unit_get(user=request.user, code=unit) if unit else None
    return list(page.slice(selectors.positions_in_scope(user=request.user, unit=scope_unit, level=level,
                                                        state=state)))


@router.post("/positions", response={201: PositionOut}, summary="Create a service position")
def position_create(request, payload: PositionIn):
    unit = unit_get(user=request.user, code=payload.unit)
    data = payload.dict(exclude={"unit"})
    position = services.position_create(actor=request.user, unit=unit, **data)
    return Status(201, selectors.position_get(user=request.user, pk=position.pk))


@router.get("/positions/export.xlsx", summary="Service positions under a unit as Excel")
def positions_export(request, unit: str | None = None):
    scope_unit = unit_or_top(user=request.user, code=unit)
    return xlsx_response(do_export(user=request.user, unit=scope_unit), f"positions-{scope_unit.code}.xlsx")


class StationsImportOut(Schema):
    created: int


@router.post("/positions/import", response={201: StationsImportOut},
             summary="Import positions from Excel; all or nothing with row errors")
def positions_import(request, file: UploadedFile = File(...)):
    return Status(201, {"created": do_import(actor=request.user, upload=file)})


@router.get("/positions/{position_id}", response=PositionOut, summary="One service position")
def position_detail(request, position_id: PathId):
    return selectors.position_get(user=request.user, pk=position_id)


@router.patch("/positions/{position_id}", response=PositionOut,
              summary="Change a position (a move or a change of state recomputes coverage)")
def position_update(request, position_id: PathId, payload: PositionPatch):
    position = selectors.position_get(user=request.user, pk=position_id)
    services.position_update(actor=request.user, position=position, **payload.dict())
    return selectors.position_get(user=request.user, pk=position_id)


class PhotoOut(Schema):
    id: int
    width: int
    height: int


@router.post("/positions/{position_id}/photos", response={201: PhotoOut},
             summary="Add a photo (decoded and re-encoded; not an image → 422)")
def position_photo(request, position_id: PathId, photo: UploadedFile = File(...)):
    position = selectors.position_get(user=request.user, pk=position_id)
    return Status(201, services.position_photo_add(actor=request.user, position=position, upload=photo))


@router.get("/positions/{position_id}/isochrone", summary="Areas within 5, 10 and 15 minutes' walk (GeoJSON)")
def position_isochrone(request, position_id: PathId):
    position = selectors.position_get(user=request.user, pk=position_id)
    return coverage.isochrone(position)


@router.get("/coverage", response=CoverageOut, summary="Residents and compounds within 15 minutes under a unit")
def coverage_summary(request, unit: str | None = None):
    scope_unit = unit_or_top(user=request.user, code=unit)
    run = coverage.latest_run()
    return {"unit": scope_unit.code, "as_of": run.as_of if run else None, "speed_m_s": coverage.walk_speed(),
            "circle_m": coverage.circle_metres(), **coverage.shares(scope_unit.path)}


@router.get("/coverage/buildings", summary="Buildings under a community, covered or not (GeoJSON points)")
def coverage_buildings(request, unit: str):
    scope_unit = unit_get(user=request.user, code=unit)
    if scope_unit.kind not in ("community", "grid", "compound", "building"):
        raise ValidationFailed(_("Choose a community or a unit below it."), field="unit")
    return coverage.buildings_geojson(scope_unit)


@router.get("/network", response=NetworkOut | None, summary="The active walking network")
def network(request):
    unit_or_top(user=request.user, code=None)
    return walknet.WalkNetwork.objects.filter(active=True).order_by("-id").first()


@router.post("/network/import", response={201: NetworkOut},
             summary="Replace the walking network by an OpenStreetMap extract (.osm or .osm.pbf)")
def network_import(request, file: UploadedFile = File(...)):
    name = (file.name or "").lower()
    if not name.endswith((".osm", ".osm.pbf", ".pbf")):
        raise ValidationFailed(_("This file is not an OpenStreetMap extract (.osm or .osm.pbf)."), field="file",
                               code="not_osm")
    if file.size > MAX_OSM_BYTES:
        raise ValidationFailed(_("The extract is larger than %(mb)d MB.") % {"mb": MAX_OSM_BYTES // 2 ** 20},
                               field="file")
    suffix = ".osm.pbf" if name.endswith(".pbf") else ".osm"
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "extract" + suffix)
        with open(path, "wb") as fh:
            for chunk in file.chunks():
                fh.write(chunk)
        net = walknet.network_import_osm(actor=request.user, path=path, source=file.name or "extract")
    return Status(201, net)


@router.get("/finder", response=FinderOut, auth=None,
            summary="Nearest stations open now with an amenity, by walking distance (no account needed)")
def finder_api(request, lat: LatitudeParam, lng: LongitudeParam, crs: str = "wgs84", amenity: str = "",
               open_now: bool = True, limit: Checked(int, 1, finder.MAX_RESULTS) = 5):
    return finder.find(lat=lat, lng=lng, crs=crs, amenity=amenity, open_now=open_now, limit=limit)
