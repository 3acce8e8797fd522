"""Units from and to Excel. Columns: 代码 code, 名称 name, 类型 kind, 上级代码 parent, 地址 address."""

from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.core.errors import NotFound, ServiceError
from jiceng.core.excel import RowErrors, read_rows, require_columns, write_xlsx
from jiceng.core.scope import subtree_q, user_can
from jiceng.orgs.models import KIND_ORDER, Unit, UnitKind
from jiceng.orgs.services import units_bulk_create, validate_unit_fields

COLUMNS = {
    "code": ("代码", "code"), "name": ("名称", "name"), "kind": ("类型", "kind"),
    "parent": ("上级代码", "parent", "parent code"), "address": ("地址", "address"),
}
KIND_BY_LABEL = {**{k: k for k in KIND_ORDER}, "市": "city", "县": "county", "区": "county", "县(市、区)": "county",
                 "街道": "street", "社区": "community", "网格": "grid", "小区": "compound", "楼栋": "building", "户": "household"}


def units_import(*, actor, upload) -> int:
    """Create the units of a sheet, all or nothing. A row's parent may be an earlier row of the sheet."""
    rows, present = read_rows(upload, COLUMNS)
    require_columns(present, {"code": "代码", "name": "名称", "kind": "类型", "parent": "上级代码"})
    errors = RowErrors()
    pending: dict[str, Unit] = {}
    parent_codes = {str(r.get("parent") or "") for _n, r in rows}
    existing = {u.code: u for u in Unit.objects.filter(code__in=parent_codes | {str(r.get("code") or "") for _n, r in rows})}
    for number, row in rows:
        code, parent_code = str(row.get("code") or ""), str(row.get("parent") or "")
        kind = KIND_BY_LABEL.get(str(row.get("kind") or "").strip())
        if kind is None:
            errors.add(number, "类型", _("Unknown unit kind “%(kind)s”.") % {"kind": row.get("kind")})
            continue
        parent = pending.get(parent_code) or existing.get(parent_code)
        if parent is None:
            errors.add(number, "上级代码", _("No unit with the code %(code)s (in the database or above in the file).")
                       % {"code": parent_code})
            continue
        if parent.pk and not user_can(actor, parent.path, "structure"):
            errors.add(number, "上级代码", _("The unit %(code)s is outside your area or your role may not change it.")
                       % {"code": parent_code})
            continue
        try:
            code, name = validate_unit_fields(parent=parent, kind=kind, code=code, name=str(row.get("name") or ""))
        except ServiceError as exc:
            errors.add(number, {"code": "代码", "name": "名称", "kind": "类型"}.get(exc.field, "代码"), exc.message)
            continue
        if code in pending or code in existing:
            errors.add(number, "代码", _("The code %(code)s is already used by another unit.") % {"code": code})
            continue
        unit = Unit(kind=kind, code=code, name=name, parent=parent, address=str(row.get("address") or ""))
        unit.path = (parent.path or "") + code + "/"
        pending[code] = unit
    if not rows:
        errors.add(2, "代码", _("The sheet has no data rows."))
    errors.raise_if_any()
    ordered = sorted(pending.values(), key=lambda u: KIND_ORDER.index(u.kind))
    # Parents created in this file get their ids as their level is written.
    created = 0
    with transaction.atomic():
        for kind in KIND_ORDER:
            batch = [u for u in ordered if u.kind == kind]
            for u in batch:
                u.parent = u.parent  # re-bind so parent_id is read from the (now saved) parent
            created += units_bulk_create(actor=actor, units=batch, note="excel import") if batch else 0
    return created


def units_export(*, user, unit: Unit, max_depth_kind: str = "household") -> bytes:
    if not user_can(user, unit.path, "read"):
        raise NotFound()
    last = KIND_ORDER.index(max_depth_kind)
    qs = (Unit.objects.filter(subtree_q(unit.path), kind__in=KIND_ORDER[: last + 1]).select_related("parent")
          .order_by("path").values_list("code", "name", "kind", "parent__code", "address"))
    labels = dict(UnitKind.choices)
    return write_xlsx(["代码", "名称", "类型", "上级代码", "地址"],
                      ((c, n, str(labels[k]), p or "", a) for c, n, k, p, a in qs.iterator(chunk_size=5000)),
                      title=unit.name)
