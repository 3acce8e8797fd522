"""Cases over REST: intake (with Idempotency-Key; throttled per user and per reporter number), lists,
workflow actions, whistle, merge, measures, Open311 keys, and the reporter's follow/rate endpoints (no
account: the case code reads the status, the follow secret given at intake rates)."""

import datetime
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from jiceng.cases import measures, selectors, services
from jiceng.cases.deadlines import due_state
from jiceng.cases.excel import cases_import as do_import
from jiceng.core.errors import NotFound, ValidationFailed
from jiceng.core.fields import Bool, Day, Hours, Id, Int, Latitude, Longitude, PathId, Text, Version
from jiceng.core.pagination import Page
from jiceng.core.schemas import related
from jiceng.core.scope import scope_filter
from jiceng.orgs.selectors import unit_get, unit_top_for

router = Router(tags=["cases"])
PREFIX = "/"


class CategoryOut(Schema):
    code: str
    name: str
    group: str
    parent: str
    default_level: str
    deadline_hours: int
    deadline_kind: str
    business_line: str

    resolve_parent = related("parent.name")


class CaseIn(Schema):
    category: Text(16, 1)
    description: Text(services.MAX_DESCRIPTION, 1)
    lat: Latitude | None = None
    lng: Longitude | None = None
    crs: Text(20) = "wgs84"
    address: Text(200) = ""
    source: Text(16) = "api"
    anonymous: Bool = False
    reporter_name: Text(60) = ""
    reporter_phone: Text(20) = ""


class CaseOut(Schema):
    code: str
    category: str
    category_name: str
    status: str
    version: int
    level: str
    grid: str
    handler: str
    description: str
    address: str
    lat: float | None
    lng: float | None
    received_at: datetime.datetime
    deadline_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    overdue: bool  # missed a deadline at least once
    due: str  # the one deadline rule now: ok, soon, overdue, paused, done, none
    overdue_minutes: int | None  # by how much it is overdue now (None unless due is "overdue")
    department: int | None  # the department it was dispatched to
    rating: str
    pending_action: str
    reporter_phone: str

    resolve_category = related("category.code")
    resolve_category_name = related("category.name")
    resolve_grid = related("grid.code")
    resolve_handler = related("handler.code")
    resolve_reporter_phone = related("reporter_phone_masked")

    @staticmethod
    def resolve_due(obj):
        return due_state(obj, timezone.now()).state

    @staticmethod
    def resolve_overdue_minutes(obj):
        return due_state(obj, timezone.now()).overdue_minutes

    @staticmethod
    def resolve_department(obj):
        return obj.department_id


class CasePage(Schema):
    count: int
    items: list[CaseOut]


class ActionIn(Schema):
    action: Text(24, 1)
    version: Version
    comment: Text(2000) = ""
    hours: Hours = 0
    to_unit: Text(40) = ""  # dispatch: the code of a unit below the handler, on the way to the grid
    to_department: Id | None = None  # dispatch: a department serving the area


class WhistleIn(Schema):
    departments: list[Id] = Field(min_length=1, max_length=50)
    version: Version
    report_in_hours: Annotated[Int, Field(ge=1, le=24 * 30)] = 24
    comment: Text(2000) = ""


class ReportInIn(Schema):
    part: Text(2000, 1)


class MergeIn(Schema):
    into: Text(16, 1)
    version: Version


class EventOut(Schema):
    at: datetime.datetime
    action: str
    action_label: str
    from_status: str
    to_status: str
    actor_label: str
    comment: str


class PublicEventOut(Schema):
    """A public timeline step: who acted by role and unit, never a username; no comment."""

    at: datetime.datetime
    action: str
    action_label: str
    to_status: str
    actor: str

    resolve_actor = related("actor_label")


class PublicCaseOut(Schema):
    code: str
    category_name: str
    status: str
    received_at: datetime.datetime
    closed_at: datetime.datetime | None
    rating: str
    timeline: list[PublicEventOut]


class RatingIn(Schema):
    rating: Text(16, 1)
    secret: Text(40) = Field(..., description="The follow secret given at intake")
    comment: Text(500) = ""


class Open311KeyIn(Schema):
    name: Text(80, 1)
    unit: Text(40, 1) = Field(..., description="Code of the jurisdiction unit")


class Open311KeyOut(Schema):
    id: int
    name: str
    unit: str
    prefix: str
    active: bool
    created_at: datetime.datetime
    revoked_at: datetime.datetime | None

    resolve_unit = related("unit.code")


class Open311KeyCreated(Open311KeyOut):
    key: str = Field(..., description="The api_key, shown this once")


class MeasuresOut(Schema):
    unit: str
    start: datetime.date
    end: datetime.date
    measures: dict
    departments: list[dict]


class CardOut(Schema):
    id: int
    case: str
    unit: str
    raised_at: datetime.datetime
    deadline_was: datetime.datetime

    resolve_case = related("case.code")
    resolve_unit = related("unit.code")


@router.get("/case-categories", response=list[CategoryOut], summary="Case categories (leaves of the tree)")
def categories(request):
    return list(selectors.categories_leaves())


@router.post("/cases", response={200: CaseOut, 201: CaseOut},
             summary="Report a case; an Idempotency-Key header makes retries return the first case")
def case_create(request, payload: CaseIn):
    if payload.source not in ("api", "patrol", "hotline"):
        raise ValidationFailed(_("The source is one of api, patrol, hotline."), field="source")
    key = request.headers.get("Idempotency-Key")
    case, created = services.case_submit(
        actor=request.user, category=services.category_for(payload.category), description=payload.description,
        source=payload.source, lat=payload.lat, lng=payload.lng, crs=payload.crs, address=payload.address,
        anonymous=payload.anonymous, reporter_name=payload.reporter_name, reporter_phone=payload.reporter_phone,
        idempotency_key=f"api:{request.user.pk}:{key}" if key else None)
    case = selectors.Case.objects.select_related("category", "grid", "handler").get(pk=case.pk) \
        if not created else case
    return Status(201 if created else 200, case)


class ImportOut(Schema):
    created: int


@router.post("/cases/import", response={201: ImportOut},
             summary="Import cases from Excel (类别代码, 描述, 纬度, 经度, 地址, 来源, 上报人, 电话); all or nothing "
                     "with row errors")
def cases_import(request, file: UploadedFile = File(...)):
    return Status(201, {"created": do_import(actor=request.user, upload=file)})


@router.get("/cases", response=CasePage, summary="Cases in the caller's area, newest first")
def case_list(request, unit: str | None = None, status: str | None = None, level: str | None = None,
              category: str | None = None, open: bool = False,  # noqa: A002
              page: Query[Page.sized(50, 500)] = None):
    scope_unit = unit_get(user=request.user, code=unit) if unit else None
    qs = selectors.cases_in_scope(user=request.user, unit=scope_unit, status=status, level=level,
                                  category=category, open_only=open)
    return {"count": qs.count(), "items": list(page.slice(qs))}


@router.get("/cases/{code}", response=CaseOut, summary="One case")
def case_detail(request, code: str):
    return selectors.case_get(user=request.user, code=code)


@router.get("/cases/{code}/timeline", response=list[EventOut], summary="A case's timeline")
def case_timeline(request, code: str):
    return list(selectors.case_timeline(selectors.case_get(user=request.user, code=code)))


@router.post("/cases/{code}/actions", response=CaseOut,
             summary="Take a workflow action; a stale version gets 409")
def case_action(request, code: str, payload: ActionIn):
    case = selectors.case_get(user=request.user, code=code)
    unit, dept = selectors.dispatch_target(case, to_unit=payload.to_unit, to_department=payload.to_department)
    case = services.case_act(actor=request.user, case=case, action=payload.action, version=payload.version,
                             comment=payload.comment, hours=payload.hours, to_unit=unit, to_department=dept)
    return selectors.case_get(user=request.user, code=case.code)


@router.post("/cases/{code}/actions/with-photos", response=CaseOut,
             summary="Take a workflow action with photos (multipart form: action, version, comment, hours, photos)")
def case_action_with_photos(request, code: str, action: str = Form(..., min_length=1, max_length=24),
                            version: int = Form(..., ge=0, le=2**31 - 1), comment: str = Form("", max_length=2000),
                            hours: int = Form(0, ge=0, le=24 * 366), photos: File[list[UploadedFile]] = None):
    case = selectors.case_get(user=request.user, code=code)
    case = services.case_act(actor=request.user, case=case, action=action, version=version, comment=comment,
                             hours=hours, photos=photos or [])
    return selectors.case_get(user=request.user, code=case.code)


@router.post("/cases/{code}/whistle", response=CaseOut, summary="Blow the whistle to departments (street up)")
def case_whistle(request, code: str, payload: WhistleIn):
    case = selectors.case_get(user=request.user, code=code)
    depts = selectors.departments_for_case(case, payload.departments)
    if len(depts) != len(set(payload.departments)):
        raise ValidationFailed(_("Unknown department."), field="departments")
    services.case_whistle(actor=request.user, case=case, departments=depts, version=payload.version,
                          comment=payload.comment, report_in_hours=payload.report_in_hours)
    return selectors.case_get(user=request.user, code=code)


@router.post("/whistles/{whistle_id}/report-in", summary="A department reports in and records its part")
def whistle_report_in(request, whistle_id: PathId, payload: ReportInIn):
    w = selectors.whistle_get(user=request.user, pk=whistle_id)
    w = services.whistle_report_in(actor=request.user, whistle=w, part=payload.part)
    return {"id": w.pk, "reported_in_at": w.reported_in_at, "on_time": w.handled_on_time}


@router.post("/cases/{code}/merge", response=CaseOut, summary="Merge a duplicate into another open case")
def case_merge(request, code: str, payload: MergeIn):
    case = selectors.case_get(user=request.user, code=code)
    into = selectors.case_get(user=request.user, code=payload.into)
    services.case_merge(actor=request.user, case=case, into=into, version=payload.version)
    return selectors.case_get(user=request.user, code=code)


@router.get("/cases/{code}/duplicates", response=list[CaseOut],
            summary="Open cases of the same category within 100 m and 72 h")
def case_duplicates(request, code: str):
    case = selectors.case_get(user=request.user, code=code)
    if case.lat is None:
        return []
    found = services.case_duplicates(category=case.category, lat=case.lat, lng=case.lng, exclude_pk=case.pk)
    allowed = set(scope_filter(selectors.Case.objects.filter(pk__in=[c.pk for c in found]), request.user,
                               "unit_path").values_list("pk", flat=True))
    return [c for c in found if c.pk in allowed]


@router.get("/case-measures", response=MeasuresOut, summary="Case measures for a unit and period (B9)")
def case_measures(request, unit: str | None = None, start: Day | None = None, end: Day | None = None):
    target = unit_get(user=request.user, code=unit) if unit else unit_top_for(request.user)
    if target is None:
        raise NotFound()
    today = timezone.localdate()
    start = start or datetime.date(today.year, 1, 1)
    end = end or today
    if end < start:
        raise ValidationFailed(_("The period ends before it starts."), field="end")
    return {"unit": target.code, "start": start, "end": end,
            "measures": measures.unit_measures(target, start, end).as_dict(),
            "departments": measures.department_evaluation(target, start, end)}


@router.get("/case-supervision", response=list[CardOut], summary="Open supervision cards held in the caller's area")
def supervision(request):
    return list(selectors.supervision_board(user=request.user)[:500])


@router.get("/public/cases/{code}", response=PublicCaseOut, auth=None,
            summary="Follow a case by its code (no account needed)")
def public_case(request, code: str):
    case = services.case_get_by_code_public(code)
    return {"code": case.code, "category_name": case.category.name, "status": case.status,
            "received_at": case.received_at, "closed_at": case.closed_at, "rating": case.rating,
            "timeline": list(selectors.case_timeline(case, public_only=True))}


@router.post("/public/cases/{code}/rating", response=PublicCaseOut, auth=None,
             summary="Rate a closed case; 'not' reopens it once for review by the level above")
def public_rate(request, code: str, payload: RatingIn):
    case = services.case_get_by_code_public(code)
    services.case_rate(case=case, rating=payload.rating, secret=payload.secret, comment=payload.comment)
    return public_case(request, code)


@router.get("/open311-keys", response=list[Open311KeyOut],
            summary="Open311 api_keys in the caller's area (managers of users only)")
def open311_keys(request):
    return list(selectors.open311_keys_for(user=request.user)[:500])


@router.post("/open311-keys", response={201: Open311KeyCreated},
             summary="Make an Open311 api_key for a jurisdiction unit; the key is shown in this answer only")
def open311_key_create(request, payload: Open311KeyIn):
    unit = unit_get(user=request.user, code=payload.unit)
    row, plain = services.open311_key_create(actor=request.user, name=payload.name, unit=unit)
    row.key = plain
    return Status(201, row)


@router.post("/open311-keys/{key_id}/revoke", response=Open311KeyOut, summary="Revoke an Open311 api_key")
def open311_key_revoke(request, key_id: PathId):
    return services.open311_key_revoke(actor=request.user, key=selectors.open311_key_get(user=request.user,
                                                                                             pk=key_id))
