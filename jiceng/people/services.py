"""Writes to people, party memberships and central households."""

import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core import crypto
from jiceng.core.audit import audit_record
from jiceng.core.bulk import adapt, insert_rows, reserve_ids
from jiceng.core.errors import Conflict, ValidationFailed
from jiceng.core.pii import (
    id_birth_date,
    id_gender,
    mask_id_number,
    mask_phone,
    validate_id_number,
    validate_phone,
)
from jiceng.core.scope import require_scope, require_scope_all, scope_prefixes
from jiceng.orgs import tally
from jiceng.orgs.models import PartyOrg, Unit, UnitKind
from jiceng.people import selectors
from jiceng.people.models import CentralHousehold, CentralHouseholdVisit, Gender, PartyMembership, Person

PII_FIELDS = {"id_number", "phone"}


def pii_columns(*, id_number: str = "", phone: str = "") -> dict:
    """Encrypted, hashed and masked columns for the given (already normalized) values."""
    cols = {}
    cols["id_number_enc"] = crypto.encrypt(id_number) if id_number else ""
    cols["id_number_hash"] = crypto.lookup_hash(id_number) if id_number else ""
    cols["id_number_masked"] = mask_id_number(id_number)
    cols["phone_enc"] = crypto.encrypt(phone) if phone else ""
    cols["phone_hash"] = crypto.lookup_hash(phone) if phone else ""
    cols["phone_masked"] = mask_phone(phone)
    return cols


def validate_person_fields(*, name: str, gender: str | None, birth_date, id_number: str, phone: str,
                           household: Unit | None):
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("A person needs a name."), field="name")
    if len(name) > 60:
        raise ValidationFailed(_("A name has at most 60 characters."), field="name")
    norm_id = validate_id_number(id_number) if id_number else ""
    norm_phone = validate_phone(phone) if phone else ""
    if norm_id:
        if birth_date and birth_date != id_birth_date(norm_id):
            raise ValidationFailed(_("The birth date does not match the identity number."), field="birth_date")
        birth_date = id_birth_date(norm_id)
        if gender and gender != id_gender(norm_id):
            raise ValidationFailed(_("The gender does not match the identity number."), field="gender")
        gender = id_gender(norm_id)
    if gender not in Gender.values:
        raise ValidationFailed(_("Gender is M or F."), field="gender")
    if household is not None and household.kind != UnitKind.HOUSEHOLD:
        raise ValidationFailed(_("A person is registered in a household."), field="household")
    return name, gender, birth_date, norm_id, norm_phone


def _lock_id_number(id_number_hash: str) -> None:
    """Serialize concurrent registrations of one identity number (PostgreSQL; SQLite writes one at a time)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [id_number_hash])


def person_create(*, actor, household: Unit, name: str, gender: str | None = None,
                  birth_date: datetime.date | None = None, id_number: str = "", phone: str = "",
                  is_resident: bool = True) -> Person:
    """Register a person in a household.

    The duplicate check looks only inside the actor's area: a number registered elsewhere in the city is
    answered exactly like an unknown one, and a second record is made here (never a link to the record
    outside, never a hint that it exists). Officials above both areas see the two records side by side
    (`people_registered_twice`)."""
    require_scope(actor, household.path, "write")
    name, gender, birth_date, norm_id, norm_phone = validate_person_fields(
        name=name, gender=gender, birth_date=birth_date, id_number=id_number, phone=phone, household=household)
    with transaction.atomic():
        cols = pii_columns(id_number=norm_id, phone=norm_phone)
        if norm_id:
            _lock_id_number(cols["id_number_hash"])
            if selectors.people_in_scope_with_id_hash(user=actor, id_number_hash=cols["id_number_hash"]).exists():
                raise Conflict(_("A person with this identity number is already registered."), field="id_number")
        person = Person.objects.create(name=name, gender=gender, birth_date=birth_date, household=household,
                                       unit_path=household.path, is_resident=is_resident, **cols)
        tally.on_people_added([(household.path, is_resident)])
        audit_record(actor=actor, action="person.create", obj=person,
                     changes={"name": name, "household": household.code,
                              "id_number": "(set)" if norm_id else "", "phone": "(set)" if norm_phone else ""})
    return person


def people_find(*, actor, unit: Unit | None = None, q: str = "", id_number: str = "", phone: str = ""):
    """A people search that is recorded: searching by an exact identity or phone number is a reveal
    (it confirms a guess), so it looks only where the actor has `reveal_pii` and every search is in the
    audit log (what it searched by, never the value)."""
    kind = selectors.search_kind(q=q, id_number=id_number, phone=phone)
    qs = selectors.people_search(user=actor, unit=unit, q=q, id_number=id_number, phone=phone)
    if kind:
        changes = {"by": kind}
        if kind in ("id_number", "phone"):
            changes["may_reveal"] = bool(scope_prefixes(actor, "reveal_pii"))
        with transaction.atomic():
            audit_record(actor=actor, action="person.search", object_type="people.person",
                         unit_path=unit.path if unit is not None else "", changes=changes)
    return qs


def people_bulk_create(*, actor, people: list[Person], note: str = "") -> int:
    """Insert already-validated Person rows (demo city, imports) in one transaction; one audit event."""
    if not people:
        return 0
    paths = {p.unit_path for p in people}
    require_scope_all(actor, paths, "write")
    with transaction.atomic():
        _insert_people(people)
        tally.on_people_added([(p.unit_path, p.is_resident) for p in people])
        audit_record(actor=actor, action="person.bulk_create", object_type="people.person",
                     unit_path=min(paths, key=len), changes={"count": len(people), "note": note})
    return len(people)


PERSON_FIELDS = ["id", "name", "gender", "birth_date", "id_number_enc", "id_number_hash", "id_number_masked",
                 "phone_enc", "phone_hash", "phone_masked", "household", "unit_path", "is_resident", "created_at",
                 "updated_at"]


def _insert_people(people: list[Person]) -> None:
    ids = reserve_ids(Person, len(people))
    now = adapt(Person, "created_at", timezone.now())
    rows = []
    for pk, p in zip(ids, people, strict=True):
        p.pk = pk
        p._state.adding, p._state.db = False, "default"
        rows.append((pk, p.name, p.gender, adapt(Person, "birth_date", p.birth_date), p.id_number_enc, p.id_number_hash,
                     p.id_number_masked, p.phone_enc, p.phone_hash, p.phone_masked, p.household_id, p.unit_path,
                     p.is_resident, now, now))
    insert_rows(Person, PERSON_FIELDS, rows)


def person_update(*, actor, person: Person, name: str | None = None, phone: str | None = None,
                  household: Unit | None = None, is_resident: bool | None = None) -> Person:
    require_scope(actor, person.unit_path, "write")
    if household is not None:
        require_scope(actor, household.path, "write")
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        was = (person.unit_path, person.is_resident)
        changes = {}
        if name is not None:
            name = name.strip()
            if not name:
                raise ValidationFailed(_("A person needs a name."), field="name")
            if name != person.name:
                changes["name"] = [person.name, name]
                person.name = name
        if phone is not None:
            norm = validate_phone(phone) if phone else ""
            cols = pii_columns(phone=norm)
            if cols["phone_hash"] != person.phone_hash:
                person.phone_enc, person.phone_hash, person.phone_masked = (
                    cols["phone_enc"], cols["phone_hash"], cols["phone_masked"])
                changes["phone"] = "(changed)"
        if household is not None and household.pk != person.household_id:
            if household.kind != UnitKind.HOUSEHOLD:
                raise ValidationFailed(_("A person is registered in a household."), field="household")
            changes["household"] = [person.household.code if person.household else None, household.code]
            person.household, person.unit_path = household, household.path
        if is_resident is not None and is_resident != person.is_resident:
            changes["is_resident"] = [person.is_resident, is_resident]
            person.is_resident = is_resident
        if changes:
            person.save()
            if was != (person.unit_path, person.is_resident):
                tally.on_people_added([was], sign=-1)
                tally.on_people_added([(person.unit_path, person.is_resident)])
            audit_record(actor=actor, action="person.update", obj=person, changes=changes)
    return person


def person_reveal(*, actor, person: Person, field: str) -> str:
    """The full identity or phone number, for roles that may see it; the reveal is audited."""
    if field not in PII_FIELDS:
        raise ValidationFailed(_("Only identity and phone numbers are revealed."), field="field")
    require_scope(actor, person.unit_path, "reveal_pii")
    token = person.id_number_enc if field == "id_number" else person.phone_enc
    with transaction.atomic():
        audit_record(actor=actor, action="person.reveal", obj=person, changes={"field": field})
    return crypto.decrypt(token)


def party_membership_set(*, actor, person: Person, org: PartyOrg, joined_on=None, in_service: bool = False,
                         employer: str = "") -> PartyMembership:
    """Set the member's one organization relation (moving it if it exists)."""
    require_scope(actor, org.unit_path, "write")
    with transaction.atomic():
        membership = PartyMembership.objects.select_for_update().filter(person=person).first()
        old = membership.org_id if membership else None
        if membership is None:
            membership = PartyMembership(person=person)
        else:
            require_scope(actor, membership.unit_path, "write")
        membership.org, membership.unit_path = org, org.unit_path
        membership.joined_on, membership.in_service, membership.employer = joined_on, in_service, employer
        membership.save()
        audit_record(actor=actor, action="party_membership.set", obj=membership,
                     changes={"person": person.pk, "org": [old, org.pk]})
    return membership


def _central_households_check(grid: Unit, households: list[Unit]) -> None:
    outside = [h.code for h in households if h.kind != UnitKind.HOUSEHOLD or not h.path.startswith(grid.path)]
    if outside:
        raise ValidationFailed(_("These are not households of the grid: %(codes)s") % {"codes": ", ".join(outside)},
                               field="households")
    if len(households) > 100:
        raise ValidationFailed(_("A central household looks after at most 100 households."), field="households")


def central_household_create(*, actor, member: PartyMembership, grid: Unit, households: list[Unit]):
    """党员中心户: a party member living in the grid looks after neighbouring households of the same grid."""
    require_scope(actor, grid.path, "write")
    if grid.kind != UnitKind.GRID:
        raise ValidationFailed(_("A central household is set up in a grid."), field="grid")
    if not member.person.unit_path.startswith(grid.path):
        raise ValidationFailed(_("%(name)s does not live in %(grid)s: a central household looks after neighbours.")
                               % {"name": member.person.name, "grid": grid.name}, field="member")
    _central_households_check(grid, households)
    with transaction.atomic():
        if CentralHousehold.objects.filter(member=member).exists():
            raise Conflict(_("%(name)s is already a central household.") % {"name": member.person.name},
                           field="member")
        ch = CentralHousehold.objects.create(member=member, grid=grid, unit_path=grid.path)
        ch.households.set(households)
        audit_record(actor=actor, action="central_household.create", obj=ch,
                     changes={"member": member.pk, "households": len(households)})
    return ch


def central_household_set_households(*, actor, ch: CentralHousehold, households: list[Unit]) -> CentralHousehold:
    """Change the households a central household looks after (chosen on a list of the grid's households)."""
    require_scope(actor, ch.unit_path, "write")
    grid = Unit.objects.get(pk=ch.grid_id)
    _central_households_check(grid, households)
    with transaction.atomic():
        ch = CentralHousehold.objects.select_for_update().get(pk=ch.pk)
        old = set(ch.households.values_list("pk", flat=True))
        ch.households.set(households)
        new = {h.pk for h in households}
        audit_record(actor=actor, action="central_household.set_households", obj=ch,
                     changes={"added": len(new - old), "removed": len(old - new), "households": len(new)})
    return ch


def central_household_visit_log(*, actor, ch: CentralHousehold, household: Unit, visited_on: datetime.date,
                                note: str = "", today: datetime.date | None = None) -> CentralHouseholdVisit:
    """Log a visit to one of the households the central household looks after."""
    require_scope(actor, ch.unit_path, "write")
    today = today or timezone.localdate()
    if not ch.households.filter(pk=household.pk).exists():
        raise ValidationFailed(_("%(household)s is not one of the households looked after.")
                               % {"household": household.name}, field="household")
    if visited_on > today:
        raise ValidationFailed(_("A visit cannot be logged before it happens."), field="visited_on")
    if visited_on.year < 2000:
        raise ValidationFailed(_("The date is out of range."), field="visited_on")
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationFailed(_("A note has at most 500 characters."), field="note")
    with transaction.atomic():
        visit = CentralHouseholdVisit.objects.create(central_household=ch, household=household,
                                                     unit_path=household.path, visited_on=visited_on, note=note)
        audit_record(actor=actor, action="central_household.visit", obj=visit,
                     changes={"central_household": ch.pk, "visited_on": visited_on})
    return visit
