"""A level's indicator tree to and from Excel (F4, H5): one row per indicator with a parent-code column.

Columns: 代码 code, 指标名称 title, 上级代码 parent code (empty at the top level), 权重 weight (0–1,
siblings add up to 1; "40%" is read as 0.4), 类型 kind (汇总 has sub-indicators / 计算 computed /
录入 entered with evidence; may be left empty), 数据来源 source (a computed source key or its name; empty
for entered and grouping indicators), 来源说明 (written on download, ignored on upload).

The upload is all or nothing: every row is checked first and every problem is named by row and
column; only a clean file becomes the same tree that `PUT …/indicators/{level}` takes, and it is
written by the same service, `assessment.indicator_tree_set`, which checks scope, role and the
published freeze again.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiceng.core.errors import ValidationFailed
from jiceng.core.excel import (
    Boolean,
    Choice,
    Column,
    Date,
    Integer,
    Number,
    Registry,
    RowErrors,
    Table,
    Text,
    read_rows,
    require_columns,
    write_xlsx,
)
from jiceng.core.scope import require_scope, scope_filter, subtree_q
from jiceng.orgs.excel import scope_unit, unit_under
from jiceng.projects import assessment as a_svc
from jiceng.projects import indicator_tree as tree_rules
from jiceng.projects import indicators
from jiceng.projects.models import Assessment, Indicator, PolicyItem, PolicyItemKind, Project, ProjectStatus
from jiceng.projects.services import policy_item_create, project_create

COLUMNS = {
    "code": ("代码", "指标代码", "code"),
    "title": ("指标名称", "名称", "指标", "title", "name"),
    "parent": ("上级代码", "上级指标代码", "parent", "parent code"),
    "weight": ("权重", "weight"),
    "kind": ("类型", "指标类型", "kind"),
    "source": ("数据来源", "来源", "source"),
}
HEADERS = ["代码", "指标名称", "上级代码", "权重", "类型", "数据来源", "来源说明"]
COL = {"code": "代码", "title": "指标名称", "parent": "上级代码", "weight": "权重", "kind": "类型",
       "source": "数据来源"}
GROUP, COMPUTED, ENTERED = "group", "computed", "entered"
KIND_LABEL = {GROUP: "汇总", COMPUTED: "计算", ENTERED: "录入"}
KIND_BY_LABEL = {**{v: k for k, v in KIND_LABEL.items()}, GROUP: GROUP, COMPUTED: COMPUTED, ENTERED: ENTERED,
                 "汇总指标": GROUP, "计算指标": COMPUTED, "录入指标": ENTERED}
MAX_INDICATORS = 500


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def source_lookup() -> dict[str, str]:
    """A source key or its name (in Chinese or English) -> the source key."""
    out = {}
    for key, src in indicators.SOURCES.items():
        out[key.lower()] = key
        out[str(src.label).lower()] = key
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                out[str(src.label).lower()] = key
    return out


def _weight(value) -> float:
    """A weight cell as a number: 0.4, "0.4" or "40%"; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        return float(value)
    text = _text(value).replace("％", "%")
    if text.endswith("%"):
        return float(text[:-1]) / 100
    return float(text)


def trees_of(*, assessment: Assessment) -> dict[str, list[dict]]:
    """Every level's stored tree (one query), in the shape the API and `indicator_tree_set` take;
    siblings ordered by code."""
    children: dict = {}
    for n in Indicator.objects.filter(assessment=assessment).order_by("level", "code"):
        children.setdefault((n.level, n.parent_id), []).append(n)

    def build(level, parent_id):
        out = []
        for n in children.get((level, parent_id), []):
            node = {"code": n.code, "title": n.title, "weight": n.weight, "source": n.source}
            kids = build(level, n.pk)
            if kids:
                node["children"] = kids
            out.append(node)
        return out

    return {level: build(level, None) for level, parent_id in children if parent_id is None}


def tree_of(*, assessment: Assessment, level: str) -> list[dict]:
    return trees_of(assessment=assessment).get(level, [])


def flatten(tree: list[dict], parent=None, depth: int = 0, share: float = 1.0):
    """Depth-first rows: (depth, node, parent code, share of the total score, kind)."""
    for n in tree:
        kids = n.get("children") or []
        kind = GROUP if kids else (COMPUTED if n.get("source") else ENTERED)
        node_share = share * float(n["weight"])
        yield depth, n, parent, node_share, kind
        yield from flatten(kids, n["code"], depth + 1, node_share)


def tree_xlsx(*, assessment: Assessment, level: str) -> bytes:
    """The level's tree as a sheet to edit and upload again; an empty template with one example row
    when the level has no tree yet."""
    tree = tree_of(assessment=assessment, level=level)
    if tree:
        rows = [(n["code"], n["title"], parent or "", n["weight"], KIND_LABEL[kind], n.get("source") or "",
                 str(indicators.SOURCES[n["source"]].label) if n.get("source") in indicators.SOURCES else "")
                for _d, n, parent, _s, kind in flatten(tree)]
    else:
        rows = [("A", _("Example indicator (replace this row)"), "", 1, KIND_LABEL[ENTERED], "", "")]
    return write_xlsx(HEADERS, rows, title=_("Indicators"))


def parse_tree(upload) -> list[dict]:
    """Read and check a sheet; return the tree (the API's shape) or raise one ValidationFailed that lists
    every bad row and column: the sheet's own rules (codes, parents, kinds, source names) here, the
    tree's rules (`projects/indicator_tree.py`) mapped to the cells of their rows."""
    rows, present = read_rows(upload, COLUMNS)
    require_columns(present, {"code": "代码", "title": "指标名称", "weight": "权重"})
    if len(rows) > MAX_INDICATORS:
        raise ValidationFailed(_("At most %(n)d indicators per level.") % {"n": MAX_INDICATORS}, code="too_many_rows")
    errors = RowErrors()
    if not rows:
        errors.add(2, COL["code"], _("The sheet has no indicator rows."))
    sources = source_lookup()
    nodes: dict[str, dict] = {}  # code -> {"number", "node", "parent", "kind", "kind_text", "weight_ok"}
    for number, row in rows:
        info = _read_row(number, row, sources, nodes, errors)
        if info is not None:
            nodes[info["node"]["code"]] = info
    children = _link(nodes, errors)
    _check_loops(nodes, errors)
    _check_tree_rules(nodes, children, errors)
    errors.errors.sort(key=lambda e: e["row"])
    errors.raise_if_any()
    return _build(nodes, children, "")


def _read_row(number: int, row: dict, sources: dict, nodes: dict, errors: RowErrors) -> dict | None:
    """One row as a node with its parent code and kind, after the sheet's own checks of its cells; None
    for a row without a code or with a code already used."""
    code, title, parent = _text(row.get("code")), _text(row.get("title")), _text(row.get("parent"))
    if not code:
        errors.add(number, COL["code"], _("Give the indicator's code."))
        return None
    if code in nodes:
        errors.add(number, COL["code"], _("The code %(c)s is already used on row %(row)d.")
                   % {"c": code, "row": nodes[code]["number"]})
        return None
    if parent == code:
        errors.add(number, COL["parent"], _("An indicator cannot be its own parent."))
    weight, weight_ok = None, True
    try:
        weight = _weight(row.get("weight"))
    except (TypeError, ValueError):
        errors.add(number, COL["weight"], _("The weight “%(w)s” is not a number.") % {"w": _text(row.get("weight"))})
        weight_ok = False
    kind_text = _text(row.get("kind"))
    kind = KIND_BY_LABEL.get(kind_text.lower()) if kind_text else None
    if kind_text and kind is None:
        errors.add(number, COL["kind"], _("Unknown kind “%(k)s” (known: %(known)s).")
                   % {"k": kind_text, "known": ", ".join(KIND_LABEL.values())})
    source_text = _text(row.get("source"))
    source = sources.get(source_text.lower(), None) if source_text else ""
    if source is None:
        errors.add(number, COL["source"], _("Unknown source “%(s)s” (known: %(known)s).")
                   % {"s": source_text, "known": ", ".join(sorted(indicators.SOURCES))})
    elif kind == COMPUTED and not source:
        errors.add(number, COL["source"], _("A computed indicator needs its source."))
    elif kind in (ENTERED, GROUP) and source:
        errors.add(number, COL["source"], _("Only a computed indicator has a source; this one is “%(k)s”.")
                   % {"k": kind_text})
    return {"number": number, "parent": parent, "kind": kind, "weight_ok": weight_ok,
            "node": {"code": code, "title": title, "weight": weight, "source": source or ""}}


def _link(nodes: dict, errors: RowErrors) -> dict[str, list[str]]:
    """{parent code ("" for the top level): [child codes]}; a parent code not in the file is an error."""
    children: dict[str, list[str]] = {}
    for code, info in nodes.items():
        if info["parent"] and info["parent"] not in nodes:
            errors.add(info["number"], COL["parent"], _("No indicator with the code %(c)s in the file.")
                       % {"c": info["parent"]})
            continue
        children.setdefault(info["parent"], []).append(code)
    return children


def _check_loops(nodes: dict, errors: RowErrors) -> None:
    """A chain of parents that comes back to itself never reaches the top level."""
    for code, info in nodes.items():
        seen, current = set(), code
        while current and current in nodes and current not in seen:
            seen.add(current)
            current = nodes[current]["parent"]
        if current and current in seen and info["parent"] != code:
            errors.add(info["number"], COL["parent"],
                       _("The parent codes form a loop; this indicator never reaches the top level."))


def _check_tree_rules(nodes: dict, children: dict, errors: RowErrors) -> None:
    """The tree's rules (each node's own, the sibling weights) and the kind column, by row and column;
    a cell already refused by the sheet's checks is not named twice."""
    taken = {(e["row"], e["column"]) for e in errors.errors}

    def add(number, field, message):
        if (number, COL[field]) not in taken:
            taken.add((number, COL[field]))
            errors.add(number, COL[field], message)

    for code, info in nodes.items():
        kids = children.get(code, [])
        for p in tree_rules.node_problems(info["node"], has_children=bool(kids)):
            add(info["number"], p.field, p.message)
        if kids and info["node"]["source"]:
            continue
        if kids and info["kind"] in (COMPUTED, ENTERED):
            add(info["number"], "kind", _("Indicator %(c)s has sub-indicators, so its kind is %(k)s.")
                % {"c": code, "k": KIND_LABEL[GROUP]})
        elif not kids and info["kind"] == GROUP:
            add(info["number"], "kind", _("Indicator %(c)s is of kind %(k)s but no row names it as its parent.")
                % {"c": code, "k": KIND_LABEL[GROUP]})
    for parent, codes in children.items():
        problem = tree_rules.siblings_problem([nodes[c]["node"] for c in codes], parent)
        if problem:
            add(nodes[codes[0]]["number"], problem.field, problem.message)


def _build(nodes: dict, children: dict, parent: str) -> list[dict]:
    out = []
    for code in children.get(parent, []):
        node = dict(nodes[code]["node"])
        kids = _build(nodes, children, code)
        if kids:
            node["children"] = kids
        out.append(node)
    return out


def indicator_tree_import(*, actor, assessment: Assessment, level: str, upload) -> int:
    """Replace a level's tree from a sheet, all or nothing, through `indicator_tree_set`. The role and the
    published freeze are checked before the file is read (and again by the service)."""
    require_scope(actor, assessment.unit_path, "supervise")
    a_svc._require_draft(assessment)
    a_svc._level(level)
    if upload is None:
        raise ValidationFailed(_("Choose an Excel file to upload."), field="file")
    tree = parse_tree(upload)
    return a_svc.indicator_tree_set(actor=actor, assessment=assessment, level=level, tree=tree)


# --- H5 registries: secretary-led projects and the policy framework's items ----------------------------

PROJECTS = Table([
    Column("unit", "单位代码", Text(32), required=True, get="unit.code"),
    Column("unit_name", "单位", get="unit.name", export_only=True),
    Column("year", "年度", Integer(2000, 2100), required=True),
    Column("title", "项目名称", Text(200), required=True),
    Column("problem", "解决问题", Text(5000), required=True),
    Column("goals", "目标", Text(5000), required=True),
    Column("deadline", "完成时限", Date(), required=True),
    Column("leader_name", "牵头书记", Text(60), default=""),
    Column("public", "公开展示", Boolean(), default=False),
    Column("status", "状态", Choice(ProjectStatus), export_only=True),
    Column("progress", "进度(%)", Number(0, 100), export_only=True),
], title="书记项目")


def _projects(user, unit):
    return (scope_filter(Project.objects.filter(subtree_q(unit.path, "unit_path")), user, "unit_path")
            .select_related("unit").order_by("unit_path", "year", "id"))


def _project_write(actor, scope, row):
    return project_create(actor=actor, unit=unit_under(scope, row["unit"]), title=row["title"], problem=row["problem"],
                          goals=row["goals"], deadline=row["deadline"], year=row["year"],
                          leader_name=row["leader_name"], public=row["public"])


POLICY_ITEMS = Table([
    Column("code", "代码", Text(20), required=True),
    Column("kind", "类型", Choice(PolicyItemKind), required=True),
    Column("title", "标题", Text(200), required=True),
    Column("body", "内容", Text(20000), default=""),
    Column("parent", "上级代码", Text(20), get="parent.code"),
], title="2+1+N政策体系")


def _policy_items(user, unit):
    """The items of the framework that applies to the unit: issued on it, above it or inside it."""
    ancestors = ["/" + "/".join(unit.ancestor_codes[:i]) + "/" for i in range(1, len(unit.ancestor_codes) + 1)]
    return (PolicyItem.objects.filter(Q(unit_path__in=ancestors) | subtree_q(unit.path, "unit_path"))
            .select_related("parent").order_by("unit_path", "code"))


def _policy_item_write(actor, unit, row):
    parent = None
    if row.get("parent"):
        parent = PolicyItem.objects.filter(unit=unit, code=row["parent"]).first()
        if parent is None:
            raise ValidationFailed(_("No policy item with the code %(code)s (in the database or above in the file).")
                                   % {"code": row["parent"]}, field="parent")
    return policy_item_create(actor=actor, unit=unit, kind=row["kind"], code=row["code"], title=row["title"],
                              body=row["body"], parent=parent)


REGISTRIES = [
    Registry("projects", gettext_lazy("Secretary-led projects"), PROJECTS, scope=scope_unit, rows=_projects,
             write=_project_write, list_url=lambda unit: reverse("projects:home")),
    Registry("policy-items", gettext_lazy("Policy framework items"), POLICY_ITEMS, scope=scope_unit,
             rows=_policy_items, write=_policy_item_write, capability="supervise",
             list_url=lambda unit: reverse("projects:policy")),
]
