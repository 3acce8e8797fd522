"""Reads of people, scope-filtered; searches by exact identity or phone number go through the HMAC."""

from jiceng.core import crypto
from jiceng.core.errors import NotFound
from jiceng.core.pii import normalize_id_number, normalize_phone
from jiceng.core.scope import scope_filter, subtree_q
from jiceng.people.models import Person


def people_search(*, user, unit=None, q: str = "", id_number: str = "", phone: str = ""):
    qs = scope_filter(Person.objects.select_related("household", "party_membership__org"), user, "unit_path")
    if unit is not None:
        qs = qs.filter(subtree_q(unit.path, "unit_path"))
    q = (q or "").strip()
    if q:
        norm_id = normalize_id_number(q)
        norm_phone = normalize_phone(q)
        if len(norm_id) == 18 and norm_id[:17].isdigit():
            qs = qs.filter(id_number_hash=crypto.lookup_hash(norm_id))
        elif norm_phone.isdigit() and len(norm_phone) >= 7:
            qs = qs.filter(phone_hash=crypto.lookup_hash(norm_phone))
        else:
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
