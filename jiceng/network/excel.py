"""Excel import and export of the grid staff and compound registries (H5): row-level errors, all or nothing."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiceng.core.excel import Boolean, Choice, Column, Date, Registry, Table, Text, write_xlsx
from jiceng.core.scope import require_scope, subtree_q
from jiceng.network.models import CompoundProfile, GridStaff, StaffRole
from jiceng.network.services import grid_staff_bulk_create
from jiceng.orgs.excel import scope_unit, unit_page_url
from jiceng.orgs.models import Unit

COMPOUND_COLUMNS = ["compound", "name", "property_company", "project_manager", "owners_committee", "competent_unit",
                    "three_without", "three_without_since", "arrangement", "arranged_since"]


def _workbook(header, rows) -> bytes:
    return write_xlsx(header, rows, title="data")


def export_staff(unit: Unit) -> bytes:
    return STAFF.export(_staff(None, unit), title="data")


def export_compounds(unit: Unit) -> bytes:
    compounds = Unit.objects.filter(subtree_q(unit.path), kind="compound").select_related("compound_profile") \
        .order_by("code")
    rows = []
    for c in compounds:
        p = getattr(c, "compound_profile", None) or CompoundProfile()
        rows.append([c.code, c.name, p.property_company, p.project_manager, p.owners_committee, p.competent_unit,
                     "1" if p.three_without else "0", p.three_without_since.isoformat() if p.three_without_since
                     else "", p.arrangement, p.arranged_since.isoformat() if p.arranged_since else ""])
    return _workbook(COMPOUND_COLUMNS, rows)


ROLE_LABELS = {"网格长": "leader", "专职网格员": "full_time", "兼职网格员": "part_time", "网格党支部书记": "party_secretary"}

# The grid staff's sheet (one Table for the import, the export and /excel/grid-staff/…): the role is written
# as its code and read by code or Chinese name; the English headers of older sheets are read too.
STAFF = Table([
    Column("grid", "网格代码", Text(32), required=True, get="grid.code"),
    Column("grid_name", "网格", get="grid.name", export_only=True),
    Column("role", "岗位", Choice([(v, v) for v in StaffRole.values], extra=ROLE_LABELS), required=True),
    Column("name", "姓名", Text(60), required=True),
    Column("on_duty", "在岗", Boolean(), default=True),
    Column("since", "起始日期", Date()),
], title="网格员")


def _staff(user, unit: Unit):
    return (GridStaff.objects.filter(subtree_q(unit.path, "unit_path"), active=True).select_related("grid")
            .order_by("unit_path", "role", "name"))


def import_staff(*, actor, unit: Unit, content) -> int:
    """Add grid staff from an Excel sheet under `unit` (grid, role, name, optional on-duty and since), all or
    nothing: every problem listed by row and column."""
    require_scope(actor, unit.path, "write")
    rows, errors = STAFF.read(content)
    grids = {g.code: g for g in Unit.objects.filter(subtree_q(unit.path), kind="grid",
                                                     code__in={r["grid"] for _n, r in rows})}
    active_single = set(GridStaff.objects.filter(grid__in=grids.values(), active=True,
                                                 role__in=["leader", "party_secretary"])
                        .values_list("grid__code", "role"))
    staff = []
    for n, row in rows:
        grid, role = grids.get(row["grid"]), row["role"]
        if grid is None:
            errors.add(n, STAFF.header("grid"), _("no grid %(code)s under %(unit)s") % {"code": row["grid"],
                                                                                         "unit": unit.name})
            continue
        if role in ("leader", "party_secretary") and (row["grid"], role) in active_single:
            errors.add(n, STAFF.header("role"), _("the grid already has an active %(role)s")
                       % {"role": StaffRole(role).label})
            continue
        if role in ("leader", "party_secretary"):
            active_single.add((row["grid"], role))
        staff.append(GridStaff(grid=grid, unit_path=grid.path, role=role, name=row["name"], since=row["since"],
                               on_duty=row["on_duty"] is not False))
    errors.raise_if_any()
    return grid_staff_bulk_create(actor=actor, rows=staff, note="excel import")


# --- H5: the compound registry's export through core's one table (/excel/compounds/export) -------------

def _profile(attr):
    def get(compound):
        profile = getattr(compound, "compound_profile", None)
        return getattr(profile, attr) if profile is not None else None
    return get


COMPOUNDS = Table([
    Column("compound", "小区代码", get="code"),
    Column("name", "小区名称"),
    Column("grid", "所属网格", get="parent.name"),
    Column("property_company", "物业公司", get=_profile("property_company")),
    Column("project_manager", "项目经理", get=_profile("project_manager")),
    Column("owners_committee", "业主委员会", get=_profile("owners_committee")),
    Column("competent_unit", "主管单位", get=_profile("competent_unit")),
    Column("three_without", "三无小区", Boolean(), get=_profile("three_without")),
    Column("three_without_since", "认定日期", Date(), get=_profile("three_without_since")),
    Column("arrangement", "托管方式", get=_profile("arrangement")),
    Column("arranged_since", "托管日期", Date(), get=_profile("arranged_since")),
], title="小区")


def _compounds(user, unit: Unit):
    return (Unit.objects.filter(subtree_q(unit.path), kind="compound").select_related("compound_profile", "parent")
            .order_by("code"))


REGISTRIES = [
    Registry("grid-staff", gettext_lazy("Grid staff"), STAFF, scope=scope_unit, rows=_staff, list_url=unit_page_url,
             importer=lambda actor, unit, upload: import_staff(actor=actor, unit=unit, content=upload)),
    Registry("compounds", gettext_lazy("Compounds"), COMPOUNDS, scope=scope_unit, rows=_compounds,
             list_url=unit_page_url),
]
