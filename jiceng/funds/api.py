"""Funds API (G5): fund types and standards, budgets, the compliance table, reminder letters, spending,
execution rates, livelihood projects, the public disclosure and Excel import/export."""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BaseModel

from jiceng.core.errors import NotFound, ValidationFailed
from jiceng.core.exports import xlsx_response
from jiceng.core.fields import Day, Id, MoneyInput, PathId, Score5, Year, year_or_this
from jiceng.core.schemas import UnitCodeOut, UnitOut, related
from jiceng.core.scope import require_scope
from jiceng.funds import excel, selectors, services
from jiceng.orgs.selectors import unit_get, unit_or_top

router = Router(tags=["funds"])

Amount = str | int | float  # parsed by the services, which explain a bad value in words


class FundsFundTypeOut(Schema):
    code: str
    name: str
    level: str
    default_minimum: Decimal
    builtin: bool


class FundsFundTypeIn(Schema):
    code: str
    name: str
    level: str
    default_minimum: MoneyInput = "0"


@router.get("/types", response=list[FundsFundTypeOut])
def types_list(request):
    return selectors.fund_types()


@router.post("/types", response={201: FundsFundTypeOut})
def types_create(request, body: FundsFundTypeIn):
    ft = services.fund_type_create(actor=request.user, code=body.code, name=body.name, level=body.level,
                                   default_minimum=body.default_minimum)
    return Status(201, ft)


class FundsStandardOut(Schema):
    fund_type: str
    name: str
    level: str
    minimum: Decimal


class FundsStandardIn(Schema):
    year: Year
    fund_type: str
    minimum: MoneyInput


@router.get("/standards", response=list[FundsStandardOut])
def standards_list(request, year: Year | None = None):
    y = year_or_this(year)
    minima = selectors.standards(y)
    return [{"fund_type": t.code, "name": t.name, "level": t.level, "minimum": minima[t.pk]}
            for t in selectors.fund_types()]


@router.put("/standards", response=FundsStandardOut)
def standards_set(request, body: FundsStandardIn):
    ft = _fund_type(body.fund_type)
    std = services.fund_standard_set(actor=request.user, year=body.year, fund_type=ft, minimum=body.minimum)
    return {"fund_type": ft.code, "name": ft.name, "level": ft.level, "minimum": std.minimum}


def _fund_type(code):
    try:
        return selectors.fund_type_by_code(code)
    except NotFound:
        raise ValidationFailed(_("Unknown fund type “%(c)s”.") % {"c": code}, field="fund_type") from None


class FundsBudgetOut(UnitOut):
    id: int
    year: int
    fund_type: str
    source: str
    amount: Decimal

    resolve_fund_type = related("fund_type.code")


class FundsBudgetIn(Schema):
    unit: str
    year: Year
    fund_type: str
    source: str
    amount: MoneyInput


@router.get("/budgets", response=list[FundsBudgetOut])
def budgets_list(request, unit: str = "", year: Year | None = None):
    u = unit_or_top(user=request.user, code=unit)
    return list(selectors.budgets_in(user=request.user, unit=u, year=year_or_this(year))[:5000])


@router.put("/budgets", response=FundsBudgetOut)
def budgets_set(request, body: FundsBudgetIn):
    u = unit_get(user=request.user, code=body.unit)
    return services.budget_set(actor=request.user, unit=u, year=body.year, fund_type=_fund_type(body.fund_type),
                               source=body.source, amount=body.amount)


class FundsImportOut(Schema):
    written: int


@router.post("/budgets/import", response=FundsImportOut)
def budgets_import(request, file: UploadedFile = File(...)):
    return {"written": excel.budgets_import(actor=request.user, upload=file)}


class FundsComplianceOut(BaseModel):
    """Plain pydantic models (validated in pydantic-core, without ninja's attribute getter per field):
    the city's table has a row per street and community and fund type."""

    unit_code: str
    unit_name: str
    kind: str
    fund_type: str
    total: Decimal
    minimum: Decimal
    shortfall: Decimal
    complies: bool


class FundsComplianceTable(BaseModel):
    unit_code: str
    year: int
    streets: int
    streets_compliant: int
    communities: int
    communities_compliant: int
    rows: list[FundsComplianceOut]


@router.get("/compliance", response=FundsComplianceTable)
def compliance(request, unit: str = "", year: Year | None = None, short_only: bool = True):
    u = unit_or_top(user=request.user, code=unit)
    require_scope(request.user, u.path, "read")
    y = year_or_this(year)
    table = selectors.compliance(u, y)
    summary = selectors.compliance_summary(u, y, table)
    rows = summary["short"] if short_only else table
    return {"unit_code": u.code, "year": y, **{k: summary[k] for k in (
        "streets", "streets_compliant", "communities", "communities_compliant")},
        "rows": [{"unit_code": r.code, "unit_name": r.name, "kind": r.kind, "fund_type": r.fund_type.code,
                  "total": r.total, "minimum": r.minimum, "shortfall": r.shortfall, "complies": r.complies}
                 for r in rows]}


class FundsLetterOut(Schema):
    id: int
    county_code: str
    county_name: str
    year: int
    title: str
    deadline: datetime.date
    shortfalls: int
    raised_at: datetime.datetime
    resolved_at: datetime.datetime | None
    overdue: bool

    resolve_county_code = related("unit.code")
    resolve_county_name = related("unit.name")

    @staticmethod
    def resolve_overdue(obj):
        return obj.resolved_at is None and obj.deadline < timezone.localdate()


class FundsLetterIn(Schema):
    county: str
    year: Year
    deadline: Day
    body: str = ""


@router.get("/letters", response=list[FundsLetterOut])
def letters_list(request, unit: str = "", open_only: bool = False):
    u = unit_or_top(user=request.user, code=unit)
    return list(selectors.letters_in(user=request.user, unit=u, open_only=open_only)[:500])


@router.post("/letters", response={201: FundsLetterOut})
def letters_send(request, body: FundsLetterIn):
    county = unit_get(user=request.user, code=body.county)
    letter = services.reminder_letter_send(actor=request.user, county=county, year=body.year,
                                           deadline=body.deadline, body=body.body)
    return Status(201, letter)


class FundsCloseIn(Schema):
    unit: str
    year: Year


class FundsCloseOut(Schema):
    unit_code: str
    year: int


@router.post("/years/close", response={201: FundsCloseOut})
def years_close(request, body: FundsCloseIn):
    u = unit_get(user=request.user, code=body.unit)
    obj = services.year_close(actor=request.user, unit=u, year=body.year)
    return Status(201, {"unit_code": u.code, "year": obj.year})


class FundsSpendingOut(UnitCodeOut):
    id: int
    year: int
    fund_type: str
    spent_on: datetime.date
    amount: Decimal
    purpose: str
    project_id: int | None
    status: str
    over_by: Decimal
    has_voucher: bool

    resolve_fund_type = related("fund_type.code")

    @staticmethod
    def resolve_has_voucher(obj):
        return bool(obj.voucher)


@router.get("/spending", response=list[FundsSpendingOut])
def spending_list(request, unit: str = "", year: Year | None = None, status: str = ""):
    u = unit_or_top(user=request.user, code=unit)
    return list(selectors.expenditures_in(user=request.user, unit=u, year=year_or_this(year), status=status or None)[:2000])


@router.post("/spending", response={201: FundsSpendingOut})
def spending_record(request, unit: Form[str], fund_type: Form[str], spent_on: Form[Day], amount: Form[str],
                    purpose: Form[str], project: Form[str] = "", voucher: File[UploadedFile] = None):
    u = unit_get(user=request.user, code=unit)
    proj = selectors.project_get(user=request.user, pk=int(project)) if project.isdigit() else None
    exp = services.expenditure_record(actor=request.user, unit=u, fund_type=_fund_type(fund_type),
                                      spent_on=spent_on, amount=amount, purpose=purpose,
                                      project=proj, voucher=voucher)
    return Status(201, exp)


class FundsDecisionIn(Schema):
    approve: bool
    note: str = ""


@router.post("/spending/{pk}/decision", response=FundsSpendingOut)
def spending_decide(request, pk: PathId, body: FundsDecisionIn):
    exp = selectors.expenditure_get(user=request.user, pk=pk)
    return services.expenditure_decide(actor=request.user, expenditure=exp, approve=body.approve, note=body.note)


class FundsExecutionOut(Schema):
    fund_type: str
    budget: Decimal
    spent: Decimal
    pending: Decimal
    rate: float | None


@router.get("/execution", response=list[FundsExecutionOut])
def execution(request, unit: str = "", year: Year | None = None):
    u = unit_or_top(user=request.user, code=unit)
    return [{**row, "fund_type": row["fund_type"].code} for row in selectors.execution(u, year_or_this(year))]


class FundsProjectOut(UnitOut):
    id: int
    year: int
    title: str
    description: str
    source: str
    source_ref: str
    estimated_cost: Decimal
    status: str
    chosen_by: str
    chosen_on: datetime.date | None
    funded_amount: Decimal | None
    built_on: datetime.date | None
    accepted_on: datetime.date | None
    rating: float | None


class FundsProjectIn(Schema):
    unit: str
    title: str
    estimated_cost: MoneyInput
    description: str = ""
    source: str = "community"
    source_ref: str = ""


@router.get("/projects", response=list[FundsProjectOut])
def projects_list(request, unit: str = "", year: Year | None = None, status: str = ""):
    u = unit_or_top(user=request.user, code=unit)
    return list(selectors.projects_in(user=request.user, unit=u, year=year_or_this(year), status=status or None)[:2000])


@router.post("/projects", response={201: FundsProjectOut})
def projects_create(request, body: FundsProjectIn):
    u = unit_get(user=request.user, code=body.unit)
    return Status(201, services.livelihood_project_create(
        actor=request.user, unit=u, title=body.title, estimated_cost=body.estimated_cost,
        description=body.description, source=body.source, source_ref=body.source_ref))


@router.get("/projects/{pk}", response=FundsProjectOut)
def projects_get(request, pk: PathId):
    return selectors.project_get(user=request.user, pk=pk)


@router.post("/projects/{pk}/feasibility", response=FundsProjectOut)
def projects_feasibility(request, pk: PathId, feasible: Form[bool], note: Form[str],
                         photos: File[list[UploadedFile]] = None):
    p = selectors.project_get(user=request.user, pk=pk)
    return services.livelihood_feasibility(actor=request.user, project=p, feasible=feasible, note=note, photos=photos)


class FundsChooseIn(Schema):
    chosen_by: str = "joint_meeting"


@router.post("/projects/{pk}/choose", response=FundsProjectOut)
def projects_choose(request, pk: PathId, body: FundsChooseIn):
    p = selectors.project_get(user=request.user, pk=pk)
    return services.livelihood_choose(actor=request.user, project=p, chosen_by=body.chosen_by)


class FundsFundIn(Schema):
    budget: Id
    amount: MoneyInput


@router.post("/projects/{pk}/fund", response=FundsProjectOut)
def projects_fund(request, pk: PathId, body: FundsFundIn):
    p = selectors.project_get(user=request.user, pk=pk)
    try:
        budget = selectors.budget_get(user=request.user, pk=body.budget)
    except NotFound:
        raise ValidationFailed(_("Unknown budget line."), field="budget") from None
    return services.livelihood_fund(actor=request.user, project=p, budget=budget, amount=body.amount)


@router.post("/projects/{pk}/built", response=FundsProjectOut)
def projects_built(request, pk: PathId, photos: File[list[UploadedFile]] = None):
    p = selectors.project_get(user=request.user, pk=pk)
    return services.livelihood_built(actor=request.user, project=p, photos=photos)


@router.post("/projects/{pk}/accept", response=FundsProjectOut)
def projects_accept(request, pk: PathId, note: Form[str] = "", photos: File[list[UploadedFile]] = None):
    p = selectors.project_get(user=request.user, pk=pk)
    return services.livelihood_accept(actor=request.user, project=p, note=note, photos=photos)


class FundsRateIn(Schema):
    score: Score5


@router.post("/projects/{pk}/rate", response=FundsProjectOut)
def projects_rate(request, pk: PathId, body: FundsRateIn):
    p = selectors.project_get_served(user=request.user, pk=pk)
    return services.livelihood_rate(actor=request.user, project=p, score=body.score)


class FundsPublicBudget(Schema):
    fund_type: str
    source: str
    amount: Decimal


class FundsPublicSpending(Schema):
    spent_on: datetime.date
    amount: Decimal
    fund_type: str
    purpose: str
    project: str | None


class FundsPublicProject(Schema):
    id: int
    title: str
    status: str
    estimated_cost: Decimal
    funded_amount: Decimal | None


class FundsPublicDisclosure(Schema):
    community: str
    year: int
    budgets: list[FundsPublicBudget]
    spending: list[FundsPublicSpending]
    projects: list[FundsPublicProject]


@router.get("/public/{code}", response=FundsPublicDisclosure, auth=None)
def public_disclosure(request, code: str, year: Year | None = None):
    unit = selectors.public_community(code)
    y = year_or_this(year)
    data = selectors.disclosure(unit, y)
    return {"community": unit.name, "year": y,
            "budgets": [{"fund_type": b["fund_type__name"], "source": b["source"], "amount": b["amount"]}
                        for b in data["budgets"]],
            "spending": [{"spent_on": s["spent_on"], "amount": s["amount"], "fund_type": s["fund_type__name"],
                          "purpose": s["purpose"], "project": s["project__title"]} for s in data["spending"]],
            "projects": data["projects"]}


@router.get("/export/{table}")
def export(request, table: str, unit: str = "", year: Year | None = None):
    u = unit_or_top(user=request.user, code=unit)
    content, filename = excel.export(user=request.user, unit=u, year=year_or_this(year), table=table)
    return xlsx_response(content, filename)
