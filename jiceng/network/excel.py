"""Excel import and export of the grid staff and compound registries (H5): row-level errors, all or nothing."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiceng.core.errors import ValidationFailed
from jiceng.core.excel import Boolean, Column, Date, Registry, Table, open_workbook, write_xlsx
from jiceng.core.scope import require_scope, subtree_q
from jiceng.network.models import CompoundProfile, GridStaff, StaffRole
from jiceng.network.services import grid_staff_bulk_create
from jiceng.orgs.excel import scope_unit, unit_page_url
from jiceng.orgs.models import Unit

STAFF_COLUMNS = ["grid", "grid_name", "role", "name", "on_duty", "since"]
COMPOUND_COLUMNS = ["compound", "name", "property_company", "project_manager", "owners_committee", "competent_unit",
                    "three_without", "three_without_since", "arrangement", "arranged_since"]


def _workbook(header, rows) -> bytes:
    return write_xlsx(header, rows, title="data")


def export_staff(unit: Unit) -> bytes:
    qs = (GridStaff.objects.filter(subtree_q(unit.path, "unit_path"), active=True).select_related("grid")
          .order_by("unit_path", "role", "name"))
    return _workbook(STAFF_COLUMNS, ([s.grid.code, s.grid.name, s.role, s.name, "1" if s.on_duty else "0",
                                      s.since.isoformat() if s.since else ""] for s in qs.iterator()))


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


def _role(value: str) -> str | None:
    value = (value or "").strip()
    for choice in StaffRole:
        if value in (choice.value, str(choice.label)):
            return choice.value
    labels = {"网格长": "leader", "专职网格员": "full_time", "兼职网格员": "part_time", "网格党支部书记": "party_secretary"}
    return labels.get(value)


def import_staff(*, actor, unit: Unit, content: bytes) -> int:
    """Add grid staff from an Excel sheet (columns grid, role, name, optional on_duty and since)."""
    require_scope(actor, unit.path, "write")
    ws = open_workbook(content).worksheets[0]  # size, unpacked size and rows checked before parsing
    rows = ws.iter_rows(values_only=True)
    header = [str(h or "").strip().lower() for h in next(rows, [])]
    col = {h: i for i, h in enumerate(header) if h}
    if not {"grid", "role", "name"} <= set(col):
        raise ValidationFailed(_("The first row must name the columns grid, role and name."), code="bad_excel")
    data = []
    for n, r in enumerate(rows, start=2):
        def cell(name, r=r):
            i = col.get(name)
            v = r[i] if i is not None and i < len(r) else None
            return v if isinstance(v, datetime.date) else ("" if v is None else str(v).strip())

        if not any(v not in (None, "") for v in r):
            continue
        data.append((n, cell("grid"), cell("role"), cell("name"), cell("on_duty"), cell("since")))
    grids = {g.code: g for g in Unit.objects.filter(subtree_q(unit.path), kind="grid",
                                                     code__in={d[1] for d in data})}
    active_single = set(GridStaff.objects.filter(grid__in=grids.values(), active=True,
                                                 role__in=["leader", "party_secretary"])
                        .values_list("grid__code", "role"))
    errors, staff = [], []
    for n, grid_code, role_text, name, on_duty, since in data:
        role = _role(role_text)
        grid = grids.get(grid_code)
        problem = None
        if grid is None:
            problem = _("no grid %(code)s under %(unit)s") % {"code": grid_code, "unit": unit.name}
        elif role is None:
            problem = _("unknown role “%(role)s”") % {"role": role_text}
        elif not name:
            problem = _("a name is needed")
        elif role in ("leader", "party_secretary") and (grid_code, role) in active_single:
            problem = _("the grid already has an active %(role)s") % {"role": StaffRole(role).label}
        if since and not isinstance(since, datetime.date):
            try:
                since = datetime.date.fromisoformat(since)
            except ValueError:
                problem = problem or _("since must be a date (YYYY-MM-DD)")
        if problem:
            errors.append({"row": n, "message": problem})
            continue
        if role in ("leader", "party_secretary"):
            active_single.add((grid_code, role))
        if isinstance(since, datetime.datetime):
            since = since.date()
        staff.append(GridStaff(grid=grid, unit_path=grid.path, role=role, name=name[:60], since=since or None,
                               on_duty=str(on_duty).strip().lower() not in ("0", "false", "no", "否")))
    if errors:
        raise ValidationFailed(_("Nothing was imported: %(n)d row(s) have problems.") % {"n": len(errors)},
                               code="bad_rows", errors=errors)
    if not staff:
        raise ValidationFailed(_("The file holds no rows."), code="empty_import")
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
    Registry("compounds", gettext_lazy("Compounds"), COMPOUNDS, scope=scope_unit, rows=_compounds,
             list_url=unit_page_url),
]
