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
from jiceng.core.excel import Choice, Column, DateTime, Number, Registry, Table, Text
from jiceng.core.notify import encrypt_contact
from jiceng.core.pii import mask_phone, validate_phone
from jiceng.core.scope import scope_filter, subtree_q, user_can
from jiceng.orgs.excel import scope_unit

# The intake sheet on core's one table: cells are read and checked by the columns (numbers, a source by
# value or label, lengths); the service's checks of the clean rows (category, location inside the
# importer's area, phone) are added to the same list, and the file is refused whole with every problem.
SOURCE_ALIASES = {"热线": "hotline", "巡查": "patrol", "手机": "phone", "接口": "api"}
INTAKE = Table([
    Column("category", "类别代码", Text(16), required=True, aliases=("类别", "category", "category code")),
    Column("description", "描述", Text(services.MAX_DESCRIPTION), required=True, aliases=("问题描述", "description")),
    Column("lat", "纬度", Number(-90, 90), aliases=("lat", "latitude")),
    Column("lng", "经度", Number(-180, 180), aliases=("lng", "longitude")),
    Column("address", "地址", Text(200), default="", aliases=("address",)),
    Column("source", "来源", Choice(Source, extra=SOURCE_ALIASES), default="hotline", aliases=("source",)),
    Column("reporter_name", "上报人", Text(60), default="", aliases=("reporter", "reporter name")),
    Column("reporter_phone", "电话", Text(20), default="", aliases=("phone", "reporter phone")),
], title="诉求案件导入")
COLUMN_LABEL = {"category": "类别代码", "description": "描述", "lat": "纬度", "lng": "经度", "address": "地址",
                "source": "来源", "reporter_name": "上报人", "reporter_phone": "电话", "phone": "电话", "photos": "描述"}


def cases_import(*, actor, upload) -> int:
    """Validate every row first (category, description, location inside the importer's writable area,
    phone); any problem rejects the whole file with every bad row named. Then write all rows in one
    transaction: cases at their grid or their category's level, timeline, rollup, one audit event."""
    rows, errors = INTAKE.read(upload)
    now = timezone.now()
    cases = []
    for number, row in rows:
        try:
            category = services.category_for(row["category"])
            description = row["description"]
            lat, lng, address = row["lat"], row["lng"], row["address"]
            grid, chain, wlat, wlng = services.locate(lat=lat, lng=lng, address=address)
            if not user_can(actor, grid.path, "write"):
                raise ValidationFailed(_("This location is outside your area, or your role may not report there."),
                                       field="lat")
            phone = validate_phone(row["reporter_phone"]) if row["reporter_phone"] else ""
        except (ServiceError, NotFound) as exc:
            errors.add(number, COLUMN_LABEL.get(getattr(exc, "field", "") or "", "描述"), getattr(exc, "message", exc))
            continue
        handler = services._handler_for_level(chain, category.default_level)
        case = Case(
            code=services.new_case_code(), category=category, status=Status.RECEIVED, source=row["source"],
            description=description, address=address, lat=wlat, lng=wlng, grid=grid, unit_path=grid.path,
            handler=handler, handler_path=handler.path, level=handler.kind, reporter_name=row["reporter_name"],
            reporter_phone_enc=encrypt_contact(phone), reporter_phone_masked=mask_phone(phone), received_at=now)
        services._set_deadline(case, now, category)
        cases.append(case)
    errors.errors.sort(key=lambda e: e["row"])  # the sheet's problems and the service's, in the sheet's order
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
