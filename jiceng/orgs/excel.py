"""Units from and to Excel. Columns: 代码 code, 名称 name, 类型 kind, 上级代码 parent, 地址 address."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiceng.core.errors import NotFound, ServiceError, ValidationFailed
from jiceng.core.excel import (
    Choice,
    Column,
    Date,
    Registry,
    Table,
    Text,
)
from jiceng.core.scope import subtree_q, user_can
from jiceng.orgs import selectors
from jiceng.orgs.models import KIND_ORDER, CommitteeLevel, PartTimeSource, PartyOrgKind, Unit, UnitKind
from jiceng.orgs.services import (
    big_committee_create,
    part_time_member_add,
    party_org_create,
    unit_path_for,
    units_bulk_create,
    validate_unit_fields,
)

KIND_BY_LABEL = {"市": "city", "县": "county", "区": "county", "县(市、区)": "county", "街道": "street", "社区": "community",
                 "网格": "grid", "小区": "compound", "楼栋": "building", "户": "household"}

# The unit tree's sheet (one Table for the import, the export and /excel/units/…): a row's parent is the
# code of a unit in the database or of an earlier row of the same file.
UNITS = Table([
    Column("code", "代码", Text(32), required=True, get=lambda r: r[0]),
    Column("name", "名称", Text(120), required=True, get=lambda r: r[1]),
    Column("kind", "类型", Choice(UnitKind, extra=KIND_BY_LABEL), required=True, get=lambda r: r[2]),
    Column("parent", "上级代码", Text(32), required=True, aliases=("parent code",), get=lambda r: r[3] or ""),
    Column("address", "地址", Text(200), default="", get=lambda r: r[4]),
], title="单位")


def units_import(*, actor, upload, within: Unit | None = None) -> int:
    """Create the units of a sheet, all or nothing (every problem listed by row and column). A row's parent may
    be an earlier row of the sheet; with `within` (the unit of /excel/units/import?unit=) every parent lies in
    its subtree."""
    rows, errors = UNITS.read(upload)
    header = UNITS.header
    pending: dict[str, Unit] = {}
    parent_codes = {r["parent"] for _n, r in rows}
    existing = {u.code: u for u in Unit.objects.filter(code__in=parent_codes | {r["code"] for _n, r in rows})}
    for number, row in rows:
        code, parent_code, kind = row["code"], row["parent"], row["kind"]
        parent = pending.get(parent_code) or existing.get(parent_code)
        if parent is None or (within is not None and not parent.path.startswith(within.path)):
            errors.add(number, header("parent"), _("No unit with the code %(code)s (in the database or above in "
                                                   "the file).") % {"code": parent_code})
            continue
        if parent.pk and not user_can(actor, parent.path, "structure"):
            errors.add(number, header("parent"), _("The unit %(code)s is outside your area or your role may not "
                                                   "change it.") % {"code": parent_code})
            continue
        try:
            code, name = validate_unit_fields(parent=parent, kind=kind, code=code, name=row["name"])
        except ServiceError as exc:
            errors.add(number, header(exc.field if exc.field in ("code", "name", "kind") else "code"), exc.message)
            continue
        if code in pending or code in existing:
            errors.add(number, header("code"), _("The code %(code)s is already used by another unit.")
                       % {"code": code})
            continue
        unit = Unit(kind=kind, code=code, name=name, parent=parent, address=row["address"] or "")
        unit.path = unit_path_for(parent, code)
        pending[code] = unit
    errors.raise_if_any()
    ordered = sorted(pending.values(), key=lambda u: KIND_ORDER.index(u.kind))
    # Parents created in this file get their ids as their level is written.
    created = 0
    with transaction.atomic():
        for kind in KIND_ORDER:
            batch = [u for u in ordered if u.kind == kind]
            for u in batch:
                u.parent = u.parent  # re-bind so parent_id is read from the (now saved) parent
            created += units_bulk_create(actor=actor, units=batch, note="excel import") if batch else 0
    return created


def _units(user, unit: Unit, max_depth_kind: str = "household"):
    last = KIND_ORDER.index(max_depth_kind)
    return (Unit.objects.filter(subtree_q(unit.path), kind__in=KIND_ORDER[: last + 1]).select_related("parent")
            .order_by("path").values_list("code", "name", "kind", "parent__code", "address")
            .iterator(chunk_size=5000))


def units_export(*, user, unit: Unit, max_depth_kind: str = "household") -> bytes:
    if not user_can(user, unit.path, "read"):
        raise NotFound()
    return UNITS.export(_units(user, unit, max_depth_kind), title=unit.name)


# --- H5 registries: party organizations, big committees and their part-time members ------------------


def scope_unit(user, code: str) -> Unit:
    """The unit of ?unit= (the user's own top unit when none): 404 outside the user's area."""
    return selectors.unit_or_top(user=user, code=code or None)


def unit_under(scope: Unit, code, field: str = "unit") -> Unit:
    """The unit of a row's code, which must lie in the imported unit's subtree."""
    unit = Unit.objects.filter(code=str(code or "").strip()).first()
    if unit is None or not unit.path.startswith(scope.path):
        raise ValidationFailed(_("No unit with the code %(code)s under %(unit)s.")
                               % {"code": code, "unit": scope.name}, field=field)
    return unit


def unit_page_url(unit: Unit) -> str:
    return reverse("orgs:unit", args=[unit.code])


PARTY_ORGS = Table([
    Column("unit", "所在单位代码", Text(32), required=True, get="unit.code"),
    Column("unit_name", "所在单位", get="unit.name", export_only=True),
    Column("kind", "类型", Choice(PartyOrgKind), required=True),
    Column("name", "名称", Text(120), required=True),
    Column("parent", "上级党组织", Text(120), get="parent.name"),
    Column("established_on", "成立日期", Date()),
    Column("secretary", "书记", get="secretary.name", export_only=True),
], title="党组织")


def _party_orgs(user, unit: Unit):
    return selectors.party_orgs_under(unit)


def _party_org_write(actor, scope: Unit, row: dict):
    unit = unit_under(scope, row["unit"])
    parent = None
    if row.get("parent"):
        # The parent sits on the unit or above it (it may be a row written earlier in the same file).
        parent = selectors.party_org_named_above(unit, row["parent"])
        if parent is None:
            raise ValidationFailed(_("No party organization “%(name)s” on this unit or above it.")
                                   % {"name": row["parent"]}, field="parent")
    return party_org_create(actor=actor, unit=unit, kind=row["kind"], name=row["name"], parent=parent,
                            established_on=row.get("established_on"))


BIG_COMMITTEES = Table([
    Column("unit", "单位代码", Text(32), required=True, get="unit.code"),
    Column("unit_name", "单位", get="unit.name", export_only=True),
    Column("level", "层级", Choice(CommitteeLevel),
           export_only=True),
    Column("term_start", "任期开始", Date(), required=True),
    Column("term_end", "任期结束", Date(), required=True),
    Column("established_on", "成立日期", Date()),
    Column("member_count", "兼职委员人数", export_only=True),
], title="大工委大党委")


def _big_committees(user, unit: Unit):
    return selectors.big_committees_in(unit)


def _big_committee_write(actor, scope: Unit, row: dict):
    return big_committee_create(actor=actor, unit=unit_under(scope, row["unit"]), term_start=row["term_start"],
                                term_end=row["term_end"], established_on=row.get("established_on"))


COMMITTEE_MEMBERS = Table([
    Column("unit", "单位代码", Text(32), required=True, get="committee.unit.code"),
    Column("term_start", "任期开始", Date(), get="committee.term_start"),
    Column("name", "姓名", Text(60), required=True),
    Column("source", "来源", Choice(PartTimeSource), required=True),
    Column("source_org", "来源单位", Text(120), required=True),
    Column("position", "职务", Text(60), default=""),
], title="兼职委员")


def _committee_members(user, unit: Unit):
    return selectors.part_time_members_under(unit)


def _committee_member_write(actor, scope: Unit, row: dict):
    unit = unit_under(scope, row["unit"])
    committee = selectors.big_committee_of_term(unit, row.get("term_start"))
    if committee is None:
        raise ValidationFailed(_("%(unit)s has no big committee of that term: set it up first.")
                               % {"unit": unit.name}, field="term_start" if row.get("term_start") else "unit")
    return part_time_member_add(actor=actor, committee=committee, name=row["name"], source=row["source"],
                                source_org=row["source_org"], position=row.get("position") or "")


REGISTRIES = [
    Registry("units", gettext_lazy("Units"), UNITS, scope=scope_unit, rows=_units, capability="structure",
             importer=lambda actor, unit, upload: units_import(actor=actor, upload=upload, within=unit),
             list_url=unit_page_url),
    Registry("party-orgs", gettext_lazy("Party organizations"), PARTY_ORGS, scope=scope_unit, rows=_party_orgs,
             write=_party_org_write, capability="structure", list_url=unit_page_url),
    Registry("big-committees", gettext_lazy("Big committees"), BIG_COMMITTEES, scope=scope_unit,
             rows=_big_committees, write=_big_committee_write, capability="structure", list_url=unit_page_url),
    Registry("committee-members", gettext_lazy("Part-time committee members"), COMMITTEE_MEMBERS,
             scope=scope_unit, rows=_committee_members, write=_committee_member_write, capability="structure",
             list_url=unit_page_url),
]
