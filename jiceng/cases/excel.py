"""Cases from Excel (B1 bulk intake, H5): all or nothing. Columns: 类别代码 category, 描述 description,
纬度 lat, 经度 lng, 地址 address, 来源 source, 上报人 reporter name, 电话 phone. A row needs a
location (a point or a known address) that lies in the importer's area, where the importer may write."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiceng.cases import services
from jiceng.cases.models import Case, Source, Status
from jiceng.cases.states import Level
from jiceng.core.errors import NotFound, ServiceError, ValidationFailed
from jiceng.core.excel import Choice, Column, DateTime, Registry, RowErrors, Table, read_rows, require_columns
from jiceng.core.notify import encrypt_contact
from jiceng.core.pii import mask_phone, validate_phone
from jiceng.core.scope import scope_filter, subtree_q, user_can
from jiceng.orgs.excel import scope_unit

COLUMNS = {
    "category": ("类别代码", "类别", "category", "category code"),
    "description": ("描述", "问题描述", "description"),
    "lat": ("纬度", "lat", "latitude"),
    "lng": ("经度", "lng", "longitude"),
    "address": ("地址", "address"),
    "source": ("来源", "source"),
    "reporter_name": ("上报人", "reporter", "reporter name"),
    "reporter_phone": ("电话", "phone", "reporter phone"),
}
SOURCE_BY_LABEL = {**{s: s for s in Source.values}, **{str(label): value for value, label in Source.choices},
                   "热线": "hotline", "巡查": "patrol", "手机": "phone", "接口": "api"}
MAX_IMPORT_ROWS = 5000
COLUMN_LABEL = {"category": "类别代码", "description": "描述", "lat": "纬度", "lng": "经度", "address": "地址",
                "source": "来源", "reporter_name": "上报人", "reporter_phone": "电话", "phone": "电话", "photos": "描述"}


def _number(value):
    if value in (None, ""):
        return None
    return float(value)


def cases_import(*, actor, upload) -> int:
    """Validate every row first (category, description, location inside the importer's writable area,
    phone); any problem rejects the whole file with every bad row named. Then write all rows in one
    transaction: cases at their grid or their category's level, timeline, rollup, one audit event."""
    rows, present = read_rows(upload, COLUMNS)
    require_columns(present, {"category": "类别代码", "description": "描述"})
    errors = RowErrors()
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValidationFailed(_("At most %(n)d cases per file.") % {"n": MAX_IMPORT_ROWS}, code="too_many_rows")
    if not rows:
        errors.add(2, "描述", _("The sheet has no data rows."))
    now = timezone.now()
    cases = []
    for number, row in rows:
        try:
            category = services.category_for(str(row.get("category") or ""))
            description = str(row.get("description") or "").strip()
            if not description:
                raise ValidationFailed(_("Describe the problem."), field="description")
            if len(description) > services.MAX_DESCRIPTION:
                raise ValidationFailed(_("A description has at most %(n)d characters.")
                                       % {"n": services.MAX_DESCRIPTION}, field="description")
            source = SOURCE_BY_LABEL.get(str(row.get("source") or "hotline").strip())
            if source is None:
                raise ValidationFailed(_("Unknown source."), field="source")
            try:
                lat, lng = _number(row.get("lat")), _number(row.get("lng"))
            except (TypeError, ValueError):
                raise ValidationFailed(_("Latitude and longitude are numbers."), field="lat") from None
            address = str(row.get("address") or "").strip()
            if len(address) > 200:
                raise ValidationFailed(_("An address has at most 200 characters."), field="address")
            grid, chain, wlat, wlng = services.locate(lat=lat, lng=lng, address=address)
            if not user_can(actor, grid.path, "write"):
                raise ValidationFailed(_("This location is outside your area, or your role may not report there."),
                                       field="lat")
            raw_phone = str(row.get("reporter_phone") or "").strip()
            phone = validate_phone(raw_phone) if raw_phone else ""
        except (ServiceError, NotFound) as exc:
            errors.add(number, COLUMN_LABEL.get(getattr(exc, "field", "") or "", "描述"), getattr(exc, "message", exc))
            continue
        handler = services._handler_for_level(chain, category.default_level)
        case = Case(
            code=services.new_case_code(), category=category, status=Status.RECEIVED, source=source,
            description=description, address=address, lat=wlat, lng=wlng, grid=grid, unit_path=grid.path,
            handler=handler, handler_path=handler.path, level=handler.kind,
            reporter_name=str(row.get("reporter_name") or "").strip()[:60],
            reporter_phone_enc=encrypt_contact(phone), reporter_phone_masked=mask_phone(phone), received_at=now)
        services._set_deadline(case, now, category)
        cases.append(case)
    errors.raise_if_any()
    return services.cases_bulk_create(cases=cases, note="excel import", actor=actor)


# --- H5: the case registry's export through core's one table (/excel/cases/export) -----------------------

def _cases(user, unit):
    return (scope_filter(Case.objects.filter(subtree_q(unit.path, "unit_path")), user, "unit_path")
            .select_related("category", "grid").only(
                "code", "category__code", "category__name", "source", "status", "level", "description", "address",
                "grid__code", "grid__name", "received_at", "deadline_at", "closed_at")
            .order_by("received_at", "id"))


CASES = Table([
    Column("code", "编号"),
    Column("category", "类别代码", get="category.code"),
    Column("category_name", "类别", get="category.name"),
    Column("source", "来源", Choice(Source)),
    Column("status", "状态", Choice(Status)),
    Column("level", "办理层级", Choice(Level)),
    Column("description", "描述"),
    Column("address", "地址"),
    Column("grid", "网格代码", get="grid.code"),
    Column("grid_name", "网格", get="grid.name"),
    Column("received_at", "受理时间", DateTime()),
    Column("deadline_at", "办理时限", DateTime()),
    Column("closed_at", "办结时间", DateTime()),
], title="诉求案件")

REGISTRIES = [
    Registry("cases", gettext_lazy("Cases"), CASES, scope=scope_unit, rows=_cases,
             list_url=lambda unit: reverse("cases:queue")),
]
