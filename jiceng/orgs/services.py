"""Writes to units, party organizations and big committees. Every one checks scope, runs in a
transaction and writes the audit log."""

import datetime
import re

import shapely
from django.db import IntegrityError, transaction
from django.db.models import F, Value
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
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
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


def party_org_create(*, actor, unit: Unit, kind: str, name: str, parent: PartyOrg | None = None,
                     secretary=None, established_on: datetime.date | None = None) -> PartyOrg:
    require_scope(actor, unit.path, "structure")
    if kind not in PartyOrgKind.values:
        raise ValidationFailed(_("Unknown party organization kind “%(kind)s”.") % {"kind": kind}, field="kind")
    if unit.kind not in PARTY_ORG_UNIT_KINDS[kind]:
        raise ValidationFailed(
            _("A %(org)s cannot sit on a %(unit)s.") % {"org": PartyOrgKind(kind).label,
                                                         "unit": UnitKind(unit.kind).label}, field="kind")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("A party organization needs a name."), field="name")
    if parent is not None and not unit.path.startswith(parent.unit_path):
        raise ValidationFailed(_("The parent organization must sit on this unit or one above it."), field="parent")
    with transaction.atomic():
        org = PartyOrg.objects.create(kind=kind, name=name, unit=unit, unit_path=unit.path, parent=parent,
                                      secretary=secretary, established_on=established_on)
        audit_record(actor=actor, action="party_org.create", obj=org,
                     changes={"kind": kind, "name": name, "unit": unit.code})
    return org


def party_org_set_secretary(*, actor, org: PartyOrg, secretary) -> PartyOrg:
    require_scope(actor, org.unit_path, "structure")
    with transaction.atomic():
        old = org.secretary_id
        org.secretary = secretary
        org.save(update_fields=["secretary"])
        audit_record(actor=actor, action="party_org.set_secretary", obj=org,
                     changes={"secretary": [old, secretary.pk if secretary else None]})
    return org


def big_committee_create(*, actor, unit: Unit, term_start: datetime.date, term_end: datetime.date,
                         established_on: datetime.date | None = None) -> BigCommittee:
    require_scope(actor, unit.path, "structure")
    if unit.kind not in (UnitKind.STREET, UnitKind.COMMUNITY):
        raise ValidationFailed(_("Big committees are set up by streets and communities."), field="unit")
    if term_end <= term_start:
        raise ValidationFailed(_("The term must end after it starts."), field="term_end")
    with transaction.atomic():
        committee = BigCommittee.objects.create(
            unit=unit, unit_path=unit.path, level=CommitteeLevel(unit.kind), term_start=term_start,
            term_end=term_end, established_on=established_on or term_start)
        audit_record(actor=actor, action="big_committee.create", obj=committee,
                     changes={"unit": unit.code, "term": [term_start, term_end]})
    return committee


def part_time_member_add(*, actor, committee: BigCommittee, name: str, source: str, source_org: str,
                         position: str = "", person=None) -> PartTimeMember:
    require_scope(actor, committee.unit_path, "structure")
    if source not in PartTimeSource.values:
        raise ValidationFailed(_("Unknown source “%(s)s”.") % {"s": source}, field="source")
    if not (name or "").strip() or not (source_org or "").strip():
        raise ValidationFailed(_("A part-time member needs a name and the organization they come from."))
    with transaction.atomic():
        member = PartTimeMember.objects.create(committee=committee, unit_path=committee.unit_path,
                                               name=name.strip(), source=source, source_org=source_org.strip(),
                                               position=position, person=person)
        audit_record(actor=actor, action="big_committee.add_member", obj=member,
                     changes={"committee": committee.pk, "source": source})
    return member
