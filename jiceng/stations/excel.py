"""Service positions from and to Excel, all or nothing. Columns: 级别 level, 所属单位代码 unit, 名称 name,
纬度 lat, 经度 lng, 坐标系 crs (WGS-84 / GCJ-02 / BD-09), 地址 address, 设施 amenities (names or codes,
separated by 、 or ,), 周一…周日 and 节假日 hours ("08:00-12:00,14:00-18:00"), 服务内容, 联系人, 联系电话, 状态."""

import re

from django.utils.translation import gettext as _

from jiceng.core.errors import NotFound, ValidationFailed
from jiceng.core.excel import RowErrors, read_rows, require_columns, write_xlsx
from jiceng.core.scope import subtree_q, user_can
from jiceng.orgs.models import Unit
from jiceng.stations import hours as hours_mod
from jiceng.stations.models import Amenity, Level, OpeningHours, ServicePosition, State
from jiceng.stations.services import positions_bulk_create

DAY_HEADERS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日", "节假日"]
COLUMNS = {
    "level": ("级别", "level"), "unit": ("所属单位代码", "unit"), "name": ("名称", "name"),
    "lat": ("纬度", "lat"), "lng": ("经度", "lng"), "crs": ("坐标系", "crs"), "address": ("地址", "address"),
    "amenities": ("设施", "amenities"), "services": ("服务内容", "services"),
    "contact_name": ("联系人", "contact_name"), "contact_phone": ("联系电话", "contact_phone"),
    "state": ("状态", "state"),
    **{f"day{i}": (h, f"day{i}") for i, h in enumerate(DAY_HEADERS)},
}
LEVEL_BY_LABEL = {**{v: v for v in Level.values}, "市级中心": "city", "县级中心": "county", "街道中心": "street",
                  "社区中心": "community", "小区驿站": "station", "驿站": "station"}
STATE_BY_LABEL = {**{v: v for v in State.values}, "开放": "open", "在建": "construction", "关闭": "closed"}
CRS_BY_LABEL = {"": "wgs84", "wgs-84": "wgs84", "wgs84": "wgs84", "gcj-02": "gcj02", "gcj02": "gcj02",
                "bd-09": "bd09", "bd09": "bd09"}


def positions_import(*, actor, upload) -> int:
    rows, present = read_rows(upload, COLUMNS)
    require_columns(present, {"level": "级别", "unit": "所属单位代码", "name": "名称", "lat": "纬度", "lng": "经度",
                              "address": "地址"})
    errors = RowErrors()
    units = {u.code: u for u in Unit.objects.filter(code__in={str(r.get("unit") or "") for _n, r in rows})}
    amenity_by_name = {}
    for a in Amenity.objects.filter(active=True):
        amenity_by_name[a.code] = a.code
        amenity_by_name[a.name] = a.code
    prepared = []
    for number, row in rows:
        unit = units.get(str(row.get("unit") or ""))
        if unit is None or not user_can(actor, unit.path, "read"):
            errors.add(number, "所属单位代码", _("No unit with the code %(code)s in your area.")
                       % {"code": str(row.get("unit") or "")[:30]})
            continue
        level = LEVEL_BY_LABEL.get(str(row.get("level") or "").strip())
        state = STATE_BY_LABEL.get(str(row.get("state") or "open").strip())
        crs = CRS_BY_LABEL.get(str(row.get("crs") or "").strip().lower())
        names = [n for n in re.split(r"[、,，;；\s]+", str(row.get("amenities") or "")) if n]
        bad = [n for n in names if n not in amenity_by_name]
        if level is None:
            errors.add(number, "级别", _("Unknown level “%(v)s”.") % {"v": str(row.get("level"))[:20]})
        elif state is None:
            errors.add(number, "状态", _("Unknown state “%(v)s”.") % {"v": str(row.get("state"))[:20]})
        elif crs is None:
            errors.add(number, "坐标系", _("The coordinate system must be WGS-84, GCJ-02 or BD-09."))
        elif bad:
            errors.add(number, "设施", _("Unknown amenity “%(code)s”.") % {"code": bad[0][:40]})
        else:
            prepared.append({"_row": number, "unit": unit, "level": level, "state": state, "crs": crs,
                             "name": str(row.get("name") or ""), "lat": row.get("lat"), "lng": row.get("lng"),
                             "address": str(row.get("address") or ""),
                             "services": str(row.get("services") or ""),
                             "contact_name": str(row.get("contact_name") or ""),
                             "contact_phone": str(row.get("contact_phone") or ""),
                             "amenities": [amenity_by_name[n] for n in names],
                             "hours": {i: str(row.get(f"day{i}") or "") for i in range(8)}})
    if not rows:
        errors.add(2, "名称", _("The sheet has no data rows."))
        errors.raise_if_any()
    try:
        return len(positions_bulk_create(actor=actor, rows=prepared, note="excel import", errors=errors))
    except ValidationFailed as exc:
        for e in exc.errors:  # the service's own row errors: name the Excel column
            e["column"] = {"lat": "纬度", "hours": "周一…节假日", "amenities": "设施", "unit": "所属单位代码",
                           "name": "名称", "address": "地址", "crs": "坐标系"}.get(e["column"], e["column"])
        raise


def positions_export(*, user, unit: Unit) -> bytes:
    if not user_can(user, unit.path, "read"):
        raise NotFound()
    qs = (ServicePosition.objects.filter(subtree_q(unit.path, "unit_path")).select_related("unit")
          .prefetch_related("amenities").order_by("level", "unit_path", "id"))
    hours: dict[int, dict[int, list]] = {}
    for pid, day, o, c in OpeningHours.objects.filter(position__in=qs).values_list("position_id", "day", "opens",
                                                                                   "closes"):
        hours.setdefault(pid, {}).setdefault(day, []).append((o, c))
    levels = {"city": "市级中心", "county": "县级中心", "street": "街道中心", "community": "社区中心", "station": "小区驿站"}
    states = {"open": "开放", "construction": "在建", "closed": "关闭"}

    def rows():
        for p in qs:
            h = hours.get(p.id, {})
            yield [levels[p.level], p.unit.code, p.name, p.lat, p.lng, "WGS-84", p.address,
                   "、".join(a.name for a in p.amenities.all()),
                   *[hours_mod.format_periods(h.get(i, [])) for i in range(8)],
                   p.services, p.contact_name, p.contact_phone, states[p.state]]

    return write_xlsx(["级别", "所属单位代码", "名称", "纬度", "经度", "坐标系", "地址", "设施", *DAY_HEADERS,
                       "服务内容", "联系人", "联系电话", "状态"], rows(), title=unit.name)
