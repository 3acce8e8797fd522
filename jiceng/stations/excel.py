"""Service positions from and to Excel, all or nothing. Columns: 级别 level, 所属单位代码 unit, 名称 name,
纬度 lat, 经度 lng, 坐标系 crs (WGS-84 / GCJ-02 / BD-09), 地址 address, 设施 amenities (names or codes,
separated by 、 or ,), 周一…周日 and 节假日 hours ("08:00-12:00,14:00-18:00"), 服务内容, 联系人, 联系电话, 状态."""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiceng.core.errors import NotFound, ValidationFailed
from jiceng.core.excel import Choice, Column, Number, Registry, Table, Text
from jiceng.core.scope import scope_filter, subtree_q, user_can
from jiceng.orgs.excel import scope_unit
from jiceng.orgs.models import Unit
from jiceng.stations import hours as hours_mod
from jiceng.stations.models import Amenity, OpeningHours, ServicePosition
from jiceng.stations.services import positions_bulk_create

DAY_HEADERS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日", "节假日"]
LEVEL_LABELS = {"city": "市级中心", "county": "县级中心", "street": "街道中心", "community": "社区中心", "station": "小区驿站"}
STATE_LABELS = {"open": "开放", "construction": "在建", "closed": "关闭"}
CRS_LABELS = {"wgs84": "WGS-84", "gcj02": "GCJ-02", "bd09": "BD-09"}

# One Table for the import, the export and /excel/positions/…: amenities by name or code (separated by 、 or
# ,), each day's hours as "08:00-12:00,14:00-18:00".
POSITIONS = Table([
    Column("level", "级别", Choice(list(LEVEL_LABELS.items()), extra={"驿站": "station"}), required=True),
    Column("unit", "所属单位代码", Text(32), required=True, get="unit.code"),
    Column("name", "名称", Text(120), required=True),
    Column("lat", "纬度", Number(-90, 90), required=True),
    Column("lng", "经度", Number(-180, 180), required=True),
    Column("crs", "坐标系", Choice(list(CRS_LABELS.items())), default="wgs84", get=lambda p: "wgs84"),
    Column("address", "地址", Text(200), required=True),
    Column("amenities", "设施", Text(1000), default="", get=lambda p: "、".join(a.name for a in p.amenities.all())),
    *[Column(f"day{i}", h, Text(200), default="", get=lambda p, i=i: p.hours_text[i])
      for i, h in enumerate(DAY_HEADERS)],
    Column("services", "服务内容", Text(5000), default=""),
    Column("contact_name", "联系人", Text(60), default=""),
    Column("contact_phone", "联系电话", Text(20), default=""),
    Column("state", "状态", Choice(list(STATE_LABELS.items())), default="open"),
], title="服务阵地")
SERVICE_COLUMN = {"hours": "周一…节假日"}


def positions_import(*, actor, upload, within: Unit | None = None) -> int:
    """Create the positions of a sheet, all or nothing: the sheet's problems (by row and column) and the
    service's (place in the city, level and unit, hours) are listed together; with `within` (the unit of
    /excel/positions/import?unit=) every row's unit lies in its subtree."""
    rows, errors = POSITIONS.read(upload)
    units = {u.code: u for u in Unit.objects.filter(code__in={r["unit"] for _n, r in rows})}
    amenity_by_name = {}
    for a in Amenity.objects.filter(active=True):
        amenity_by_name[a.code] = a.code
        amenity_by_name[a.name] = a.code
    prepared = []
    for number, row in rows:
        unit = units.get(row["unit"])
        if unit is None or not user_can(actor, unit.path, "read") or (
                within is not None and not unit.path.startswith(within.path)):
            errors.add(number, POSITIONS.header("unit"), _("No unit with the code %(code)s in your area.")
                       % {"code": row["unit"][:30]})
            continue
        names = [n for n in re.split(r"[、,，;；\s]+", row["amenities"] or "") if n]
        bad = [n for n in names if n not in amenity_by_name]
        if bad:
            errors.add(number, POSITIONS.header("amenities"), _("Unknown amenity “%(code)s”.") % {"code": bad[0][:40]})
            continue
        prepared.append({**{k: v for k, v in row.items() if not k.startswith("day")}, "_row": number, "unit": unit,
                         "amenities": [amenity_by_name[n] for n in names],
                         "hours": {i: row[f"day{i}"] or "" for i in range(8)}})
    if not prepared:
        errors.raise_if_any()
    try:
        return len(positions_bulk_create(actor=actor, rows=prepared, note="excel import", errors=errors))
    except ValidationFailed as exc:
        for e in exc.errors:  # the service's own row errors: name the Excel column
            e["column"] = SERVICE_COLUMN.get(e["column"]) or POSITIONS.header(e["column"]) or e["column"]
        raise


def _positions(user, unit: Unit):
    qs = list(scope_filter(ServicePosition.objects.filter(subtree_q(unit.path, "unit_path")), user, "unit_path")
              .select_related("unit").prefetch_related("amenities").order_by("level", "unit_path", "id"))
    hours: dict[int, dict[int, list]] = {}
    for pid, day, o, c in OpeningHours.objects.filter(position__in=qs).values_list("position_id", "day", "opens",
                                                                                   "closes"):
        hours.setdefault(pid, {}).setdefault(day, []).append((o, c))
    for p in qs:
        h = hours.get(p.id, {})
        p.hours_text = [hours_mod.format_periods(h.get(i, [])) for i in range(8)]
    return qs


def positions_export(*, user, unit: Unit) -> bytes:
    if not user_can(user, unit.path, "read"):
        raise NotFound()
    return POSITIONS.export(_positions(user, unit), title=unit.name)


REGISTRIES = [
    Registry("positions", gettext_lazy("Service positions"), POSITIONS, scope=scope_unit, rows=_positions,
             importer=lambda actor, unit, upload: positions_import(actor=actor, upload=upload, within=unit)),
]
