"""Excel import of budgets and export of every funds table (H5). Imports are all or nothing."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiceng.core.errors import NotFound, ValidationFailed
from jiceng.core.excel import Choice, Column, Registry, Table, Text, write_xlsx
from jiceng.core.scope import scope_filter
from jiceng.funds import selectors, services
from jiceng.funds.models import FundSource
from jiceng.orgs.excel import scope_unit
from jiceng.orgs.models import Unit

SOURCE_NAMES = {"市": "city", "市级": "city", "县": "county", "县级": "county", "区": "county", "县（区）": "county",
                "街道": "street"}

# One Table for the budget import, its export and /excel/budgets/…: unit code, year, fund type (code or
# Chinese name), source (city/county/street or 市/县/街道), amount in yuan (read exactly, as text).
BUDGETS = Table([
    Column("unit", "单位代码", Text(32), required=True, aliases=("unit code", "code"), get="unit.code"),
    Column("unit_name", "单位", get="unit.name", export_only=True),
    Column("year", "年度", Text(8), required=True),
    Column("fund_type", "经费类型", Text(120), required=True, aliases=("fund type",), get="fund_type.name"),
    Column("source", "来源", Choice(FundSource, extra=SOURCE_NAMES), required=True),
    Column("amount", "金额", Text(30), required=True, aliases=("金额（元）",)),
], title="经费预算")


def budgets_import(*, actor, upload, within: Unit | None = None) -> int:
    """Every row is checked (the sheet's columns, then units, fund types and the service's rules: years,
    amounts, who sets whose budget); one bad row and nothing is written, every problem listed by row and
    column. With `within` (the unit of /excel/budgets/import?unit=) every unit lies in its subtree."""
    rows, errors = BUDGETS.read(upload)
    types = selectors.fund_types()
    by_name = {t.code: t for t in types} | {t.name: t for t in types}
    codes = {r["unit"] for _n, r in rows}
    units = {u.code: u for u in scope_filter(Unit.objects.filter(code__in=codes), actor, "path")}
    clean = []
    for number, row in rows:
        unit = units.get(row["unit"])
        if unit is None or (within is not None and not unit.path.startswith(within.path)):
            errors.add(number, BUDGETS.header("unit"), _("Unknown unit code, or outside your area."))
            continue
        ft = by_name.get(row["fund_type"])
        if ft is None:
            errors.add(number, BUDGETS.header("fund_type"), _("Unknown fund type."))
            continue
        clean.append({"_row": number, "unit": unit, "year": row["year"], "fund_type": ft, "source": row["source"],
                      "amount": row["amount"]})
    errors.raise_if_any()
    try:
        return services.budgets_bulk_set(actor=actor, rows=clean)
    except ValidationFailed as exc:
        for e in exc.errors:  # the service's row errors name fields: name the Excel column instead
            e["column"] = BUDGETS.header(e["column"]) or e["column"]
        raise


REGISTRIES = [
    Registry("budgets", gettext_lazy("Budgets"), BUDGETS, scope=scope_unit,
             rows=lambda user, unit: selectors.budgets_in(user=user, unit=unit),
             importer=lambda actor, unit, upload: budgets_import(actor=actor, upload=upload, within=unit)),
]


def export(*, user, unit: Unit, year: int, table: str) -> tuple[bytes, str]:
    """One table as .xlsx: budgets, compliance, letters, spending, execution, projects, standards."""
    if table == "budgets":  # the registry's own sheet, so that an export imports back
        return (BUDGETS.export(selectors.budgets_in(user=user, unit=unit, year=year).iterator(), title=table),
                f"funds-{table}-{unit.code}-{year}.xlsx")
    if table == "compliance":
        rows = [(r.code, r.name, r.fund_type.name, r.total, r.minimum, r.shortfall,
                 _("yes") if r.complies else _("no")) for r in selectors.compliance(unit, year)]
        headers = [_("Unit code"), _("Unit"), _("Fund type"), _("Budget (yuan)"), _("Standard (yuan)"),
                   _("Short by (yuan)"), _("Complies")]
    elif table == "letters":
        rows = [(x.unit.code, x.unit.name, x.year, x.title, x.deadline, x.shortfalls,
                 x.raised_at.date(), x.resolved_at.date() if x.resolved_at else "")
                for x in selectors.letters_in(user=user, unit=unit)]
        headers = [_("County code"), _("County"), _("Year"), _("Title"), _("Deadline"), _("Units short"),
                   _("Sent on"), _("Resolved on")]
    elif table == "spending":
        rows = [(e.unit.code, e.unit.name, e.spent_on, e.fund_type.name, e.amount, e.purpose,
                 e.project.title if e.project else "", e.get_status_display(), e.over_by)
                for e in selectors.expenditures_in(user=user, unit=unit, year=year).iterator()]
        headers = [_("Unit code"), _("Unit"), _("Date"), _("Fund type"), _("Amount (yuan)"), _("Purpose"),
                   _("Project"), _("Status"), _("Beyond budget by")]
    elif table == "execution":
        rows = [(r["fund_type"].name, r["budget"], r["spent"], r["pending"],
                 round(r["rate"] * 100, 1) if r["rate"] is not None else "") for r in selectors.execution(unit, year)]
        headers = [_("Fund type"), _("Budget (yuan)"), _("Spent (yuan)"), _("Pending (yuan)"), _("Execution rate %")]
    elif table == "projects":
        rows = [(p.unit.code, p.unit.name, p.year, p.title, p.get_source_display(), p.estimated_cost,
                 p.get_status_display(), p.get_chosen_by_display(), p.chosen_on or "", p.funded_amount or "",
                 p.accepted_on or "", p.rating or "")
                for p in selectors.projects_in(user=user, unit=unit, year=year).iterator()]
        headers = [_("Unit code"), _("Unit"), _("Year"), _("Title"), _("Source"), _("Estimated cost"), _("Status"),
                   _("Chosen by"), _("Chosen on"), _("Funded amount"), _("Accepted on"), _("Rating")]
    elif table == "standards":
        minima = selectors.standards(year)
        rows = [(t.code, t.name, t.get_level_display(), year, minima[t.pk]) for t in selectors.fund_types()]
        headers = [_("Code"), _("Fund type"), _("Level"), _("Year"), _("Standard (yuan)")]
    else:
        raise NotFound()
    return write_xlsx([str(h) for h in headers], rows, title=table), f"funds-{table}-{unit.code}-{year}.xlsx"
