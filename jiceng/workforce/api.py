"""Workforce API (G1, A4): workers, grades, attendance, evaluations, pay tables, payrolls, statistics,
street configuration and devolved powers. Money is a decimal string (yuan, to the fen)."""

import datetime
from decimal import Decimal
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from jiceng.core.errors import ValidationFailed
from jiceng.core.fields import Day, Id, Int, PathId, Text, Year, year_or_this
from jiceng.core.pagination import Page
from jiceng.core.schemas import related
from jiceng.orgs.selectors import unit_get, unit_or_top
from jiceng.workforce import grades, selectors, services, stats
from jiceng.workforce.models import PayrollLine

router = Router(tags=["workforce"])


# ---------------------------------------------------------------- schemas
class WorkerRow(Schema):
    id: int
    name: str
    id_number_masked: str
    community_code: str
    community_name: str
    post: str
    title: str
    channel: str
    hire_date: datetime.date
    education: str
    qualification: str
    grade: int
    status: str

    resolve_name = related("person.name")
    resolve_id_number_masked = related("person.id_number_masked")
    resolve_community_code = related("community.code")
    resolve_community_name = related("community.name")


class StepOut(Schema):
    effective_on: datetime.date
    post: str
    grade: int
    rule: str
    explanation: str


class WorkerOut(WorkerRow):
    phone_masked: str
    bank_account_masked: str
    steps: list[StepOut]

    resolve_phone_masked = related("person.phone_masked")

    @staticmethod
    def resolve_steps(obj):
        return [{"effective_on": s.effective_on, "post": s.post, "grade": s.grade, "rule": s.rule,
                 "explanation": grades.explain(s.rule, s.grade, s.post, s.detail)} for s in obj.grade_steps.all()]


class WorkerIn(Schema):
    community: str
    name: str
    id_number: str
    phone: str = ""
    post: str
    title: str = ""
    channel: str
    hire_date: Day
    education: str
    qualification: str = "none"
    grade: Annotated[Int, Field(ge=1, le=18)] | None = None
    bank_account: str = ""


class TransferIn(Schema):
    community: str


class WorkforceStatusIn(Schema):
    status: str
    reason: str = ""


class WorkforcePostIn(Schema):
    post: str
    effective_on: Day


class AttendanceIn(Schema):
    month: Day
    days_required: Annotated[Int, Field(ge=0, le=31)]
    days_present: Annotated[Int, Field(ge=0, le=31)]


class WorkforceAttendanceOut(Schema):
    worker_id: int
    month: datetime.date
    days_required: int
    days_present: int


class EvaluationIn(Schema):
    worker_id: Id
    year: Year
    scores: dict[Text(40), Annotated[Int, Field(ge=0, le=100)]]
    community_opinion: str = ""


class EvaluationOut(Schema):
    id: int
    worker_id: int
    year: int
    scores: dict
    total: int
    rating: str
    status: str
    community_opinion: str
    appeal_reason: str
    appeal_decision: str


class AppealIn(Schema):
    reason: str


class DecideIn(Schema):
    revise: bool
    note: str
    scores: dict[Text(40), Annotated[Int, Field(ge=0, le=100)]] | None = None


class PayTableIn(Schema):
    county: str
    year: Year
    base_amount: str
    coefficients: dict[str, str] | None = None


class GradeScaleIn(Schema):
    principal_low: Annotated[Int, Field(ge=1, le=18)] = 7
    principal_high: Annotated[Int, Field(ge=1, le=18)] = 18
    deputy_low: Annotated[Int, Field(ge=1, le=18)] = 4
    deputy_high: Annotated[Int, Field(ge=1, le=18)] = 15
    other_low: Annotated[Int, Field(ge=1, le=18)] = 1
    other_high: Annotated[Int, Field(ge=1, le=18)] = 12
    years_per_grade: Annotated[Int, Field(ge=1, le=10)] = 3
    bachelor_years: Annotated[Int, Field(ge=0, le=20)] = 3
    master_years: Annotated[Int, Field(ge=0, le=20)] = 6
    doctor_years: Annotated[Int, Field(ge=0, le=20)] = 9


class GradeScaleOut(GradeScaleIn):
    county: str

    resolve_county = related("county.code")


class PayTableOut(Schema):
    id: int
    year: int
    base_amount: Decimal
    coefficients: dict


class RunRow(Schema):
    id: int
    street_code: str
    street_name: str
    month: datetime.date
    status: str
    total: Decimal
    lines_count: int

    resolve_street_code = related("street.code")
    resolve_street_name = related("street.name")


class WorkforceLineOut(Schema):
    worker_id: int
    name: str
    account_masked: str
    post: str
    grade: int
    coefficient: Decimal
    rating: str
    attendance_ratio: Decimal
    basic: Decimal
    performance: Decimal
    adjustment: Decimal
    adjustment_note: str
    total: Decimal


class RunOut(RunRow):
    lines: list[WorkforceLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(PayrollLine.objects.filter(run=obj).order_by("unit_path", "name", "id"))


class PrepareIn(Schema):
    street: str
    month: Day


class ConfigItemOut(Schema):
    item: str
    present: bool
    head: str
    staffing: int


class StreetOut(Schema):
    code: str
    name: str
    county: str
    complete: bool
    missing: list[str]
    items: list[ConfigItemOut]
    powers: int


class ConfigIn(Schema):
    present: bool
    head: str = ""
    staffing: Annotated[Int, Field(ge=0, le=200)] = 0


class PowerIn(Schema):
    owner: str
    name: str
    legal_basis: str
    department: str


class WorkforceGrantOut(Schema):
    street_code: str
    granted_on: datetime.date
    document: str


class PowerOut(Schema):
    id: int
    owner_code: str
    name: str
    legal_basis: str
    department: str
    grants: list[WorkforceGrantOut]


class GrantIn(Schema):
    street: str
    granted_on: Day
    document: str


# ---------------------------------------------------------------- workers
@router.get("/workers", response=list[WorkerRow], summary="Professional community workers under a unit")
def workers(request, unit: str | None = None, status: str = "", post: str = "", q: str = "",
            page: Query[Page.sized(100, 500)] = None):
    target = unit_or_top(user=request.user, code=unit)
    selectors.require_view(request.user, target)
    qs = selectors.workers_in(user=request.user, unit=target, status=status, post=post, q=q)
    return list(page.slice(qs))


@router.post("/workers", response={201: WorkerOut}, summary="Recruit a worker (county)")
def worker_create(request, payload: WorkerIn):
    community = unit_get(user=request.user, code=payload.community)
    data = payload.dict()
    data.pop("community")
    worker = services.worker_create(actor=request.user, community=community, **data)
    return Status(201, selectors.worker_get(user=request.user, pk=worker.pk))


@router.get("/workers/{worker_id}", response=WorkerOut, summary="One worker with the grade history explained")
def worker(request, worker_id: PathId):
    return selectors.worker_get(user=request.user, pk=worker_id)


@router.post("/workers/{worker_id}/transfer", response=WorkerRow, summary="Transfer within the street")
def worker_transfer(request, worker_id: PathId, payload: TransferIn):
    w = selectors.worker_get(user=request.user, pk=worker_id)
    services.worker_transfer(actor=request.user, worker=w, community=unit_get(user=request.user,
                                                                               code=payload.community))
    return selectors.worker_get(user=request.user, pk=worker_id)


@router.post("/workers/{worker_id}/status", response=WorkerRow, summary="Suspend, resume or end a post")
def worker_status(request, worker_id: PathId, payload: WorkforceStatusIn):
    w = selectors.worker_get(user=request.user, pk=worker_id)
    return services.worker_status_set(actor=request.user, worker=w, status=payload.status, reason=payload.reason)


@router.post("/workers/{worker_id}/post", response=WorkerOut, summary="Change of post")
def worker_post(request, worker_id: PathId, payload: WorkforcePostIn):
    w = selectors.worker_get(user=request.user, pk=worker_id)
    services.worker_post_change(actor=request.user, worker=w, post=payload.post, effective_on=payload.effective_on)
    return selectors.worker_get(user=request.user, pk=worker_id)


@router.post("/workers/{worker_id}/attendance", response=WorkforceAttendanceOut, summary="Enter a month's attendance")
def attendance(request, worker_id: PathId, payload: AttendanceIn):
    w = selectors.worker_get(user=request.user, pk=worker_id)
    return services.attendance_set(actor=request.user, worker=w, month=payload.month,
                                   days_required=payload.days_required, days_present=payload.days_present)


# ---------------------------------------------------------------- evaluations
@router.get("/evaluations/due", response=list[WorkerRow], summary="Workers due for evaluation")
def evaluations_due(request, unit: str | None = None, year: Year | None = None,
                    page: Query[Page.sized(200, 1000)] = None):
    target = unit_or_top(user=request.user, code=unit)
    selectors.require_view(request.user, target)
    qs = selectors.evaluations_due(user=request.user, unit=target, year=year_or_this(year))
    return list(page.slice(qs))


@router.post("/evaluations", response={201: EvaluationOut}, summary="Evaluate a worker for a year (street)")
def evaluation_create(request, payload: EvaluationIn):
    w = selectors.worker_get(user=request.user, pk=payload.worker_id)
    evaluation = services.evaluation_record(actor=request.user, worker=w, year=payload.year, scores=payload.scores,
                                            community_opinion=payload.community_opinion)
    return Status(201, evaluation)


@router.post("/evaluations/{evaluation_id}/appeal", response=EvaluationOut, summary="Appeal an evaluation")
def evaluation_appeal(request, evaluation_id: PathId, payload: AppealIn):
    evaluation = selectors.evaluation_get(user=request.user, pk=evaluation_id)
    return services.evaluation_appeal(actor=request.user, evaluation=evaluation, reason=payload.reason)


@router.post("/evaluations/{evaluation_id}/decide", response=EvaluationOut, summary="Decide an appeal (county)")
def evaluation_decide(request, evaluation_id: PathId, payload: DecideIn):
    evaluation = selectors.evaluation_get(user=request.user, pk=evaluation_id)
    return services.evaluation_decide(actor=request.user, evaluation=evaluation, revise=payload.revise,
                                      note=payload.note, scores=payload.scores)


# ---------------------------------------------------------------- pay
@router.put("/grade-scales/{code}", response=GradeScaleOut, summary="Set a county's grade scale (bands, "
                                                                   "years per grade, education credit)")
def grade_scale(request, code: str, payload: GradeScaleIn):
    county = unit_get(user=request.user, code=code)
    return services.grade_scale_set(actor=request.user, county=county, **payload.dict())


@router.post("/pay-tables", response=PayTableOut, summary="Set a county's pay table for a year")
def pay_table(request, payload: PayTableIn):
    county = unit_get(user=request.user, code=payload.county)
    return services.pay_table_set(actor=request.user, county=county, year=payload.year,
                                  base_amount=payload.base_amount, coefficients=payload.coefficients)


@router.get("/payrolls", response=list[RunRow], summary="Monthly payroll runs under a unit")
def payrolls(request, unit: str | None = None, year: Year | None = None, page: Query[Page.sized(100, 500)] = None):
    target = unit_or_top(user=request.user, code=unit)
    selectors.require_view(request.user, target)
    qs = selectors.runs_in(user=request.user, unit=target, year=year)
    return list(page.slice(qs))


@router.post("/payrolls", response={201: RunRow}, summary="Prepare a street's monthly payroll")
def payroll_prepare(request, payload: PrepareIn):
    street = unit_get(user=request.user, code=payload.street)
    run = services.payroll_prepare(actor=request.user, street=street, month=payload.month)
    return Status(201, selectors.run_get(user=request.user, pk=run.pk))


@router.get("/payrolls/{run_id}", response=RunOut, summary="A payroll run with its lines")
def payroll(request, run_id: PathId):
    return selectors.run_get(user=request.user, pk=run_id)


@router.post("/payrolls/{run_id}/approve", response=RunRow, summary="Approve a payroll (county)")
def payroll_approve(request, run_id: PathId):
    run = selectors.run_get(user=request.user, pk=run_id)
    return services.payroll_approve(actor=request.user, run=run)


# ---------------------------------------------------------------- statistics
@router.get("/statistics", summary="Workforce statistics of a unit for a year")
def statistics(request, unit: str | None = None, year: Year | None = None) -> dict:
    target = unit_or_top(user=request.user, code=unit)
    selectors.require_view(request.user, target)
    year = year_or_this(year)
    if not 2000 <= year <= timezone.localdate().year:
        raise ValidationFailed(_("The year lies between 2000 and this year."), field="year")
    return stats.statistics(target, year, today=timezone.localdate())


# ---------------------------------------------------------------- street configuration and powers
@router.get("/streets", response=list[StreetOut], summary="Street configuration checklist under a unit")
def streets(request, unit: str | None = None):
    target = unit_or_top(user=request.user, code=unit)
    out = []
    for entry in selectors.street_checklist(user=request.user, unit=target):
        out.append({"code": entry["street"].code, "name": entry["street"].name,
                    "county": entry["street"].parent.code, "complete": entry["complete"],
                    "missing": [e["item"] for e in entry["missing"]], "powers": entry["powers"],
                    "items": [{"item": e["item"], "present": e["present"],
                               "head": e["row"].head if e["row"] else "",
                               "staffing": e["row"].staffing if e["row"] else 0} for e in entry["items"]]})
    return out


@router.put("/streets/{code}/config/{item}", response=ConfigItemOut, summary="Set one item of a street's "
                                                                             "configuration")
def street_config(request, code: str, item: str, payload: ConfigIn):
    street = unit_get(user=request.user, code=code)
    return services.street_config_set(actor=request.user, street=street, item=item, present=payload.present,
                                      head=payload.head, staffing=payload.staffing)


def _power_out(power, grants):
    return {"id": power.pk, "owner_code": power.owner.code, "name": power.name, "legal_basis": power.legal_basis,
            "department": power.department,
            "grants": [{"street_code": g.street.code, "granted_on": g.granted_on, "document": g.document}
                       for g in grants]}


@router.get("/powers", response=list[PowerOut], summary="Devolved powers catalogue and grants")
def powers(request, unit: str | None = None):
    target = unit_or_top(user=request.user, code=unit)
    return [_power_out(p, g) for p, g in selectors.powers_in(user=request.user, unit=target)]


@router.post("/powers", response={201: PowerOut}, summary="Add a power to a catalogue")
def power_create(request, payload: PowerIn):
    owner = unit_get(user=request.user, code=payload.owner)
    power = services.power_create(actor=request.user, owner=owner, name=payload.name,
                                  legal_basis=payload.legal_basis, department=payload.department)
    return Status(201, _power_out(power, []))


@router.post("/powers/{power_id}/grants", response={201: WorkforceGrantOut}, summary="Devolve a power to a street")
def power_grant(request, power_id: PathId, payload: GrantIn):
    power = selectors.power_get(user=request.user, pk=power_id)
    street = unit_get(user=request.user, code=payload.street)
    grant = services.power_grant(actor=request.user, power=power, street=street, granted_on=payload.granted_on,
                                 document=payload.document)
    return Status(201, {"street_code": street.code, "granted_on": grant.granted_on, "document": grant.document})
