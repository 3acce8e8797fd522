"""The registry from and to Excel, all or nothing (jiceng.core.excel). Columns: 名称, 类型, 统一社会信用代码,
地址, 纬度, 经度, 坐标系, 从业人员, 党员人数, 党组织覆盖, 所在党组织, 建立时间, 党的工作覆盖, 党建指导员或联络员
(所属网格 on export only: the place routes an imported row to its grid, like a case)."""

from django.utils.translation import gettext as _

from jiceng.core.errors import NotFound, ValidationFailed
from jiceng.core.excel import RowErrors, read_rows, require_columns, write_xlsx
from jiceng.core.scope import subtree_q, user_can
from jiceng.neworgs.models import Kind, NewOrg, OrgCoverage, WorkCoverage
from jiceng.neworgs.services import neworgs_bulk_create
from jiceng.orgs.models import Unit

HEADERS = {"name": "名称", "kind": "类型", "credit_code": "统一社会信用代码", "address": "地址", "lat": "纬度",
           "lng": "经度", "crs": "坐标系", "employees": "从业人员", "party_members": "党员人数",
           "org_coverage": "党组织覆盖", "branch_name": "所在党组织", "branch_since": "建立时间",
           "work_coverage": "党的工作覆盖", "work_contact": "党建指导员或联络员"}
COLUMNS = {key: (header, key) for key, header in HEADERS.items()}
KIND_LABELS = {"small_micro": "小微企业", "individual": "个体工商户", "commercial_building": "商务楼宇",
               "business_district": "商圈市场", "courier_station": "快递物流站点", "enterprise_outlet": "企业网点",
               "social_org": "社会组织"}
ORG_LABELS = {"none": "未建", "own": "单独组建", "joint": "联合党支部", "grid": "网格兜底"}
WORK_LABELS = {"none": "无", "instructor": "党建指导员", "liaison": "党建联络员"}
CRS_BY_LABEL = {"": "wgs84", "wgs-84": "wgs84", "wgs84": "wgs84", "gcj-02": "gcj02", "gcj02": "gcj02",
                "bd-09": "bd09", "bd09": "bd09"}


def _by_label(labels: dict, choices) -> dict:
    return {**{v: v for v in choices.values}, **{label: value for value, label in labels.items()}}


def neworgs_import(*, actor, upload) -> int:
    rows, present = read_rows(upload, COLUMNS)
    require_columns(present, {k: HEADERS[k] for k in ("name", "kind", "credit_code")})
    errors = RowErrors()
    kinds, orgs, works = (_by_label(KIND_LABELS, Kind), _by_label(ORG_LABELS, OrgCoverage),
                          _by_label(WORK_LABELS, WorkCoverage))
    prepared = []
    for number, row in rows:
        text = {k: str(row.get(k) if row.get(k) is not None else "").strip() for k in HEADERS}
        kind = kinds.get(text["kind"])
        org_coverage = orgs.get(text["org_coverage"] or "none")
        work_coverage = works.get(text["work_coverage"] or "none")
        crs = CRS_BY_LABEL.get(text["crs"].lower())
        if kind is None:
            errors.add(number, HEADERS["kind"], _("Unknown kind “%(v)s”.") % {"v": text["kind"][:24]})
        elif org_coverage is None:
            errors.add(number, HEADERS["org_coverage"], _("Unknown party organization coverage “%(v)s”.")
                       % {"v": text["org_coverage"][:24]})
        elif work_coverage is None:
            errors.add(number, HEADERS["work_coverage"], _("Unknown party work coverage “%(v)s”.")
                       % {"v": text["work_coverage"][:24]})
        elif crs is None:
            errors.add(number, HEADERS["crs"], _("The coordinate system must be WGS-84, GCJ-02 or BD-09."))
        else:
            since = row.get("branch_since")
            prepared.append({"_row": number, "kind": kind, "org_coverage": org_coverage, "work_coverage": work_coverage,
                             "crs": crs, "name": text["name"], "credit_code": text["credit_code"],
                             "address": text["address"], "lat": row.get("lat"), "lng": row.get("lng"),
                             "employees": row.get("employees") if row.get("employees") not in (None, "") else 0,
                             "party_members": row.get("party_members") if row.get("party_members") not in (None, "")
                             else 0, "branch_name": text["branch_name"], "work_contact": text["work_contact"],
                             "branch_since": since if since not in ("",) else None})
    if not rows:
        errors.add(2, HEADERS["name"], _("The sheet has no data rows."))
        errors.raise_if_any()
    try:
        return len(neworgs_bulk_create(actor=actor, rows=prepared, note="excel import", errors=errors))
    except ValidationFailed as exc:
        for e in exc.errors:  # the service's row errors name fields: name the Excel column instead
            e["column"] = HEADERS.get(e["column"], e["column"])
        raise


def neworgs_export(*, user, unit: Unit) -> bytes:
    if not user_can(user, unit.path, "read"):
        raise NotFound()
    qs = NewOrg.objects.filter(subtree_q(unit.path, "unit_path")).select_related("grid").order_by("unit_path", "id")

    def rows():
        for o in qs.iterator(chunk_size=2000):
            yield [o.name, KIND_LABELS[o.kind], o.credit_code, o.address, o.lat, o.lng, "WGS-84", o.employees,
                   o.party_members, ORG_LABELS[o.org_coverage], o.branch_name,
                   o.branch_since.isoformat() if o.branch_since else "", WORK_LABELS[o.work_coverage], o.work_contact,
                   o.grid.code, o.grid.name, "是" if o.gap else ""]

    return write_xlsx([*HEADERS.values(), "所属网格代码", "所属网格", "应建未建"], rows(), title=unit.name)
