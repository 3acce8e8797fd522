"""The registry from and to Excel, all or nothing (jiceng.core.excel). Columns: 名称, 类型, 统一社会信用代码,
地址, 纬度, 经度, 坐标系, 从业人员, 党员人数, 党组织覆盖, 所在党组织, 建立时间, 党的工作覆盖, 党建指导员或联络员
(所属网格 on export only: the place routes an imported row to its grid, like a case)."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiceng.core.errors import NotFound, ValidationFailed
from jiceng.core.excel import Boolean, Choice, Column, Date, Integer, Number, Registry, Table, Text
from jiceng.core.scope import scope_filter, subtree_q, user_can
from jiceng.neworgs.models import NewOrg
from jiceng.neworgs.services import neworgs_bulk_create
from jiceng.orgs.excel import scope_unit
from jiceng.orgs.models import Unit

KIND_LABELS = {"small_micro": "小微企业", "individual": "个体工商户", "commercial_building": "商务楼宇",
               "business_district": "商圈市场", "courier_station": "快递物流站点", "enterprise_outlet": "企业网点",
               "social_org": "社会组织"}
ORG_LABELS = {"none": "未建", "own": "单独组建", "joint": "联合党支部", "grid": "网格兜底"}
WORK_LABELS = {"none": "无", "instructor": "党建指导员", "liaison": "党建联络员"}
CRS_LABELS = {"wgs84": "WGS-84", "gcj02": "GCJ-02", "bd09": "BD-09"}

# One Table for the import, the export and /excel/neworgs/…; the grid and the gap are written only (the
# place routes an imported row to its grid, like a case).
NEWORGS = Table([
    Column("name", "名称", Text(120), required=True),
    Column("kind", "类型", Choice(list(KIND_LABELS.items())), required=True),
    Column("credit_code", "统一社会信用代码", Text(18), required=True),
    Column("address", "地址", Text(200), default=""),
    Column("lat", "纬度", Number(-90, 90)),
    Column("lng", "经度", Number(-180, 180)),
    Column("crs", "坐标系", Choice(list(CRS_LABELS.items())), default="wgs84", get=lambda o: "wgs84"),
    Column("employees", "从业人员", Integer(0, 10_000_000), default=0),
    Column("party_members", "党员人数", Integer(0, 10_000_000), default=0),
    Column("org_coverage", "党组织覆盖", Choice(list(ORG_LABELS.items())), default="none"),
    Column("branch_name", "所在党组织", Text(120), default=""),
    Column("branch_since", "建立时间", Date()),
    Column("work_coverage", "党的工作覆盖", Choice(list(WORK_LABELS.items())), default="none"),
    Column("work_contact", "党建指导员或联络员", Text(60), default=""),
    Column("grid_code", "所属网格代码", get="grid.code", export_only=True),
    Column("grid_name", "所属网格", get="grid.name", export_only=True),
    Column("gap", "应建未建", Boolean(), export_only=True),
], title="两新组织")


def neworgs_import(*, actor, upload, within: Unit | None = None) -> int:
    """Register the organizations of a sheet, all or nothing: the sheet's problems (by row and column) and the
    service's (credit codes, places, coverage) are listed together; with `within` (the unit of
    /excel/neworgs/import?unit=) every organization must land in its subtree."""
    rows, errors = NEWORGS.read(upload)
    prepared = [{"_row": number, **row} for number, row in rows]
    if not prepared:
        errors.raise_if_any()
    try:
        with transaction.atomic():
            objs = neworgs_bulk_create(actor=actor, rows=prepared, note="excel import", errors=errors)
            outside = [p["_row"] for p, o in zip(prepared, objs, strict=True)
                       if within is not None and not o.unit_path.startswith(within.path)]
            if outside:
                raise ValidationFailed(_("Row %(row)d lies outside %(unit)s.") % {"row": outside[0], "unit": within.name},
                                       field="lat", errors=[{"row": n, "column": "lat",
                                                             "message": _("Outside %(unit)s.") % {"unit": within.name}}
                                                            for n in outside])
    except ValidationFailed as exc:
        for e in exc.errors:  # the service's row errors name fields: name the Excel column instead
            e["column"] = NEWORGS.header(e["column"]) or e["column"]
        raise
    return len(objs)


def _neworgs(user, unit: Unit):
    return (scope_filter(NewOrg.objects.filter(subtree_q(unit.path, "unit_path")), user, "unit_path")
            .select_related("grid").order_by("unit_path", "id").iterator(chunk_size=2000))


def neworgs_export(*, user, unit: Unit) -> bytes:
    if not user_can(user, unit.path, "read"):
        raise NotFound()
    return NEWORGS.export(_neworgs(user, unit), title=unit.name)


REGISTRIES = [
    Registry("neworgs", gettext_lazy("New organizations"), NEWORGS, scope=scope_unit, rows=_neworgs,
             importer=lambda actor, unit, upload: neworgs_import(actor=actor, upload=upload, within=unit)),
]
