"""The new-organization registry (A7): organizations, their two coverages under a unit, the gap list, Excel."""

import datetime

from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from jiceng.core.exports import xlsx_response
from jiceng.core.fields import Count, Day, Latitude, Longitude, PathId, Text
from jiceng.core.pagination import Page
from jiceng.core.schemas import related
from jiceng.neworgs import selectors, services
from jiceng.orgs.selectors import unit_children, unit_get, unit_or_top

router = Router(tags=["neworgs"])
PREFIX = "/neworgs/"

class NeworgsOrgOut(Schema):
    id: int
    kind: str
    name: str
    credit_code: str
    address: str
    lat: float | None
    lng: float | None
    grid: str
    employees: int
    party_members: int
    org_coverage: str
    branch_name: str
    branch_since: datetime.date | None
    work_coverage: str
    work_contact: str
    has_party_org: bool
    work_covered: bool
    gap: bool

    resolve_grid = related("grid.code")


class NeworgsOrgIn(Schema):
    kind: Text(24)
    name: Text(120)
    credit_code: Text(40)
    lat: Latitude | None = None
    lng: Longitude | None = None
    crs: Text(8) = "wgs84"
    address: Text(200) = ""
    employees: Count = 0
    party_members: Count = 0
    org_coverage: Text(8) = "none"
    branch_name: Text(120) = ""
    branch_since: Day | None = None
    work_coverage: Text(12) = "none"
    work_contact: Text(60) = ""


class NeworgsOrgPatch(Schema):
    kind: Text(24) | None = None
    name: Text(120) | None = None
    credit_code: Text(40) | None = None
    lat: Latitude | None = None
    lng: Longitude | None = None
    crs: Text(8) = "wgs84"
    address: Text(200) | None = None
    employees: Count | None = None
    party_members: Count | None = None
    org_coverage: Text(8) | None = None
    branch_name: Text(120) | None = None
    branch_since: Day | None = None
    work_coverage: Text(12) | None = None
    work_contact: Text(60) | None = None


class NeworgsCoverageRow(Schema):
    unit: str
    name: str
    total: int
    org: int
    work: int
    gaps: int
    org_share: float | None
    work_share: float | None


class NeworgsCoverageOut(NeworgsCoverageRow):
    below: list[NeworgsCoverageRow]


class NeworgsImportOut(Schema):
    created: int


@router.get("/orgs", response=list[NeworgsOrgOut], summary="New organizations under a unit")
def neworgs_list(request, unit: Text(32) | None = None, kind: Text(24) | None = None, org_coverage: Text(8) | None = None,
         gap: bool | None = None, page: Query[Page] = None):
    scope_unit = unit_get(user=request.user, code=unit) if unit else None
    return list(page.slice(selectors.neworgs_in_scope(user=request.user, unit=scope_unit, kind=kind,
                                                      org_coverage=org_coverage, gap=gap)))


@router.post("/orgs", response={201: NeworgsOrgOut},
             summary="Register a new organization (routed to its grid by point or address)")
def neworgs_create(request, payload: NeworgsOrgIn):
    org = services.neworg_create(actor=request.user, **payload.dict())
    return Status(201, selectors.neworg_get(user=request.user, pk=org.pk))


@router.get("/orgs/export.xlsx", summary="New organizations under a unit as Excel")
def neworgs_export(request, unit: Text(32) | None = None):
    from jiceng.neworgs.excel import neworgs_export as do_export

    scope_unit = unit_or_top(user=request.user, code=unit)
    return xlsx_response(do_export(user=request.user, unit=scope_unit), f"neworgs-{scope_unit.code}.xlsx")


@router.post("/orgs/import", response={201: NeworgsImportOut},
             summary="Import new organizations from Excel; all or nothing with row errors")
def neworgs_import(request, file: UploadedFile = File(...)):
    from jiceng.neworgs.excel import neworgs_import as do_import

    return Status(201, {"created": do_import(actor=request.user, upload=file)})


@router.get("/orgs/{org_id}", response=NeworgsOrgOut, summary="One new organization")
def neworgs_detail(request, org_id: PathId):
    return selectors.neworg_get(user=request.user, pk=org_id)


@router.patch("/orgs/{org_id}", response=NeworgsOrgOut,
              summary="Change a new organization: its coverage, counts or place")
def neworgs_update(request, org_id: PathId, payload: NeworgsOrgPatch):
    org = selectors.neworg_get(user=request.user, pk=org_id)
    data = payload.dict()
    place = {k: data.pop(k) for k in ("lat", "lng", "crs", "address")}
    services.neworg_update(actor=request.user, org=org, **place, **data)
    return selectors.neworg_get(user=request.user, pk=org_id)


@router.get("/gaps", response=list[NeworgsOrgOut],
            summary="The \"should build, build all\" gap list under a unit (3+ party members, no branch of its own)")
def neworgs_gaps(request, unit: Text(32) | None = None, page: Query[Page] = None):
    scope_unit = unit_or_top(user=request.user, code=unit)
    return list(page.slice(selectors.gap_list(user=request.user, unit=scope_unit)))


@router.get("/coverage", response=NeworgsCoverageOut,
            summary="The two coverages under a unit and for each unit directly below it")
def neworgs_coverage(request, unit: Text(32) | None = None):
    scope_unit = unit_or_top(user=request.user, code=unit)
    children = list(unit_children(user=request.user, unit=scope_unit)[:400]) if scope_unit.kind != "grid" else []
    by_child = selectors.coverage_by_child(scope_unit, children) if children else {}
    return {"unit": scope_unit.code, "name": scope_unit.name, **selectors.coverage(scope_unit.path),
            "below": [{"unit": c.code, "name": c.name, **by_child[c.path]} for c in children]}
