"""Reads of people, scope-filtered; searches by exact identity or phone number go through the HMAC.

An exact search by number is a reveal (it confirms a guessed number): it looks only where the user may
see numbers in full (`reveal_pii`), elsewhere it finds nothing, exactly as for an unknown number.
The search itself is recorded by `jiceng.people.services.people_find`."""

from jiceng.core import crypto
from jiceng.core.errors import NotFound
from jiceng.core.pii import looks_like_number_search, normalize_id_number, normalize_phone
from jiceng.core.scope import scope_filter, subtree_q
from jiceng.people.models import Person


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
    return qs.order_by("-is_resident", "unit_path", "id")  # residents first, then registered non-residents


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
