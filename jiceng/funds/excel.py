"""Excel import of budgets and export of every funds table (H5). Imports are all or nothing."""

from django.utils.translation import gettext as _

from jiceng.core.errors import NotFound
from jiceng.core.excel import RowErrors, read_rows, require_columns, write_xlsx
from jiceng.core.scope import scope_filter
from jiceng.funds import selectors, services
from jiceng.funds.models import FundSource
from jiceng.orgs.models import Unit

BUDGET_COLUMNS = {
    "unit": ("单位代码", "unit", "unit code", "code"),
    "year": ("年度", "year"),
    "fund_type": ("经费类型", "fund type", "fund_type"),
    "source": ("来源", "source"),
    "amount": ("金额", "金额（元）", "amount"),
}
SOURCE_NAMES = {"市": "city", "市级": "city", "县": "county", "县级": "county", "区": "county", "县（区）": "county",
                "街道": "street"}


def budgets_import(*, actor, upload) -> int:
    """Rows: unit code, year, fund type (code or Chinese name), source (city/county/street or 市/县/街道),
    amount in yuan. Every row is checked; one bad row and nothing is written."""
    rows, present = read_rows(upload, BUDGET_COLUMNS)
    require_columns(present, {k: BUDGET_COLUMNS[k][0] for k in BUDGET_COLUMNS})
    types = selectors.fund_types()
    by_name = {t.code: t for t in types} | {t.name: t for t in types}
    codes = {str(r.get("unit") or "").strip() for _n, r in rows}
    units = {u.code: u for u in scope_filter(Unit.objects.filter(code__in=codes), actor, "path")}
    errors = RowErrors()
    clean = []
    for number, row in rows:
        code = str(row.get("unit") or "").strip()
        unit = units.get(code)
        if unit is None:
            errors.add(number, BUDGET_COLUMNS["unit"][0], _("Unknown unit code, or outside your area."))
            continue
        ft = by_name.get(str(row.get("fund_type") or "").strip())
        if ft is None:
            errors.add(number, BUDGET_COLUMNS["fund_type"][0], _("Unknown fund type."))
            continue
        source = str(row.get("source") or "").strip()
        source = SOURCE_NAMES.get(source, source.lower())
        if source not in FundSource.values:
            errors.add(number, BUDGET_COLUMNS["source"][0], _("The source is the city, the county or the street."))
            continue
        clean.append({"_row": number, "unit": unit, "year": row.get("year"), "fund_type": ft, "source": source,
                      "amount": row.get("amount")})
    errors.raise_if_any()
    return services.budgets_bulk_set(actor=actor, rows=clean)


def _source_label(value):
    return str(FundSource(value).label) if value in FundSource.values else value


def export(*, user, unit: Unit, year: int, table: str) -> tuple[bytes, str]:
    """One table as .xlsx: budgets, compliance, letters, spending, execution, projects, standards."""
    if table == "budgets":
        rows = [(b.unit.code, b.unit.name, b.year, b.fund_type.name, _source_label(b.source), b.amount)
                for b in selectors.budgets_in(user=user, unit=unit, year=year).iterator()]
        headers = [_("Unit code"), _("Unit"), _("Year"), _("Fund type"), _("Source"), _("Amount (yuan)")]
    elif table == "compliance":
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
