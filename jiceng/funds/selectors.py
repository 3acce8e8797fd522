"""Reads for funds, always within the user's scope: standards, the compliance table, budgets, reminder
letters, spending and execution rates, livelihood projects, and the public disclosure of a community."""

import dataclasses
from decimal import Decimal

from django.db.models import Count, Q, Sum

from jiceng.core.errors import NotFound
from jiceng.core.scope import scope_filter, scoped_get, subtree_q, user_grants
from jiceng.funds.models import (
    COUNTED,
    Budget,
    Expenditure,
    FundStandard,
    FundType,
    LivelihoodProject,
    ReminderLetter,
)
from jiceng.orgs.models import Unit

ZERO = Decimal("0")


def fund_types(*, active_only: bool = True) -> list[FundType]:
    """The fund types (the built-in ones are seeded by migration funds 0002); one query."""
    types = list(FundType.objects.order_by("level", "id"))
    return [t for t in types if t.active or not active_only]


def fund_type_by_code(code: str) -> FundType:
    ft = next((t for t in fund_types(active_only=False) if t.code == code), None)
    if ft is None:
        raise NotFound()
    return ft


def standards(year: int, types: list[FundType] | None = None) -> dict[int, Decimal]:
    """{fund type id: the year's minimum} for every active fund type (its default when the year has none)."""
    types = fund_types() if types is None else types
    set_for_year = dict(FundStandard.objects.filter(year=year).values_list("fund_type_id", "minimum"))
    return {t.pk: set_for_year.get(t.pk, t.default_minimum) for t in types}


@dataclasses.dataclass
class ComplianceRow:
    unit_id: int
    code: str
    name: str
    kind: str
    path: str
    fund_type: FundType
    total: Decimal
    minimum: Decimal

    @property
    def shortfall(self) -> Decimal:
        return max(ZERO, self.minimum - self.total)

    @property
    def complies(self) -> bool:
        return self.total >= self.minimum


class ComplianceTable(list):
    """The compliance rows, with the number of streets and communities they were computed for."""

    streets = 0
    communities = 0


def _streets_and_communities(unit: Unit) -> list[tuple]:
    """(id, code, name, kind, path) of the streets and communities at or under `unit`, by path.

    Under the top of the tree every unit is below it, so no path condition is sent: a prefix matching
    the whole table would only lead the planner to scan the path index for every household."""
    qs = Unit.objects.filter(kind__in=("street", "community"))
    if unit.parent_id is not None:
        qs = qs.filter(subtree_q(unit.path))
    return list(qs.order_by("path").values_list("id", "code", "name", "kind", "path"))


def compliance(unit: Unit, year: int) -> ComplianceTable:
    """One row per street or community under `unit` and fund type of its level that has a standard: the
    year's budget total (all sources) against the minimum. Four set-based queries whatever the size (fund
    types, the year's standards, the units, the budget sums grouped by unit and fund type on the
    (year, unit_path) index)."""
    types = fund_types()
    minima = standards(year, types)
    checked = [t for t in types if minima.get(t.pk, ZERO) > 0]
    units = _streets_and_communities(unit)
    table = ComplianceTable()
    table.streets = sum(1 for u in units if u[3] == "street")
    table.communities = len(units) - table.streets
    if not checked:
        return table
    budgets = Budget.objects.filter(year=year, fund_type__in=[t.pk for t in checked])
    if unit.parent_id is not None:
        budgets = budgets.filter(subtree_q(unit.path, "unit_path"))
    totals = {(u, f): s for u, f, s in budgets.values_list("unit_id", "fund_type_id").annotate(s=Sum("amount"))
              .values_list("unit_id", "fund_type_id", "s")}
    by_level: dict[str, list[tuple]] = {}
    for t in checked:
        by_level.setdefault(t.level, []).append((t.id, t, minima[t.id]))
    for uid, code, name, kind, path in units:
        for tid, t, minimum in by_level.get(kind, ()):
            table.append(ComplianceRow(uid, code, name, kind, path, t, totals.get((uid, tid)) or ZERO, minimum))
    return table


def shortfalls(unit: Unit, year: int) -> list[ComplianceRow]:
    return [r for r in compliance(unit, year) if not r.complies]


def compliance_summary(unit: Unit, year: int, rows: ComplianceTable | None = None) -> dict:
    """Streets whose running funds meet the standard, communities meeting every community standard
    (from `rows` when the caller has the table already: no further query)."""
    table = compliance(unit, year) if rows is None else rows
    short = [r for r in table if not r.complies]
    short_streets = {r.unit_id for r in short if r.kind == "street"}
    short_communities = {r.unit_id for r in short if r.kind == "community"}
    return {"streets": table.streets, "streets_compliant": table.streets - len(short_streets),
            "communities": table.communities,
            "communities_compliant": table.communities - len(short_communities), "short": short}


def budgets_in(*, user, unit: Unit, year: int | None = None):
    qs = scope_filter(Budget.objects.filter(subtree_q(unit.path, "unit_path")), user, "unit_path")
    if year:
        qs = qs.filter(year=year)
    return qs.select_related("unit", "fund_type").order_by("unit_path", "fund_type_id", "source")


def budget_get(*, user, pk: int) -> Budget:
    return scoped_get(Budget.objects.select_related("unit", "fund_type"), user=user, pk=pk)


def letters_in(*, user, unit: Unit, open_only: bool = False):
    """Reminder letters to the counties at or under `unit`."""
    qs = scope_filter(ReminderLetter.objects.filter(subtree_q(unit.path, "unit_path")), user, "unit_path")
    if open_only:
        qs = qs.filter(resolved_at__isnull=True)
    return qs.select_related("unit", "raised_by").order_by("resolved_at", "-raised_at", "-id")


def letter_get(*, user, pk: int) -> ReminderLetter:
    return scoped_get(ReminderLetter.objects.select_related("unit"), user=user, pk=pk)


def expenditures_in(*, user, unit: Unit, year: int | None = None, status: str | None = None):
    qs = scope_filter(Expenditure.objects.filter(subtree_q(unit.path, "unit_path")), user, "unit_path")
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("unit", "fund_type", "project").order_by("-spent_on", "-id")


def expenditure_get(*, user, pk: int) -> Expenditure:
    obj = (scope_filter(Expenditure.objects.select_related("unit", "fund_type", "project"), user, "unit_path")
           .filter(pk=pk).first())
    if obj is None:
        raise NotFound()
    return obj


def execution(unit: Unit, year: int, *, direct: bool = False) -> list[dict]:
    """Per fund type: budget, spending counted against it, pending spending and the execution rate, for
    the unit's subtree (or only the unit itself with `direct`)."""
    where = Q(unit=unit) if direct else subtree_q(unit.path, "unit_path")
    budgets = dict(Budget.objects.filter(where, year=year).values_list("fund_type_id").annotate(s=Sum("amount"))
                   .values_list("fund_type_id", "s"))
    spent = {}
    pending = {}
    for ft, status, s in (Expenditure.objects.filter(where, year=year).values_list("fund_type_id", "status")
                          .annotate(s=Sum("amount")).values_list("fund_type_id", "status", "s")):
        if status in COUNTED:
            spent[ft] = spent.get(ft, ZERO) + s
        elif status == "pending":
            pending[ft] = pending.get(ft, ZERO) + s
    out = []
    for t in fund_types():
        b, s = budgets.get(t.pk, ZERO), spent.get(t.pk, ZERO)
        if not b and not s and not pending.get(t.pk):
            continue
        out.append({"fund_type": t, "budget": b, "spent": s, "pending": pending.get(t.pk, ZERO),
                    "rate": float(s / b) if b else None})
    return out


def projects_in(*, user, unit: Unit, year: int | None = None, status: str | None = None):
    qs = scope_filter(LivelihoodProject.objects.filter(subtree_q(unit.path, "unit_path")), user, "unit_path")
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("unit").order_by("-year", "unit_path", "id")


def project_get(*, user, pk: int) -> LivelihoodProject:
    obj = (scope_filter(LivelihoodProject.objects.select_related("unit", "budget__fund_type"), user, "unit_path")
           .filter(pk=pk).first())
    if obj is None:
        raise NotFound()
    return obj


def project_get_served(*, user, pk: int) -> LivelihoodProject:
    """A project in the user's area, or one whose unit holds the user's own area (a resident rating the
    project that served their community)."""
    obj = LivelihoodProject.objects.select_related("unit").filter(pk=pk).first()
    if obj is None or not any(g.unit_path.startswith(obj.unit_path) or obj.unit_path.startswith(g.unit_path)
                              for g in user_grants(user)):
        raise NotFound()
    return obj


def project_status_counts(unit: Unit, year: int) -> dict[str, int]:
    return dict(LivelihoodProject.objects.filter(subtree_q(unit.path, "unit_path"), year=year)
                .values_list("status").annotate(n=Count("id")).values_list("status", "n"))


def projects_chosen_in_year(unit: Unit, year: int) -> int:
    import datetime

    return LivelihoodProject.objects.filter(subtree_q(unit.path, "unit_path"), chosen_on__gte=datetime.date(year, 1, 1),
                                            chosen_on__lte=datetime.date(year, 12, 31)).count()


def projects_from(source: str, refs: list) -> dict[str, LivelihoodProject]:
    """Projects made from these source objects (e.g. a ballot's options): {source_ref: project}."""
    return {p.source_ref: p for p in LivelihoodProject.objects.filter(source=source,
                                                                     source_ref__in=[str(r) for r in refs])}


# ---------------------------------------------------------------- public disclosure (居务公开)


def public_community(code: str) -> Unit:
    unit = Unit.objects.filter(code=code, kind="community").first()
    if unit is None:
        raise NotFound()
    return unit


def disclosure(unit: Unit, year: int) -> dict:
    """What a community publishes: budgets by fund type and source, spending (date, amount, fund, purpose,
    project) and its livelihood projects. No names of people, no vouchers, no phone numbers."""
    budgets = list(Budget.objects.filter(unit=unit, year=year).select_related("fund_type")
                   .order_by("fund_type_id", "source").values("fund_type__name", "source", "amount"))
    spending = list(Expenditure.objects.filter(unit=unit, year=year, status__in=COUNTED)
                    .order_by("spent_on", "id").values("spent_on", "amount", "fund_type__name", "purpose",
                                                       "project__title"))
    projects = list(LivelihoodProject.objects.filter(subtree_q(unit.path, "unit_path"), year=year)
                    .order_by("id").values("id", "title", "status", "estimated_cost", "funded_amount", "chosen_by",
                                           "rating_sum", "rating_count"))
    return {"budgets": budgets, "spending": spending, "projects": projects,
            "execution": execution(unit, year, direct=True)}
