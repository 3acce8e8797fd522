"""Reads of units and party organizations, always within the user's scope."""

from django.db.models import Count
from django.db.models.functions import Substr

from jiceng.core.errors import NotFound
from jiceng.core.scope import scope_filter, scope_prefixes, subtree_q
from jiceng.orgs.models import CHILD_KIND, KIND_ORDER, BigCommittee, PartTimeMember, PartyOrg, Unit


def unit_get(*, user, code: str) -> Unit:
    """The access helper for units: 404 for unknown codes and for units outside the user's area."""
    unit = scope_filter(Unit.objects.select_related("parent"), user).filter(code=code).first()
    if unit is None:
        raise NotFound()
    return unit


def unit_top_for(user) -> Unit | None:
    prefixes = scope_prefixes(user)
    if not prefixes:
        return None
    return Unit.objects.filter(path=prefixes[0]).first()


def unit_ancestors(unit: Unit) -> list[Unit]:
    codes = unit.ancestor_codes[:-1]
    by_code = {u.code: u for u in Unit.objects.filter(code__in=codes).only("code", "name", "kind", "path")}
    return [by_code[c] for c in codes if c in by_code]


def unit_children(*, user, unit: Unit):
    return scope_filter(Unit.objects.filter(parent=unit), user).order_by("code")


def subtree_kind_counts(unit: Unit) -> dict[str, int]:
    """Units of each kind under `unit` (itself excluded): one grouped query."""
    rows = (Unit.objects.filter(subtree_q(unit.path)).exclude(pk=unit.pk)
            .values("kind").annotate(n=Count("id")).order_by())
    counts = {row["kind"]: row["n"] for row in rows}
    below = KIND_ORDER[KIND_ORDER.index(unit.kind) + 1:]
    return {kind: counts.get(kind, 0) for kind in below}


def residents_count(unit: Unit) -> int:
    from jiceng.people.models import Person

    return Person.objects.filter(subtree_q(unit.path, "unit_path"), is_resident=True).count()


def children_resident_counts(unit: Unit, children) -> dict[str, int]:
    """Residents under each child, keyed by child path: one query grouped by the path prefix."""
    from jiceng.people.models import Person

    children = list(children)
    if not children or unit.kind not in CHILD_KIND:
        return {}
    length = len(children[0].path)
    if any(len(c.path) != length for c in children):
        return {c.path: residents_count(c) for c in children}
    rows = (Person.objects.filter(subtree_q(unit.path, "unit_path"), is_resident=True)
            .annotate(prefix=Substr("unit_path", 1, length)).values("prefix").annotate(n=Count("id")).order_by())
    return {row["prefix"]: row["n"] for row in rows}


def party_chain(unit: Unit) -> list[PartyOrg]:
    """Party organizations on the unit and on each unit above it, top first."""
    codes = unit.ancestor_codes
    orgs = (PartyOrg.objects.filter(unit__code__in=codes).select_related("unit", "secretary")
            .order_by("unit__depth", "kind", "id"))
    return list(orgs)


def party_orgs_in_scope(*, user, unit: Unit | None = None, kind: str | None = None):
    qs = scope_filter(PartyOrg.objects.select_related("unit", "secretary"), user, "unit_path")
    if unit is not None:
        qs = qs.filter(subtree_q(unit.path, "unit_path"))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("unit_path", "id")


def party_org_get(*, user, pk: int) -> PartyOrg:
    org = scope_filter(PartyOrg.objects.select_related("unit", "secretary", "parent"), user, "unit_path") \
        .filter(pk=pk).first()
    if org is None:
        raise NotFound()
    return org


def big_committees_in(unit: Unit):
    return (BigCommittee.objects.filter(subtree_q(unit.path, "unit_path")).select_related("unit")
            .annotate(member_count=Count("members")).order_by("unit_path"))


def part_time_members_of(committee: BigCommittee):
    return PartTimeMember.objects.filter(committee=committee, active=True).order_by("source", "id")
