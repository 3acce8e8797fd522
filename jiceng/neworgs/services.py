"""Writes of the new-organization registry (A7): each checks scope, validates (a clear message naming the
field), writes in a transaction and appends an audit event. The location is routed to its grid like a case:
a point (WGS-84, GCJ-02 or BD-09) or an address found in the gazetteer."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.core import codes as creditcode
from jiceng.core.audit import audit_record
from jiceng.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from jiceng.core.excel import RowErrors
from jiceng.core.scope import common_path, require_scope, scope_filter, scope_prefixes, subtree_q, user_can
from jiceng.neworgs.models import Kind, NewOrg, OrgCoverage, WorkCoverage, is_gap
from jiceng.neworgs.roster import instructors_link
from jiceng.orgs.models import GRID_PARTY_ORG_KINDS, PartyOrg, Unit

LIMITS = {"name": 120, "address": 200, "branch_name": 120, "work_contact": 60}
MAX_PEOPLE = 1_000_000


def credit_code_clean(value) -> str:
    """The normalized code, or a ValidationFailed on credit_code (core.codes, the one home of the check)."""
    return creditcode.credit_code_clean(value, "credit_code")


def _text(value, field: str, label, *, required: bool = False) -> str:
    value = str(value or "").strip()
    if required and not value:
        raise ValidationFailed(_("%(field)s is required.") % {"field": label}, field=field)
    if len(value) > LIMITS[field]:
        raise ValidationFailed(_("%(field)s is at most %(n)d characters.") % {"field": label, "n": LIMITS[field]},
                               field=field)
    return value


def _count(value, field: str, label) -> int:
    n = None
    if isinstance(value, int) and not isinstance(value, bool):
        n = value
    elif isinstance(value, float) and value.is_integer():
        n = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        n = int(value.strip())
    if n is None or not 0 <= n <= MAX_PEOPLE:
        raise ValidationFailed(_("%(field)s is a whole number from 0 to 1,000,000.") % {"field": label},
                               field=field)
    return n


def _choice(value, choices, field: str, label) -> str:
    value = str(value or "").strip()
    if value not in choices.values:
        raise ValidationFailed(_("Unknown %(field)s “%(v)s”.") % {"field": label, "v": value[:24]}, field=field)
    return value


def locate(*, lat=None, lng=None, crs: str = "wgs84", address: str = ""):
    """(grid, lat, lng) for a point or an address, as cases are routed; ValidationFailed outside the city."""
    from jiceng.network import routing

    if lat not in (None, "") and lng not in (None, ""):
        result = routing.locate_point(lat, lng, crs or "wgs84")
        if result.grid is None:
            raise ValidationFailed(_("This location is outside the city's grids."), field="lat", code="outside_city")
        return Unit.objects.get(pk=result.grid.pk), result.lat, result.lng
    if str(address or "").strip():
        found = routing.address_lookup(str(address))
        if found.grid is None:
            raise ValidationFailed(_("This address was not found in the city; please put a pin on the map."),
                                   field="address", code="address_unknown")
        b = found.building
        return found.grid, (b.lat if b else None), (b.lng if b else None)
    raise ValidationFailed(_("Give a location: a point on the map or an address."), field="lat", code="no_location")


def _writable_grid(actor, grid: Unit, field: str) -> None:
    """The grid must lie in the actor's area with the write capability; a place elsewhere is a field error."""
    if actor is None:
        return
    if not scope_prefixes(actor, "write"):
        raise Forbidden(_("Your role may not register organizations."))
    if not user_can(actor, grid.path, "read"):
        raise ValidationFailed(_("This place is not in your area."), field=field, code="outside_area")
    require_scope(actor, grid.path, "write")


def _grid_branch(grid: Unit, cache: dict | None = None) -> PartyOrg | None:
    if cache is not None:
        if grid.pk not in cache:
            cache[grid.pk] = _grid_branch(grid)
        return cache[grid.pk]
    return (PartyOrg.objects.filter(subtree_q(grid.path, "unit_path"), kind__in=GRID_PARTY_ORG_KINDS)
            .order_by("unit_path", "id").first())


def _coverage(fields: dict, grid: Unit, cache: dict | None = None) -> None:
    """Check the coverage fields together (and fill the grid branch's name); sets fields["gap"]."""
    coverage = fields["org_coverage"]
    if coverage == OrgCoverage.GRID:
        branch = _grid_branch(grid, cache)
        if branch is None:
            raise ValidationFailed(_("This grid has no party branch or group that could cover the organization."),
                                   field="org_coverage", code="no_grid_branch")
        fields["branch_name"] = fields.get("branch_name") or branch.name
    elif coverage in (OrgCoverage.OWN, OrgCoverage.JOINT) and not fields.get("branch_name"):
        raise ValidationFailed(_("Name the party branch that covers the organization."), field="branch_name")
    elif coverage == OrgCoverage.NONE:
        fields["branch_name"], fields["branch_since"] = "", None
    if fields["work_coverage"] != WorkCoverage.NONE and not fields.get("work_contact"):
        raise ValidationFailed(_("Name the instructor or liaison."), field="work_contact")
    if fields["work_coverage"] == WorkCoverage.NONE:
        fields["work_contact"] = ""
    if fields["party_members"] > fields["employees"]:
        raise ValidationFailed(_("The party members are counted among the employees: at most %(n)d.")
                               % {"n": fields["employees"]}, field="party_members")
    fields["gap"] = is_gap(fields["party_members"], coverage)


def _since(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationFailed(_("A date is written as 2026-03-01."), field="branch_since") from None
    if not isinstance(value, datetime.date) or not datetime.date(1921, 7, 1) <= value <= datetime.date(2100, 12, 31):
        raise ValidationFailed(_("A date is written as 2026-03-01."), field="branch_since")
    return value


def _fields(data: dict) -> dict:
    """Validated fields (without the location) from keyword input."""
    return {
        "kind": _choice(data.get("kind"), Kind, "kind", _("kind")),
        "name": _text(data.get("name"), "name", _("Name"), required=True),
        "credit_code": credit_code_clean(data.get("credit_code")),
        "employees": _count(data.get("employees", 0), "employees", _("Employees")),
        "party_members": _count(data.get("party_members", 0), "party_members", _("Party members")),
        "org_coverage": _choice(data.get("org_coverage") or "none", OrgCoverage, "org_coverage",
                                _("party organization")),
        "branch_name": _text(data.get("branch_name"), "branch_name", _("Branch")),
        "branch_since": _since(data.get("branch_since")),
        "work_coverage": _choice(data.get("work_coverage") or "none", WorkCoverage, "work_coverage", _("party work")),
        "work_contact": _text(data.get("work_contact"), "work_contact", _("Instructor or liaison")),
    }


def _duplicate(actor, code: str, exclude: int | None = None) -> NewOrg | None:
    """An organization with this code already in the actor's area (elsewhere nothing is confirmed)."""
    qs = NewOrg.objects.filter(credit_code=code)
    if actor is not None:
        qs = scope_filter(qs, actor, "unit_path")
    if exclude:
        qs = qs.exclude(pk=exclude)
    return qs.first()


def neworg_create(*, actor, kind: str, name: str, credit_code: str, lat=None, lng=None, crs: str = "wgs84",
                  address: str = "", employees=0, party_members=0, org_coverage: str = "none", branch_name: str = "",
                  branch_since=None, work_coverage: str = "none", work_contact: str = "") -> NewOrg:
    fields = _fields(locals())
    address = _text(address, "address", _("Address"))
    grid, wlat, wlng = locate(lat=lat, lng=lng, crs=crs, address=address)
    _writable_grid(actor, grid, "address" if lat in (None, "") else "lat")
    _coverage(fields, grid)
    with transaction.atomic():
        if _duplicate(actor, fields["credit_code"]) is not None:
            raise Conflict(_("An organization with this unified social credit code is already registered in your "
                             "area."), field="credit_code", code="duplicate_credit_code")
        org = NewOrg(grid=grid, unit_path=grid.path, address=address, lat=wlat, lng=wlng, **fields)
        instructors_link([org])
        org.save()
        audit_record(actor=actor, action="neworg.create", obj=org,
                     changes={"kind": org.kind, "credit_code": org.credit_code, "org_coverage": org.org_coverage,
                              "work_coverage": org.work_coverage, "party_members": org.party_members})
    return org


EDITABLE = ("kind", "name", "credit_code", "employees", "party_members", "org_coverage", "branch_name",
            "branch_since", "work_coverage", "work_contact")


def neworg_update(*, actor, org: NewOrg, lat=None, lng=None, crs: str = "wgs84", address=None, **changes) -> NewOrg:
    """Change an organization (any of EDITABLE, and its place: a new point or address routes it again)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(_("Unknown field “%(f)s”.") % {"f": sorted(unknown)[0][:30]}, field=sorted(unknown)[0])
    require_scope(actor, org.unit_path, "write")
    merged = {f: getattr(org, f) for f in EDITABLE}
    merged.update({k: v for k, v in changes.items() if v is not None})
    fields = _fields(merged)
    grid, wlat, wlng = org.grid, org.lat, org.lng
    new_address = org.address if address is None else _text(address, "address", _("Address"))
    if lat not in (None, "") or (address is not None and new_address and new_address != org.address):
        grid, wlat, wlng = locate(lat=lat, lng=lng, crs=crs, address=new_address)
        _writable_grid(actor, grid, "address" if lat in (None, "") else "lat")
    _coverage(fields, grid)
    with transaction.atomic():
        current = NewOrg.objects.select_for_update().get(pk=org.pk)
        if fields["credit_code"] != current.credit_code and _duplicate(actor, fields["credit_code"], current.pk):
            raise Conflict(_("An organization with this unified social credit code is already registered in your "
                             "area."), field="credit_code", code="duplicate_credit_code")
        updates = {**fields, "address": new_address, "lat": wlat, "lng": wlng, "grid": grid, "unit_path": grid.path}
        diff = {}
        for field, value in updates.items():
            before = getattr(current, field)
            if before != value:
                diff[field if field != "grid" else "grid"] = ([str(before), str(value)] if field != "grid"
                                                              else [current.grid.code, grid.code])
                setattr(current, field, value)
        if diff:
            instructors_link([current])
            current.save()
        audit_record(actor=actor, action="neworg.update", obj=current, changes=diff)
    return current


def neworgs_bulk_create(*, actor, rows: list[dict], note: str = "", errors: RowErrors | None = None) -> list[NewOrg]:
    """Create many organizations, all or nothing (Excel import, demo): each row as neworg_create's keywords,
    located either by `grid` (a Unit, the demo) or by point/address; every row is validated first and the
    errors of all rows are reported together; one audit event for the batch."""
    errors = errors or RowErrors()
    prepared, seen, branches = [], {}, {}
    in_scope = set()
    codes = []
    for row in rows:
        try:
            codes.append(creditcode.validate(row.get("credit_code")))
        except creditcode.CreditCodeError:
            pass
    if codes:
        qs = NewOrg.objects.filter(credit_code__in=codes)
        in_scope = set((scope_filter(qs, actor, "unit_path") if actor is not None else qs)
                       .values_list("credit_code", flat=True))
    for i, row in enumerate(rows, start=2):
        number = row.get("_row", i)
        try:
            fields = _fields(row)
            address = _text(row.get("address"), "address", _("Address"))
            if row.get("grid") is not None:
                grid, wlat, wlng = row["grid"], row.get("lat"), row.get("lng")
            else:
                grid, wlat, wlng = locate(lat=row.get("lat"), lng=row.get("lng"), crs=row.get("crs") or "wgs84",
                                          address=address)
            _writable_grid(actor, grid, "address" if row.get("lat") in (None, "") else "lat")
            _coverage(fields, grid, branches)
            code = fields["credit_code"]
            if code in in_scope:
                raise ValidationFailed(_("An organization with this unified social credit code is already "
                                         "registered in your area."), field="credit_code")
            if code in seen:
                raise ValidationFailed(_("The same unified social credit code as row %(row)d.") % {"row": seen[code]},
                                       field="credit_code")
            seen[code] = number
            prepared.append(NewOrg(grid=grid, unit_path=grid.path, address=address, lat=wlat, lng=wlng, **fields))
        except (ValidationFailed, Forbidden, NotFound) as exc:
            errors.add(number, exc.field or "", exc.message)
    if not rows:
        errors.add(2, "name", _("The sheet has no data rows."))
    errors.errors.sort(key=lambda e: e["row"])
    errors.raise_if_any()
    with transaction.atomic():
        instructors_link(prepared)
        objs = NewOrg.objects.bulk_create(prepared, batch_size=1000)
        audit_record(actor=actor, action="neworg.bulk_create", object_type="neworgs.neworg",
                     unit_path=common_path([o.unit_path for o in objs]), changes={"count": len(objs), "note": note})
    return objs

