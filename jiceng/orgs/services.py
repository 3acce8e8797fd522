"""Writes to units, party organizations and big committees. Every one checks scope, runs in a
transaction and writes the audit log."""

import datetime
import re

import shapely
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core.audit import audit_record
from jiceng.core.bulk import adapt, insert_rows, reserve_ids
from jiceng.core.errors import Conflict, NotFound, ValidationFailed
from jiceng.core.paths import moved_path, rewrite_paths
from jiceng.core.scope import require_scope, subtree_q
from jiceng.orgs import tally
from jiceng.orgs.models import (
    CHILD_KIND,
    CODE_LENGTH,
    PARENT_KIND,
    PARTY_ORG_PARENT_KINDS,
    PARTY_ORG_UNIT_KINDS,
    BigCommittee,
    CommitteeLevel,
    PartTimeMember,
    PartTimeSource,
    PartyOrg,
    PartyOrgKind,
    Unit,
    UnitKind,
)


def unit_codes(path: str) -> list[str]:
    return [c for c in path.split("/") if c]


def unit_path_for(parent: Unit | None, code: str) -> str:
    return (parent.path if parent else "/") + code + "/"


def code_extends(parent: Unit, code: str) -> bool:
    if parent.kind == UnitKind.CITY:
        # GB/T 2260: a county of city 141000 is 1410xx.
        return code[:4] == parent.code[:4] and code != parent.code
    return code.startswith(parent.code)


def validate_unit_fields(*, parent: Unit | None, kind: str, code: str, name: str) -> tuple[str, str]:
    """Check the single-unit rules; return (code, name) normalized. Raises ValidationFailed."""
    code = (code or "").strip()
    name = (name or "").strip()
    if kind not in CODE_LENGTH:
        raise ValidationFailed(_("Unknown unit kind “%(kind)s”.") % {"kind": kind}, field="kind")
    if not name:
        raise ValidationFailed(_("A unit needs a name."), field="name")
    if len(name) > 120:
        raise ValidationFailed(_("A unit name has at most 120 characters."), field="name")
    if kind == UnitKind.CITY:
        if parent is not None:
            raise ValidationFailed(_("A city is the top of the tree and has no parent."), field="parent")
    else:
        if parent is None:
            raise ValidationFailed(_("A unit of this kind needs a parent unit."), field="parent")
        if CHILD_KIND.get(parent.kind) != kind:
            raise ValidationFailed(
                _("A %(parent)s can only contain a %(child)s, not a %(kind)s.")
                % {"parent": UnitKind(parent.kind).label, "child": UnitKind(CHILD_KIND[parent.kind]).label
                   if parent.kind in CHILD_KIND else "-", "kind": UnitKind(kind).label},
                field="kind",
            )
    length = CODE_LENGTH[kind]
    if not re.fullmatch(r"\d{%d}" % length, code):
        raise ValidationFailed(
            _("The code of a %(kind)s has exactly %(n)d digits.") % {"kind": UnitKind(kind).label, "n": length},
            field="code",
        )
    if parent is not None and not code_extends(parent, code):
        raise ValidationFailed(
            _("The code %(code)s does not extend its parent's code %(parent)s.") % {"code": code, "parent": parent.code},
            field="code",
        )
    return code, name


def _geometry_fields(geometry) -> dict:
    if geometry is None:
        return {}
    if isinstance(geometry, dict):
        try:
            geometry = shapely.geometry.shape(geometry)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise ValidationFailed(_("The geometry is not valid GeoJSON: %(err)s") % {"err": exc},
                                   field="geometry") from None
    if geometry.is_empty or not geometry.is_valid:
        raise ValidationFailed(_("The geometry is empty or invalid (self-intersecting?)."), field="geometry")
    point = geometry.representative_point()
    return {"geom": shapely.to_wkb(geometry), "lat": point.y, "lng": point.x}


def unit_create(*, actor, parent: Unit | None, kind: str, code: str, name: str, geometry=None,
                address: str = "") -> Unit:
    if parent is None:
        if actor is not None and not getattr(actor, "is_superuser", False):
            raise NotFound()
    else:
        require_scope(actor, parent.path, "structure")
    code, name = validate_unit_fields(parent=parent, kind=kind, code=code, name=name)
    with transaction.atomic():
        if Unit.objects.filter(code=code).exists():
            raise Conflict(_("The code %(code)s is already used by another unit.") % {"code": code}, field="code")
        unit = Unit(kind=kind, code=code, name=name, parent=parent, path=unit_path_for(parent, code),
                    depth=(parent.depth + 1) if parent else 0, address=address.strip(),
                    **_geometry_fields(geometry))
        try:
            with transaction.atomic():
                unit.save()
        except IntegrityError:
            raise Conflict(_("The code %(code)s is already used by another unit.") % {"code": code},
                           field="code") from None
        tally.on_units_created([unit])
        audit_record(actor=actor, action="unit.create", obj=unit,
                     changes={"kind": kind, "code": code, "name": name, "parent": parent.code if parent else None})
    return unit


def units_bulk_create(*, actor, units: list[Unit], note: str = "") -> int:
    """Create many validated units in one transaction (demo city, imports); one audit event."""
    if not units:
        return 0
    seen = set()
    for u in units:
        u.code, u.name = validate_unit_fields(parent=u.parent, kind=u.kind, code=u.code, name=u.name)
        if u.code in seen:
            raise Conflict(_("The code %(code)s appears twice.") % {"code": u.code}, field="code")
        seen.add(u.code)
        u.path = unit_path_for(u.parent, u.code)
        u.depth = (u.parent.depth + 1) if u.parent else 0
    parents = {u.parent.path for u in units if u.parent}
    for path in parents:
        require_scope(actor, path, "structure")
    with transaction.atomic():
        existing = set(Unit.objects.filter(code__in=list(seen)).values_list("code", flat=True)) if len(seen) < 5000 \
            else None
        if existing:
            raise Conflict(_("These codes are already used: %(codes)s") % {"codes": ", ".join(sorted(existing)[:10])},
                           field="code")
        try:
            with transaction.atomic():
                _insert_units(units)
        except IntegrityError:
            raise Conflict(_("Some of these codes are already used by other units."), field="code") from None
        tally.on_units_created(units)
        audit_record(actor=actor, action="unit.bulk_create", object_type="orgs.unit",
                     unit_path=min(parents, key=len) if parents else "",
                     changes={"count": len(units), "first": units[0].code, "last": units[-1].code, "note": note})
    return len(units)


def _insert_units(units: list[Unit]) -> None:
    ids = reserve_ids(Unit, len(units))
    now = adapt(Unit, "created_at", timezone.now())
    fields = ["id", "kind", "code", "name", "parent", "path", "depth", "geom", "lat", "lng", "address",
              "created_at", "updated_at"]
    rows = []
    for pk, u in zip(ids, units, strict=True):
        u.pk = pk
        u._state.adding, u._state.db = False, "default"
        rows.append((pk, u.kind, u.code, u.name, u.parent_id, u.path, u.depth, u.geom, u.lat, u.lng, u.address,
                     now, now))
    insert_rows(Unit, fields, rows)


def unit_update(*, actor, unit: Unit, name: str | None = None, geometry=None, address: str | None = None) -> Unit:
    require_scope(actor, unit.path, "structure")
    changes = {}
    with transaction.atomic():
        unit = Unit.objects.select_for_update(no_key=True).get(pk=unit.pk)
        if name is not None:
            _code, name = validate_unit_fields(parent=unit.parent, kind=unit.kind, code=unit.code, name=name)
            if name != unit.name:
                changes["name"] = [unit.name, name]
                unit.name = name
        if address is not None and address.strip() != unit.address:
            changes["address"] = [unit.address, address.strip()]
            unit.address = address.strip()
        if geometry is not None:
            for key, value in _geometry_fields(geometry).items():
                setattr(unit, key, value)
            changes["geometry"] = "(changed)"
        if changes:
            unit.save()
            audit_record(actor=actor, action="unit.update", obj=unit, changes=changes)
    return unit


def unit_move(*, actor, unit: Unit, new_parent: Unit, new_code: str | None = None) -> Unit:
    """Move a unit (and its subtree) under another parent of the right kind.

    Codes extend their parent's code, so the unit gets a new code (by default the new parent's code
    followed by the unit's own last digits) and every code and path below it is rewritten.
    """
    require_scope(actor, unit.path, "structure")
    require_scope(actor, new_parent.path, "structure")
    with transaction.atomic():
        unit = Unit.objects.select_for_update(of=("self",)).select_related("parent").get(pk=unit.pk)
        new_parent = Unit.objects.get(pk=new_parent.pk)
        if new_parent.path.startswith(unit.path):
            raise ValidationFailed(_("A unit cannot be moved under itself or one of its own units."),
                                   field="parent")
        if PARENT_KIND.get(unit.kind) != new_parent.kind:
            raise ValidationFailed(
                _("A %(kind)s can only be moved under a %(parent)s.")
                % {"kind": UnitKind(unit.kind).label, "parent": UnitKind(PARENT_KIND[unit.kind]).label
                   if unit.kind in PARENT_KIND else "-"},
                field="parent",
            )
        if new_parent.pk == unit.parent_id:
            return unit
        old_code, old_path = unit.code, unit.path
        if new_code is None:
            suffix_len = CODE_LENGTH[unit.kind] - CODE_LENGTH[new_parent.kind] if new_parent.kind != "city" else 2
            new_code = (new_parent.code[:4] if new_parent.kind == "city" else new_parent.code) + old_code[-suffix_len:]
        new_code, _name = validate_unit_fields(parent=new_parent, kind=unit.kind, code=new_code, name=unit.name)
        if Unit.objects.filter(code=new_code).exclude(pk=unit.pk).exists():
            raise Conflict(_("The code %(code)s is already used by another unit.") % {"code": new_code},
                           field="code")
        new_path = unit_path_for(new_parent, new_code)
        totals = tally.subtree_totals(unit)
        depth_delta = new_parent.depth + 1 - unit.depth
        descendants = Unit.objects.filter(subtree_q(old_path)).exclude(pk=unit.pk)
        # Codes below extend this unit's code: swap the prefix. Paths: swap the path prefix.
        codes = list(descendants.values_list("code", flat=True))
        clashes = Unit.objects.filter(code__in=[new_code + c[len(old_code):] for c in codes[:5000]]).exclude(
            subtree_q(old_path)).exists() if codes else False
        if clashes:
            raise Conflict(_("Codes below the moved unit would collide with existing codes."), field="code")
        descendants.update(
            code=Concat(Value(new_code), Substr(F("code"), len(old_code) + 1)),
            path=moved_path("path", old_path, new_path, old_code, new_code),
            depth=F("depth") + depth_delta,
        )
        unit.parent, unit.code, unit.path, unit.depth = new_parent, new_code, new_path, new_parent.depth + 1
        unit.save()
        rows = rewrite_paths(old_path, new_path, old_code, new_code, exclude=(Unit,))
        tally.on_unit_moved(unit_codes(old_path)[:-1], unit_codes(new_path)[:-1], totals)
        audit_record(actor=actor, action="unit.move", obj=unit,
                     changes={"code": [old_code, new_code], "path": [old_path, new_path],
                              "descendants": len(codes), "copied_paths": rows})
    return unit


def _chain_check(*, kind: str, unit: Unit, parent: PartyOrg | None) -> None:
    """The rules of the chain (A2): the kind sits on its kind of unit, under a parent of the kind above it
    that sits on a unit above (or, for a unit organization or a group under a community's branch, on) its
    own. Raises ValidationFailed naming the field."""
    if kind not in PartyOrgKind.values:
        raise ValidationFailed(_("Unknown party organization kind “%(kind)s”.") % {"kind": kind}, field="kind")
    if unit.kind not in PARTY_ORG_UNIT_KINDS[kind]:
        raise ValidationFailed(
            _("A %(org)s cannot sit on a %(unit)s.") % {"org": PartyOrgKind(kind).label,
                                                         "unit": UnitKind(unit.kind).label}, field="kind")
    allowed = PARTY_ORG_PARENT_KINDS[kind]
    if not allowed:
        if parent is not None:
            raise ValidationFailed(_("A city party committee is the top of the chain and has no parent."),
                                   field="parent")
        return
    if parent is None:
        raise ValidationFailed(
            _("A %(org)s sits under a %(parent)s: choose its parent organization.")
            % {"org": PartyOrgKind(kind).label, "parent": PartyOrgKind(allowed[0]).label}, field="parent")
    if parent.kind not in allowed:
        raise ValidationFailed(
            _("A %(org)s cannot sit under a %(parent)s; it sits under a %(expected)s.")
            % {"org": PartyOrgKind(kind).label, "parent": PartyOrgKind(parent.kind).label,
               "expected": " / ".join(str(PartyOrgKind(k).label) for k in allowed)}, field="parent")
    if not unit.path.startswith(parent.unit_path) or (parent.unit_path == unit.path and kind != "unit_org"):
        raise ValidationFailed(_("The parent organization must sit on a unit above this one (%(unit)s).")
                               % {"unit": unit.name}, field="parent")


def party_org_create(*, actor, unit: Unit, kind: str, name: str, parent: PartyOrg | None = None,
                     secretary=None, established_on: datetime.date | None = None) -> PartyOrg:
    require_scope(actor, unit.path, "structure")
    name = _party_org_name(name)
    _chain_check(kind=kind, unit=unit, parent=parent)
    with transaction.atomic():
        org = PartyOrg.objects.create(kind=kind, name=name, unit=unit, unit_path=unit.path, parent=parent,
                                      secretary=secretary, established_on=established_on)
        audit_record(actor=actor, action="party_org.create", obj=org,
                     changes={"kind": kind, "name": name, "unit": unit.code,
                              "parent": parent.pk if parent else None})
    return org


def _party_org_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("A party organization needs a name."), field="name")
    if len(name) > 120:
        raise ValidationFailed(_("A party organization's name has at most 120 characters."), field="name")
    return name


def party_org_rename(*, actor, org: PartyOrg, name: str) -> PartyOrg:
    require_scope(actor, org.unit_path, "structure")
    name = _party_org_name(name)
    with transaction.atomic():
        org = PartyOrg.objects.select_for_update().get(pk=org.pk)
        old = org.name
        if name != old:
            org.name = name
            org.save(update_fields=["name"])
            audit_record(actor=actor, action="party_org.rename", obj=org, changes={"name": [old, name]})
    return org


def party_org_move(*, actor, org: PartyOrg, parent: PartyOrg, unit: Unit | None = None) -> PartyOrg:
    """Put an organization under another parent (and, optionally, on another unit of its kind): a grid branch
    whose grid now belongs to another community goes under that community's committee. The organizations
    under it keep their units; each must still sit below the moved one."""
    require_scope(actor, org.unit_path, "structure")
    require_scope(actor, parent.unit_path, "structure")
    unit = unit or org.unit
    require_scope(actor, unit.path, "structure")
    with transaction.atomic():
        org = PartyOrg.objects.select_for_update(of=("self",)).select_related("unit").get(pk=org.pk)
        parent = PartyOrg.objects.get(pk=parent.pk)
        if parent.pk == org.pk or _is_below(parent, org):
            raise ValidationFailed(_("An organization cannot be put under itself or one of its own organizations."),
                                   field="parent")
        _chain_check(kind=org.kind, unit=unit, parent=parent)
        if unit.pk != org.unit_id and PartyOrg.objects.filter(parent=org).exclude(
                unit_path__startswith=unit.path).exists():
            raise ValidationFailed(_("Organizations under this one sit on units outside %(unit)s: move them first.")
                                   % {"unit": unit.name}, field="unit")
        old = {"parent": org.parent_id, "unit": org.unit.code}
        org.parent, org.unit, org.unit_path = parent, unit, unit.path
        org.save(update_fields=["parent", "unit", "unit_path"])
        audit_record(actor=actor, action="party_org.move", obj=org,
                     changes={"parent": [old["parent"], parent.pk], "unit": [old["unit"], unit.code]})
    return org


def _is_below(candidate: PartyOrg, org: PartyOrg) -> bool:
    """Whether `candidate` lies under `org` in the chain (walks up at most the chain's depth)."""
    seen = 0
    node = candidate
    while node.parent_id and seen < 12:
        if node.parent_id == org.pk:
            return True
        node = PartyOrg.objects.only("parent_id").get(pk=node.parent_id)
        seen += 1
    return False


def party_org_dissolve(*, actor, org: PartyOrg) -> None:
    """Dissolve (delete) an organization. Refused while organizations sit under it or members belong to it:
    they are moved first, so that no member is left without an organization."""
    require_scope(actor, org.unit_path, "structure")
    with transaction.atomic():
        org = PartyOrg.objects.select_for_update().get(pk=org.pk)
        children = PartyOrg.objects.filter(parent=org).count()
        if children:
            raise Conflict(_("%(org)s still has %(n)d organizations under it: move or dissolve them first.")
                           % {"org": org.name, "n": children}, field="org")
        members = org.memberships.count()
        if members:
            raise Conflict(_("%(org)s still has %(n)d party members: transfer their membership first.")
                           % {"org": org.name, "n": members}, field="org")
        label = {"kind": org.kind, "name": org.name, "unit_path": org.unit_path}
        try:
            with transaction.atomic():
                pk = org.pk
                org.delete()
        except ProtectedError:
            raise Conflict(_("%(org)s is still referred to by other records (a roster, an appointment): "
                             "end those first.") % {"org": label["name"]}, field="org") from None
        audit_record(actor=actor, action="party_org.dissolve", object_type="orgs.partyorg", object_id=pk,
                     unit_path=label["unit_path"], changes=label)


def party_org_set_secretary(*, actor, org: PartyOrg, secretary) -> PartyOrg:
    require_scope(actor, org.unit_path, "structure")
    with transaction.atomic():
        old = org.secretary_id
        org.secretary = secretary
        org.save(update_fields=["secretary"])
        audit_record(actor=actor, action="party_org.set_secretary", obj=org,
                     changes={"secretary": [old, secretary.pk if secretary else None]})
    return org


def _term_check(term_start, term_end) -> None:
    if not isinstance(term_start, datetime.date) or not isinstance(term_end, datetime.date):
        raise ValidationFailed(_("A term needs a start and an end date."), field="term_start")
    if term_end <= term_start:
        raise ValidationFailed(_("The term must end after it starts."), field="term_end")
    if (term_end - term_start).days > 366 * 6:
        raise ValidationFailed(_("A term lasts at most six years."), field="term_end")


def _overlapping(unit: Unit, term_start, term_end, exclude_pk=None):
    qs = BigCommittee.objects.filter(unit=unit, term_start__lte=term_end, term_end__gte=term_start)
    return qs.exclude(pk=exclude_pk) if exclude_pk else qs


def big_committee_create(*, actor, unit: Unit, term_start: datetime.date, term_end: datetime.date,
                         established_on: datetime.date | None = None) -> BigCommittee:
    """Set up a street 大工委 or community 大党委 for a term (terms of one unit never overlap)."""
    require_scope(actor, unit.path, "structure")
    if unit.kind not in (UnitKind.STREET, UnitKind.COMMUNITY):
        raise ValidationFailed(_("Big committees are set up by streets and communities."), field="unit")
    _term_check(term_start, term_end)
    with transaction.atomic():
        Unit.objects.select_for_update(no_key=True).filter(pk=unit.pk).first()  # one term at a time per unit
        clash = _overlapping(unit, term_start, term_end).first()
        if clash is not None:
            raise Conflict(_("%(unit)s already has a big committee for %(start)s – %(end)s, which overlaps this term.")
                           % {"unit": unit.name, "start": clash.term_start, "end": clash.term_end},
                           field="term_start")
        committee = BigCommittee.objects.create(
            unit=unit, unit_path=unit.path, level=CommitteeLevel(unit.kind), term_start=term_start,
            term_end=term_end, established_on=established_on or term_start)
        audit_record(actor=actor, action="big_committee.create", obj=committee,
                     changes={"unit": unit.code, "term": [term_start, term_end]})
    return committee


def big_committee_renew(*, actor, committee: BigCommittee, term_end: datetime.date,
                        carry_over: bool = True) -> BigCommittee:
    """換届: the next term starts the day after this one ends; the members still serving carry over to it
    (each joins the new term on its first day) unless `carry_over` is off."""
    require_scope(actor, committee.unit_path, "structure")
    term_start = committee.term_end + datetime.timedelta(days=1)
    _term_check(term_start, term_end)
    with transaction.atomic():
        unit = Unit.objects.select_for_update(no_key=True).get(pk=committee.unit_id)
        if _overlapping(unit, term_start, term_end).exists():
            raise Conflict(_("The next term of this big committee is already set up."), field="term_end")
        new = BigCommittee.objects.create(unit=unit, unit_path=committee.unit_path, level=committee.level,
                                          term_start=term_start, term_end=term_end, established_on=term_start)
        carried = []
        if carry_over:
            carried = [PartTimeMember(committee=new, unit_path=new.unit_path, name=m.name, person_id=m.person_id,
                                      source=m.source, source_org=m.source_org,
                                      source_party_org_id=m.source_party_org_id, position=m.position,
                                      joined_on=term_start)
                       for m in PartTimeMember.objects.filter(committee=committee, active=True).order_by("id")]
            PartTimeMember.objects.bulk_create(carried)
        audit_record(actor=actor, action="big_committee.renew", obj=new,
                     changes={"previous": committee.pk, "term": [term_start, term_end], "carried": len(carried)})
    return new


def part_time_member_add(*, actor, committee: BigCommittee, name: str, source: str, source_org: str = "",
                         position: str = "", person=None, source_party_org: PartyOrg | None = None,
                         joined_on: datetime.date | None = None) -> PartTimeMember:
    """A part-time member 兼职委员 joins the roster: from a resident unit's party organization (linked to that
    organization), the police, an owners' committee or a property company (named, and linked to the person
    when they are in the people registry)."""
    require_scope(actor, committee.unit_path, "structure")
    if source not in PartTimeSource.values:
        raise ValidationFailed(_("Unknown source “%(s)s”.") % {"s": source}, field="source")
    name = (name or (person.name if person is not None else "")).strip()
    if source_party_org is not None:
        if source != PartTimeSource.UNIT_PARTY_ORG:
            raise ValidationFailed(_("Only a member from a unit party organization is linked to one."),
                                   field="source_party_org")
        if not (source_party_org.unit_path.startswith(committee.unit_path)
                or committee.unit_path.startswith(source_party_org.unit_path)):
            raise ValidationFailed(_("The party organization is not in this committee's area."),
                                   field="source_party_org")
        source_org = (source_org or "").strip() or source_party_org.name
    source_org = (source_org or "").strip()
    if not name:
        raise ValidationFailed(_("A part-time member needs a name."), field="name")
    if not source_org:
        raise ValidationFailed(_("Name the organization the part-time member comes from."), field="source_org")
    if len(name) > 60 or len(source_org) > 120 or len(position or "") > 60:
        raise ValidationFailed(_("A name has at most 60 characters, an organization 120, a position 60."),
                               field="name")
    joined_on = joined_on or committee.term_start  # not given: a member of the term from its start
    if not committee.term_start <= joined_on <= committee.term_end:
        raise ValidationFailed(_("A member joins within the committee's term (%(start)s – %(end)s).")
                               % {"start": committee.term_start, "end": committee.term_end}, field="joined_on")
    with transaction.atomic():
        if person is not None and PartTimeMember.objects.filter(committee=committee, person=person,
                                                                active=True).exists():
            raise Conflict(_("%(name)s is already on this committee's roster.") % {"name": name}, field="person")
        member = PartTimeMember.objects.create(committee=committee, unit_path=committee.unit_path,
                                               name=name, source=source, source_org=source_org,
                                               source_party_org=source_party_org, position=(position or "").strip(),
                                               person=person, joined_on=joined_on)
        audit_record(actor=actor, action="big_committee.add_member", obj=member,
                     changes={"committee": committee.pk, "source": source, "joined_on": joined_on})
    return member


def part_time_member_leave(*, actor, member: PartTimeMember, left_on: datetime.date | None = None) -> PartTimeMember:
    """A part-time member leaves the roster on a day (kept on record: past meetings still count them)."""
    require_scope(actor, member.unit_path, "structure")
    left_on = left_on or timezone.localdate()
    with transaction.atomic():
        member = PartTimeMember.objects.select_for_update(of=("self",)).select_related("committee").get(pk=member.pk)
        if not member.active:
            raise Conflict(_("%(name)s has already left the committee.") % {"name": member.name})
        if left_on < (member.joined_on or member.committee.term_start):
            raise ValidationFailed(_("A member cannot leave before joining."), field="left_on")
        member.active, member.left_on = False, left_on
        member.save(update_fields=["active", "left_on"])
        audit_record(actor=actor, action="big_committee.member_leave", obj=member,
                     changes={"committee": member.committee_id, "left_on": left_on})
    return member
