"""Reads of units and party organizations, always within the user's scope."""

from django.db.models import Count, F, Q

from jiceng.core.errors import NotFound
from jiceng.core.scope import scope_filter, scope_prefixes, scoped_get, subtree_q
from jiceng.orgs.models import CHILD_KIND, KIND_ORDER, BigCommittee, PartTimeMember, PartyOrg, Unit, UnitTally
from jiceng.orgs.people import people


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


def unit_or_top(*, user, code: str | None) -> Unit:
    """The unit named by `code` (404 outside the user's area), or the user's own top unit."""
    if code:
        return unit_get(user=user, code=code)
    top = unit_top_for(user)
    if top is None:
        raise NotFound()
    return top


def unit_ancestors(unit: Unit) -> list[Unit]:
    codes = unit.ancestor_codes[:-1]
    by_code = {u.code: u for u in Unit.objects.filter(code__in=codes).only("code", "name", "kind", "path")}
    return [by_code[c] for c in codes if c in by_code]


def unit_children(*, user, unit: Unit):
    return scope_filter(Unit.objects.filter(parent=unit), user).order_by("code")


def unit_tally(unit: Unit) -> UnitTally | None:
    return UnitTally.objects.filter(unit_id=unit.pk).first()


def subtree_kind_counts(unit: Unit, tally: UnitTally | None = None) -> dict[str, int]:
    """Units of each kind under `unit` (itself excluded), from its tally row."""
    tally = tally or unit_tally(unit)
    below = KIND_ORDER[KIND_ORDER.index(unit.kind) + 1:]
    return {kind: getattr(tally, kind, 0) if tally else 0 for kind in below}


def residents_count(unit: Unit, tally: UnitTally | None = None) -> int:
    """Residents under a unit: its tally row; for a household, a direct count."""
    if unit.kind == "household":
        return residents_count_direct(unit)
    tally = tally or unit_tally(unit)
    return tally.residents if tally else 0


def people_under(paths: list[str]) -> int:
    """Everyone registered under each of the (disjoint) subtrees at `paths` (residents and the others),
    added up from the tally rows; a household (no tally row) is counted directly. One or two queries."""
    rows = dict(UnitTally.objects.filter(unit__path__in=paths).annotate(n=F("residents") + F("non_residents"))
                .values_list("unit__path", "n"))
    total = sum(rows.values())
    untallied = [p for p in paths if p not in rows]
    if untallied:
        q = Q()
        for path in untallied:
            q |= subtree_q(path, "unit_path")
        source = people()
        total += source.residents().filter(q).count() + source.non_residents().filter(q).count()
    return total


def residents_count_direct(unit: Unit) -> int:
    """The same figure counted from the people rows (the reference the tally is tested against)."""
    return people().residents().filter(subtree_q(unit.path, "unit_path")).count()


def children_resident_counts(unit: Unit, children) -> dict[str, int]:
    """Residents under each child, keyed by child path: one query over the children's tallies."""
    children = list(children)
    if not children or unit.kind not in CHILD_KIND:
        return {}
    if children[0].kind == "household":
        rows = (people().residents().filter(household__in=children).values("unit_path")
                .annotate(n=Count("id")).order_by())
        return {row["unit_path"]: row["n"] for row in rows}
    by_id = dict(UnitTally.objects.filter(unit__in=children).values_list("unit_id", "residents"))
    return {c.path: by_id.get(c.pk, 0) for c in children}


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


def big_committee_get(*, user, pk: int) -> BigCommittee:
    return scoped_get(BigCommittee.objects.select_related("unit"), user=user, pk=pk)


def part_time_member_get(*, user, pk: int) -> PartTimeMember:
    return scoped_get(PartTimeMember.objects.select_related("committee__unit"), user=user, pk=pk)


def big_committees_of(unit: Unit):
    """The terms of one unit's big committee, latest first, with their serving members counted."""
    return (BigCommittee.objects.filter(unit=unit)
            .annotate(member_count=Count("members", filter=Q(members__active=True))).order_by("-term_start"))


def big_committee_in_office(unit_id: int, day) -> BigCommittee | None:
    """The term of a unit's big committee that covers `day`, if any."""
    return (BigCommittee.objects.filter(unit_id=unit_id, term_start__lte=day, term_end__gte=day)
            .order_by("-term_start").first())


def roster_on(committee: BigCommittee, day):
    """The members due on `day`: on the roster by then and not yet left (a member who left that day is not)."""
    return (PartTimeMember.objects.filter(committee=committee)
            .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=day))
            .filter(Q(left_on__isnull=True) | Q(left_on__gt=day)).order_by("source", "id"))


def roster_of(committee: BigCommittee):
    """The whole roster of a term, serving members first, with what they are linked to."""
    return (PartTimeMember.objects.filter(committee=committee)
            .select_related("person", "source_party_org").order_by("-active", "source", "id"))


def big_committees_in(unit: Unit):
    return (BigCommittee.objects.filter(subtree_q(unit.path, "unit_path")).select_related("unit")
            .annotate(member_count=Count("members", filter=Q(members__active=True))).order_by("unit_path"))


def party_orgs_under(unit: Unit):
    """Every party organization in a unit's subtree, with its unit, parent and secretary (Excel export)."""
    return PartyOrg.objects.filter(subtree_q(unit.path, "unit_path")).select_related(
        "unit", "parent", "secretary").order_by("unit_path", "id")


def party_org_named_above(unit: Unit, name: str) -> PartyOrg | None:
    """The party organization called `name` on the unit or the nearest unit above it."""
    return (PartyOrg.objects.filter(unit__code__in=unit.ancestor_codes, name=name)
            .order_by("-unit__depth", "id").first())


def big_committee_of_term(unit: Unit, term_start=None) -> BigCommittee | None:
    """The unit's big committee of the term starting on `term_start`, or its latest term without one."""
    committees = BigCommittee.objects.filter(unit=unit).order_by("-term_start")
    if term_start:
        committees = committees.filter(term_start=term_start)
    return committees.first()


def part_time_members_under(unit: Unit):
    """The serving part-time members of every big committee in a unit's subtree (the Excel export)."""
    return (PartTimeMember.objects.filter(subtree_q(unit.path, "unit_path"), active=True)
            .select_related("committee__unit").order_by("unit_path", "committee__term_start", "source", "id"))


def part_time_members_of(committee: BigCommittee):
    return PartTimeMember.objects.filter(committee=committee, active=True).order_by("source", "id")


def party_org_parents_for(unit: Unit, exclude: PartyOrg | None = None):
    """The organizations a new (or moved) organization on `unit` may sit under: those on the unit and above."""
    qs = PartyOrg.objects.filter(unit__code__in=unit.ancestor_codes).select_related("unit")
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.order_by("unit__depth", "kind", "id")


def party_orgs_on(unit: Unit):
    """The organizations on a unit and on the units right below it (the page's list), with counts."""
    below = Unit.objects.filter(parent_id=unit.pk).values("id")  # the FK index, not a join ORed over units
    # The units come in a second query by primary key (prefetch), not joined into the grouped query, where
    # PostgreSQL hashed the whole unit table; a unit's own path sorts before its children's.
    return (PartyOrg.objects.filter(Q(unit_id=unit.pk) | Q(unit_id__in=below)).select_related("parent")
            .prefetch_related("unit")
            .annotate(children_count=Count("children", distinct=True),
                      member_count=Count("memberships", distinct=True))
            .order_by("unit_path", "kind", "id"))


def unit_party_orgs_for_roster(committee: BigCommittee):
    """The party organizations a part-time member may come from: those in the committee's area."""
    return PartyOrg.objects.filter(subtree_q(committee.unit_path, "unit_path")).order_by("unit_path", "id")


def roster_person_get(*, user, pk: int):
    """A person of the registry (people app) to link a part-time member to: 404 outside the user's area. Reached
    through the roster's foreign key, so orgs imports nothing of people."""
    model = PartTimeMember._meta.get_field("person").related_model
    return scoped_get(model.objects.all(), user=user, pk=pk)
