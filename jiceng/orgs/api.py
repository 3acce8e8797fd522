import datetime
import json

import shapely
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from jiceng.core.errors import NotFound
from jiceng.core.exports import xlsx_response
from jiceng.core.fields import Bool, Day, Id, PathId, Text
from jiceng.core.pagination import Page
from jiceng.orgs import selectors, services
from jiceng.orgs.attendance import attendance_rates
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


class ImportOut(Schema):
    created: int


@router.post("/units/import", response={201: ImportOut},
             summary="Import units from Excel (代码, 名称, 类型, 上级代码, 地址); all or nothing with row errors")
def units_import(request, file: UploadedFile = File(...)):
    return Status(201, {"created": do_import(actor=request.user, upload=file)})


@router.get("/units/{code}/export.xlsx", summary="The units under a unit as Excel")
def units_export(request, code: str):
    unit = selectors.unit_get(user=request.user, code=code)
    return xlsx_response(do_export(user=request.user, unit=unit), f"units-{unit.code}.xlsx")


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
def party_org_detail(request, org_id: PathId):
    return selectors.party_org_get(user=request.user, pk=org_id)


class PartyOrgIn(Schema):
    unit: Text(32, 1)
    kind: Text(32, 1)
    name: Text(120, 1)
    parent_id: Id | None = None
    established_on: Day | None = None


class PartyOrgPatch(Schema):
    name: Text(120, 1)


class PartyOrgMoveIn(Schema):
    parent_id: Id
    unit: Text(32, 1) | None = None


def _party_org_for_write(request, org_id: PathId):
    return selectors.party_org_get(user=request.user, pk=org_id)


def _parent_org(request, unit, parent_id):
    """A parent organization: one on the unit or above it (the chain), else 404."""
    if parent_id is None:
        return None
    parent = selectors.party_org_parents_for(unit).filter(pk=parent_id).first()
    if parent is None:
        raise NotFound()
    return parent


@router.post("/party-orgs", response={201: PartyOrgOut}, summary="Set up a party organization in the chain")
def party_org_create(request, payload: PartyOrgIn):
    unit = selectors.unit_get(user=request.user, code=payload.unit)
    org = services.party_org_create(actor=request.user, unit=unit, kind=payload.kind, name=payload.name,
                                    parent=_parent_org(request, unit, payload.parent_id),
                                    established_on=payload.established_on)
    return Status(201, selectors.party_org_get(user=request.user, pk=org.pk))


@router.patch("/party-orgs/{org_id}", response=PartyOrgOut, summary="Rename a party organization")
def party_org_rename(request, org_id: PathId, payload: PartyOrgPatch):
    org = _party_org_for_write(request, org_id)
    services.party_org_rename(actor=request.user, org=org, name=payload.name)
    return selectors.party_org_get(user=request.user, pk=org.pk)


@router.post("/party-orgs/{org_id}/move", response=PartyOrgOut,
             summary="Put a party organization under another parent (and optionally on another unit)")
def party_org_move(request, org_id: PathId, payload: PartyOrgMoveIn):
    org = _party_org_for_write(request, org_id)
    unit = selectors.unit_get(user=request.user, code=payload.unit) if payload.unit else org.unit
    services.party_org_move(actor=request.user, org=org, parent=_parent_org(request, unit, payload.parent_id),
                            unit=unit)
    return selectors.party_org_get(user=request.user, pk=org.pk)


@router.delete("/party-orgs/{org_id}", response={204: None},
               summary="Dissolve a party organization (refused while organizations or members are under it)")
def party_org_dissolve(request, org_id: PathId):
    services.party_org_dissolve(actor=request.user, org=_party_org_for_write(request, org_id))
    return Status(204, None)


# ---------------------------------------------------------------- big committees (A3)


class AttendanceRateOut(Schema):
    due: int
    came: int
    deputy: int
    rate: float | None


class PartTimeMemberOut(Schema):
    id: int
    name: str
    source: str
    source_org: str
    source_party_org_id: int | None
    person_id: int | None
    position: str
    active: bool
    joined_on: datetime.date | None
    left_on: datetime.date | None
    attendance: AttendanceRateOut | None = None


class BigCommitteeOut(Schema):
    id: int
    unit: UnitRef
    level: str
    term_start: datetime.date
    term_end: datetime.date
    established_on: datetime.date


class BigCommitteeDetailOut(BigCommitteeOut):
    members: list[PartTimeMemberOut]
    attendance_by_source: dict[str, AttendanceRateOut]


class BigCommitteeIn(Schema):
    unit: Text(32, 1)
    term_start: Day
    term_end: Day


class RenewIn(Schema):
    term_end: Day
    carry_over: Bool = True


class PartTimeMemberIn(Schema):
    name: Text(60) = ""
    source: Text(32, 1)
    source_org: Text(120) = ""
    source_party_org_id: Id | None = None
    person_id: Id | None = None
    position: Text(60) = ""
    joined_on: Day | None = None


class LeaveIn(Schema):
    left_on: Day | None = None


def _committee_detail(committee):
    rates = attendance_rates(committee)
    members = []
    for m in selectors.roster_of(committee):
        m.attendance = rates["members"].get(m.pk)
        members.append(m)
    return {"id": committee.pk, "unit": committee.unit, "level": committee.level, "term_start": committee.term_start,
            "term_end": committee.term_end, "established_on": committee.established_on, "members": members,
            "attendance_by_source": rates["sources"]}


@router.get("/units/{code}/big-committees", response=list[BigCommitteeOut],
            summary="The terms of a street's or community's big committee, latest first")
def big_committees(request, code: str):
    unit = selectors.unit_get(user=request.user, code=code)
    return list(selectors.big_committees_of(unit).select_related("unit")[:100])


@router.post("/big-committees", response={201: BigCommitteeOut}, summary="Set up a big committee for a term")
def big_committee_create(request, payload: BigCommitteeIn):
    unit = selectors.unit_get(user=request.user, code=payload.unit)
    return Status(201, services.big_committee_create(actor=request.user, unit=unit, term_start=payload.term_start,
                                                     term_end=payload.term_end))


@router.get("/big-committees/{committee_id}", response=BigCommitteeDetailOut,
            summary="A big committee's term, roster and joint-meeting attendance per member and per source")
def big_committee_detail(request, committee_id: PathId):
    return _committee_detail(selectors.big_committee_get(user=request.user, pk=committee_id))


@router.post("/big-committees/{committee_id}/renew", response={201: BigCommitteeOut},
             summary="Renew: the next term, with the serving members carried over")
def big_committee_renew(request, committee_id: PathId, payload: RenewIn):
    committee = selectors.big_committee_get(user=request.user, pk=committee_id)
    return Status(201, services.big_committee_renew(actor=request.user, committee=committee,
                                                    term_end=payload.term_end, carry_over=payload.carry_over))


@router.post("/big-committees/{committee_id}/members", response={201: PartTimeMemberOut},
             summary="A part-time member joins the roster")
def part_time_member_add(request, committee_id: PathId, payload: PartTimeMemberIn):
    committee = selectors.big_committee_get(user=request.user, pk=committee_id)
    person = selectors.roster_person_get(user=request.user, pk=payload.person_id) if payload.person_id else None
    source_org = None
    if payload.source_party_org_id:
        source_org = selectors.unit_party_orgs_for_roster(committee).filter(pk=payload.source_party_org_id).first()
        if source_org is None:
            raise NotFound()
    return Status(201, services.part_time_member_add(
        actor=request.user, committee=committee, name=payload.name, source=payload.source,
        source_org=payload.source_org, source_party_org=source_org, position=payload.position, person=person,
        joined_on=payload.joined_on))


@router.post("/big-committee-members/{member_id}/leave", response=PartTimeMemberOut,
             summary="A part-time member leaves the roster (kept on record)")
def part_time_member_leave(request, member_id: PathId, payload: LeaveIn):
    member = selectors.part_time_member_get(user=request.user, pk=member_id)
    return services.part_time_member_leave(actor=request.user, member=member, left_on=payload.left_on)


__all__ = ["Unit", "UnitRef", "router"]
