"""Reads of people, scope-filtered; searches by exact identity or phone number go through the HMAC.

An exact search by number is a reveal (it confirms a guessed number): it looks only where the user may
see numbers in full (`reveal_pii`), elsewhere it finds nothing, exactly as for an unknown number.
The search itself is recorded by `jiceng.people.services.people_find`.

The people list is ordered residents first, then by unit path and id, and paged by keyset (the last
row's position), never by OFFSET: on PostgreSQL the index people_person_list_order
(is_resident DESC, unit_path COLLATE "C", id) serves every page of a city of a million residents with an
index range scan of the page's rows. Its total comes from the unit tree's tallies, not COUNT(*).
"""

import dataclasses

from django.db import connection
from django.db.models import Count, F, Max
from django.db.models.functions import Collate

from jiceng.core import crypto
from jiceng.core.errors import NotFound
from jiceng.core.pii import looks_like_number_search, normalize_id_number, normalize_phone
from jiceng.core.scope import scope_filter, scope_prefixes, scoped_get, subtree_q
from jiceng.orgs.models import Unit, UnitKind
from jiceng.orgs.selectors import people_under
from jiceng.people.models import CentralHousehold, PartyMembership, Person

PAGE_SIZE = 50


def search_kind(*, q: str = "", id_number: str = "", phone: str = "") -> str:
    """"id_number", "phone", "name" or "" (no search): what a query searches by."""
    if id_number:
        return "id_number"
    if phone:
        return "phone"
    q = (q or "").strip()
    if not q:
        return ""
    return looks_like_number_search(q) or "name"


def residents():
    """Every resident row (not scope-filtered: the unit tallies count them for everyone)."""
    return Person.objects.filter(is_resident=True)


def non_residents():
    """Every registered person who is not a resident (counted by the unit tallies beside the residents)."""
    return Person.objects.filter(is_resident=False)


def people_search(*, user, unit=None, q: str = "", id_number: str = "", phone: str = ""):
    kind = search_kind(q=q, id_number=id_number, phone=phone)
    by_number = kind in ("id_number", "phone")
    qs = scope_filter(Person.objects.select_related("household", "party_membership__org"), user, "unit_path",
                      capability="reveal_pii" if by_number else None)
    if unit is not None:
        qs = qs.filter(subtree_q(unit.path, "unit_path"))
    q = (q or "").strip()
    if q and kind == "id_number":
        qs = qs.filter(id_number_hash=crypto.lookup_hash(normalize_id_number(q)))
    elif q and kind == "phone":
        qs = qs.filter(phone_hash=crypto.lookup_hash(normalize_phone(q)))
    elif q:
        qs = qs.filter(name__startswith=q)
    if id_number:
        qs = qs.filter(id_number_hash=crypto.lookup_hash(normalize_id_number(id_number)))
    if phone:
        qs = qs.filter(phone_hash=crypto.lookup_hash(normalize_phone(phone)))
    return qs.order_by("-is_resident", _path_order(), "id")  # residents first, then registered non-residents


def _path_order():
    """unit_path in byte order (paths hold digits and "/"): COLLATE "C" on PostgreSQL, as the index has it
    (the database's own collation may sort "/" after digits or ignore it); SQLite compares bytes already."""
    return Collate("unit_path", "C") if connection.vendor == "postgresql" else F("unit_path")


def _beyond(qs, path: str, pk: int, *, backwards: bool):
    """Rows after (before) the position (unit_path, id): a row comparison that the index scan starts at."""
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    op = "<" if backwards else ">"
    table = Person._meta.db_table
    return qs.extra(where=[f'("{table}"."unit_path"{collate}, "{table}"."id") {op} (%s{collate}, %s)'],  # nosec B610  # identifiers from model metadata, values bound
                    params=[path, pk])


@dataclasses.dataclass
class PeoplePage:
    people: list
    total: int
    first: int  # position of the first row, from 1
    after: int | None  # cursor of the next page (the last row's id), None on the last page
    before: int | None  # cursor of the previous page (the first row's id), None on the first page

    @property
    def last(self) -> int:
        return self.first + len(self.people) - 1 if self.people else self.first - 1


def people_page(*, user, unit=None, q: str = "", qs=None, after: int | None = None, before: int | None = None,
                first: int = 1, size: int | None = None) -> PeoplePage:
    """One page of the people list after (or before) the row with id `after` (`before`) — a keyset
    page: one or two index range scans of `size` + 1 rows wherever the page is. `first` is carried by
    the pager for the "rows x–y" line only. A cursor outside the list starts from the first page.
    `qs`: the search as people_search (or the audited services.people_find) returned it."""
    size = size or PAGE_SIZE
    base = (qs if qs is not None else people_search(user=user, unit=unit, q=q)).order_by()
    cursor_id = after if after is not None else before
    cursor = base.filter(pk=cursor_id).values_list("is_resident", "unit_path", "pk").first() \
        if cursor_id is not None else None
    backwards = cursor is not None and after is None
    sections = [True, False]  # residents first
    if backwards:
        sections = [True] if cursor[0] else [False, True]
    elif cursor is not None:
        sections = [True, False] if cursor[0] else [False]
    path_order = _path_order()
    rows: list = []
    for i, resident in enumerate(sections):
        qs = base.filter(is_resident=resident)
        if cursor is not None and i == 0:
            qs = _beyond(qs, cursor[1], cursor[2], backwards=backwards)
        qs = qs.order_by(path_order.desc(), "-id") if backwards else qs.order_by(path_order.asc(), "id")
        rows += list(qs[:size + 1 - len(rows)])
        if len(rows) > size:
            break
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
        first = max(1, first - len(rows))
        page = PeoplePage(rows, 0, first, rows[-1].pk if rows else None, rows[0].pk if more and rows else None)
    else:
        if cursor is None:
            first = 1
        page = PeoplePage(rows, 0, first, rows[-1].pk if more and rows else None,
                          rows[0].pk if cursor is not None and rows else None)
    page.total = people_total(user=user, unit=unit, q=q)
    return page


def people_total(*, user, unit=None, q: str = "", id_number: str = "", phone: str = "") -> int:
    """How many people the list holds: residents and registered non-residents from the unit tree's tallies
    (one row per area, never a COUNT over a city's people); a search is counted directly (its rows are
    few)."""
    if q or id_number or phone:
        return people_search(user=user, unit=unit, q=q, id_number=id_number, phone=phone).count()
    prefixes = [unit.path] if unit is not None else scope_prefixes(user)
    if not prefixes:
        return 0
    return people_under(prefixes)


def person_get(*, user, pk: int) -> Person:
    """The access helper for people: 404 when unknown or outside the user's area."""
    person = scope_filter(Person.objects.select_related("household", "party_membership__org"), user,
                          "unit_path").filter(pk=pk).first()
    if person is None:
        raise NotFound()
    return person


def people_in_scope_with_id_hash_in(*, user, hashes: list[str]):
    """People with one of these identity-number hashes that `user` may read (everyone for the system,
    user=None): the only people a duplicate check may report or a write may link to (issue 10, item 6)."""
    qs = Person.objects.filter(id_number_hash__in=hashes)
    return qs if user is None else scope_filter(qs, user, "unit_path")


def people_in_scope_with_id_hash(*, user, id_number_hash: str):
    return people_in_scope_with_id_hash_in(user=user, hashes=[id_number_hash])


def people_registered_twice(*, user):
    """People in the user's area whose identity number is registered more than once in that area: the
    records a duplicate check could not see when they were made (issue 10, item 6), for an official
    above both to merge or correct."""
    from django.db.models import Count

    visible = scope_filter(Person.objects.exclude(id_number_hash=""), user, "unit_path")
    twice = visible.values("id_number_hash").annotate(n=Count("id")).filter(n__gt=1).values("id_number_hash")
    return visible.filter(id_number_hash__in=twice).order_by("id_number_hash", "id")


# ---------------------------------------------------------------- party-member central households (A2)


def central_household_get(*, user, pk: int) -> CentralHousehold:
    return scoped_get(CentralHousehold.objects.select_related("member__person", "grid"), user=user, pk=pk)


def central_households_in(*, user, grid: Unit):
    """The central households of a grid with the number of households each looks after and its last visit."""
    return (scope_filter(CentralHousehold.objects.filter(grid=grid), user, "unit_path")
            .select_related("member__person")
            .annotate(household_count=Count("households", distinct=True), last_visit=Max("visits__visited_on"))
            .order_by("id"))


def grid_households(grid: Unit):
    """The households of a grid (the list a central household's neighbours are chosen on)."""
    return Unit.objects.filter(subtree_q(grid.path), kind=UnitKind.HOUSEHOLD).order_by("path")


def grid_household_points(grid: Unit) -> list[dict]:
    """The grid's households on the neighbour map: one dot per point, {ids, names, lat, lng}. A household
    without a point of its own stands at its building's (or compound's) point, so the households of one
    building share a dot and are chosen together on the map (one by one on the list)."""
    households = list(grid_households(grid).order_by("id").values_list("id", "name", "lat", "lng", "parent_id"))
    parents = {pk: (lat, lng, parent) for pk, lat, lng, parent in
               Unit.objects.filter(subtree_q(grid.path), kind__in=[UnitKind.BUILDING, UnitKind.COMPOUND])
               .values_list("id", "lat", "lng", "parent_id")}
    dots: dict[tuple, dict] = {}
    for pk, name, lat, lng, parent in households:
        while lat is None and parent in parents:  # up to the building's or compound's point
            lat, lng, parent = parents[parent]
        if lat is None or lng is None:
            continue
        dot = dots.setdefault((lat, lng), {"ids": [], "names": [], "lat": lat, "lng": lng})
        dot["ids"].append(pk)
        dot["names"].append(name)
    return list(dots.values())


def members_living_in(grid: Unit):
    """Party members who live in the grid and are not yet a central household."""
    return (PartyMembership.objects.filter(subtree_q(grid.path, "person__unit_path"), central_household__isnull=True)
            .select_related("person").order_by("person__name", "id"))


def central_visits(ch: CentralHousehold):
    return ch.visits.select_related("household").order_by("-visited_on", "-id")


def central_coverage(unit: Unit) -> list[dict]:
    """Per grid at or under `unit`: households looked after by a central household / households (the tally).
    Three queries whatever the number of grids."""
    if unit.kind not in (UnitKind.STREET, UnitKind.COMMUNITY, UnitKind.GRID):
        return []
    grids = list(Unit.objects.filter(subtree_q(unit.path), kind=UnitKind.GRID).select_related("tally")
                 .order_by("code")[:500])
    through = CentralHousehold.households.through
    covered = dict(through.objects.filter(centralhousehold__grid__in=grids)
                   .values("centralhousehold__grid_id").annotate(n=Count("unit_id", distinct=True))
                   .values_list("centralhousehold__grid_id", "n"))
    out = []
    for g in grids:
        total = getattr(getattr(g, "tally", None), "household", 0) or 0
        n = covered.get(g.pk, 0)
        out.append({"grid": g, "covered": n, "households": total, "share": n / total if total else None})
    return out
