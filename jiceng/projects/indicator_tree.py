"""The rules of an indicator tree, written once (F4): each node's own rules, the sibling weights, and
the whole tree. They return every problem; `validate_tree` (the API and `indicator_tree_set`) raises the
first, the Excel import (`projects/excel.py`) maps them all to the cells of its rows.

A tree: [{"code", "title", "weight", "source"?, "children"?}]; a leaf without a source is entered with
evidence; the weights of siblings add up to 1."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from jiceng.core.errors import ValidationFailed
from jiceng.projects import indicators
from jiceng.projects.models import Indicator

WEIGHT_TOLERANCE = 1e-6
CODE_MAX = Indicator._meta.get_field("code").max_length
TITLE_MAX = Indicator._meta.get_field("title").max_length


@dataclass(frozen=True)
class Problem:
    node: str  # the indicator's code (for the sibling weights: the first sibling's)
    field: str  # "code", "title", "weight" or "source"
    message: str
    code: str = "invalid"


def weight_of(node: dict) -> float | None:
    """The node's weight as a number, or None when it is not one."""
    value = node.get("weight")
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def node_problems(node: dict, *, has_children: bool) -> list[Problem]:
    """The rules of one indicator on its own."""
    code = (node.get("code") or "").strip()
    title = (node.get("title") or "").strip()
    out = []
    if not code:
        out.append(Problem(code, "code", _("Give the indicator's code.")))
    elif len(code) > CODE_MAX:
        out.append(Problem(code, "code", _("A code has at most %(n)d characters.") % {"n": CODE_MAX}))
    if not title:
        out.append(Problem(code, "title", _("Give the indicator's name.")))
    elif len(title) > TITLE_MAX:
        out.append(Problem(code, "title", _("A name has at most %(n)d characters.") % {"n": TITLE_MAX}))
    weight = weight_of(node)
    if weight is None:
        out.append(Problem(code, "weight", _("Indicator %(c)s needs a numeric weight.") % {"c": code}))
    elif not 0 < weight <= 1:
        out.append(Problem(code, "weight", _("Indicator %(c)s: a weight is above 0 and at most 1.") % {"c": code}))
    source = (node.get("source") or "").strip()
    if has_children and source:
        out.append(Problem(code, "source", _("Indicator %(c)s has sub-indicators, so it cannot have a source.")
                           % {"c": code}))
    elif source and source not in indicators.SOURCES:
        out.append(Problem(code, "source", _("Indicator %(c)s: unknown source “%(s)s” (known: %(known)s).")
                           % {"c": code, "s": source, "known": ", ".join(sorted(indicators.SOURCES))}))
    return out


def siblings_problem(nodes: list[dict], parent: str = "") -> Problem | None:
    """The weights of one parent's children (of the top level: `parent` empty) add up to 1. Not judged
    while a weight is not a number in range (that problem is the node's)."""
    weights = [weight_of(n) for n in nodes]
    if not nodes or any(w is None or not 0 < w <= 1 for w in weights):
        return None
    total = sum(weights)
    if abs(total - 1.0) <= WEIGHT_TOLERANCE:
        return None
    where = _("under %(c)s") % {"c": parent} if parent else _("at the top level")
    return Problem((nodes[0].get("code") or "").strip(), "weight",
                   _("The weights %(where)s add up to %(total)s; they must add up to 1.")
                   % {"where": where, "total": round(total, 6)}, code="weights")


def tree_problems(tree: list[dict]) -> list[Problem]:
    """Every problem of a tree, depth first (a node's own, then its subtree's, then its siblings' sum)."""
    out: list[Problem] = []
    seen: set[str] = set()

    def walk(nodes, parent):
        for n in nodes:
            children = n.get("children") or []
            out.extend(node_problems(n, has_children=bool(children)))
            code = (n.get("code") or "").strip()
            if code in seen:
                out.append(Problem(code, "code", _("The indicator code %(c)s appears twice.") % {"c": code}))
            seen.add(code)
            walk(children, code)
        problem = siblings_problem(nodes, parent)
        if problem:
            out.append(problem)

    walk(tree, "")
    return out


def validate_tree(tree: list[dict]) -> None:
    """Raise the tree's first problem (422, field "tree")."""
    problems = tree_problems(tree)
    if problems:
        raise ValidationFailed(problems[0].message, field="tree", code=problems[0].code)
