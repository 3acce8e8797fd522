import json

import shapely
from django.http import HttpResponse
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from jiceng.core.fields import Text
from jiceng.core.pagination import Page
from jiceng.orgs import selectors, services
from jiceng.orgs.excel import units_export as do_export
from jiceng.orgs.excel import units_import as do_import
from jiceng.orgs.models import Unit

router = Router(tags=["units"])
PREFIX = "/"


class UnitRef(Schema):
    code: str
    name: str
    kind: str


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    parent: str | None
    path: str
    lat: float | None
    lng: float | None
    address: str

    @staticmethod
    def resolve_parent(obj):
        return obj.parent.code if obj.parent_id else None


class UnitIn(Schema):
    parent: Text(32, 1)
    kind: Text(16, 1)
    code: Text(32, 1)
    name: Text(120, 1)
    address: Text(200) = ""
    geometry: dict | None = None


class UnitPatch(Schema):
    name: Text(120, 1) | None = None
    address: Text(200) | None = None
    geometry: dict | None = None


class MoveIn(Schema):
    new_parent: Text(32, 1)
    new_code: Text(32, 1) | None = None


class CountsOut(Schema):
    unit: UnitRef
    counts: dict[str, int]
    residents: int


class PartyOrgOut(Schema):
    id: int
    kind: str
    name: str
    unit: UnitRef
    parent_id: int | None
    secretary_name: str | None

    @staticmethod
    def resolve_secretary_name(obj):
        return obj.secretary.name if obj.secretary_id else None


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportOut(Schema):
    created: int


@router.post("/units/import", response={201: ImportOut},
             summary="Import units from Excel (代码, 名称, 类型, 上级代码, 地址); all or nothing with row errors")
def units_import(request, file: UploadedFile = File(...)):
    return Status(201, {"created": do_import(actor=request.user, upload=file)})


@router.get("/units/{code}/export.xlsx", summary="The units under a unit as Excel")
def units_export(request, code: str):
    unit = selectors.unit_get(user=request.user, code=code)
    response = HttpResponse(do_export(user=request.user, unit=unit), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="units-{unit.code}.xlsx"'
    return response


@router.get("/units/{code}", response=UnitOut, summary="One unit")
def unit_detail(request, code: str):
    return selectors.unit_get(user=request.user, code=code)


@router.get("/units/{code}/children", response=list[UnitOut], summary="A unit's children")
def unit_children(request, code: str):
    unit = selectors.unit_get(user=request.user, code=code)
    return list(selectors.unit_children(user=request.user, unit=unit).select_related("parent"))


@router.get("/units/{code}/counts", response=CountsOut, summary="Units of each kind and residents under a unit")
def unit_counts(request, code: str):
    unit = selectors.unit_get(user=request.user, code=code)
    return {"unit": unit, "counts": selectors.subtree_kind_counts(unit), "residents": selectors.residents_count(unit)}


@router.get("/units/{code}/geometry", summary="A unit's geometry as a GeoJSON Feature")
def unit_geometry(request, code: str):
    unit = selectors.unit_get(user=request.user, code=code)
    geometry = json.loads(shapely.to_geojson(shapely.from_wkb(bytes(unit.geom)))) if unit.geom else None
    return {"type": "Feature", "id": unit.code, "geometry": geometry,
            "properties": {"code": unit.code, "name": unit.name, "kind": unit.kind}}


@router.get("/units/{code}/party-chain", response=list[PartyOrgOut], summary="Party organizations from the city down to this unit")
def unit_party_chain(request, code: str):
    unit = selectors.unit_get(user=request.user, code=code)
    return selectors.party_chain(unit)


@router.post("/units", response={201: UnitOut}, summary="Create a unit under a parent")
def unit_create(request, payload: UnitIn):
    parent = selectors.unit_get(user=request.user, code=payload.parent)
    unit = services.unit_create(actor=request.user, parent=parent, kind=payload.kind, code=payload.code,
                                name=payload.name, geometry=payload.geometry, address=payload.address)
    return Status(201, unit)


@router.patch("/units/{code}", response=UnitOut, summary="Rename a unit or change its address or geometry")
def unit_update(request, code: str, payload: UnitPatch):
    unit = selectors.unit_get(user=request.user, code=code)
    return services.unit_update(actor=request.user, unit=unit, name=payload.name, address=payload.address,
                                geometry=payload.geometry)


@router.post("/units/{code}/move", response=UnitOut, summary="Move a unit and its subtree under another parent")
def unit_move(request, code: str, payload: MoveIn):
    unit = selectors.unit_get(user=request.user, code=code)
    new_parent = selectors.unit_get(user=request.user, code=payload.new_parent)
    return services.unit_move(actor=request.user, unit=unit, new_parent=new_parent, new_code=payload.new_code)


@router.get("/party-orgs", response=list[PartyOrgOut], summary="Party organizations under a unit")
def party_orgs(request, unit: str | None = None, kind: str | None = None, page: Query[Page.sized(200, 1000)] = None):
    scope_unit = selectors.unit_get(user=request.user, code=unit) if unit else None
    qs = selectors.party_orgs_in_scope(user=request.user, unit=scope_unit, kind=kind)
    return list(page.slice(qs))


@router.get("/party-orgs/{org_id}", response=PartyOrgOut, summary="One party organization")
def party_org_detail(request, org_id: int):
    return selectors.party_org_get(user=request.user, pk=org_id)


__all__ = ["Unit", "UnitRef", "router"]
