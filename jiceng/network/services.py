"""Writes of the one network. Each checks scope, runs in a transaction and writes the audit log."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from jiceng.core.audit import audit_record
from jiceng.core.geo.address import address_key
from jiceng.core.scope import require_scope, subtree_q
from jiceng.network.models import GazetteerEntry, GeometryVersion
from jiceng.orgs.models import CODE_LENGTH, Unit


def geometry_version_bump(*, note: str = "") -> int:
    """Move the geometry version on (inside the caller's transaction): every process rebuilds its index."""
    updated = GeometryVersion.objects.filter(pk=1).update(version=F("version") + 1, note=note[:200])
    if not updated:
        GeometryVersion.objects.get_or_create(pk=1, defaults={"version": 1, "note": note[:200]})
    return GeometryVersion.objects.get(pk=1).version


def admin_prefixes() -> list[str]:
    return list(Unit.objects.filter(kind__in=["city", "county", "street", "community"])
                .values_list("name", flat=True))


def _grid_code(path: str) -> str | None:
    return next((c for c in path.split("/") if len(c) == CODE_LENGTH["grid"]), None)


def gazetteer_keys(*, building: Unit, compound: Unit | None, prefixes) -> dict[str, str]:
    """The ways a building's address is written: {key: address}. Road address, compound + building."""
    out = {}
    texts = []
    if building.address:
        texts.append(building.address)
    if compound is not None:
        texts.append(compound.name + building.name)
    for text in texts:
        try:
            out.setdefault(address_key(text, prefixes)[:200], text[:200])
        except ValueError:
            continue
    return out


def gazetteer_rebuild(*, actor, unit: Unit) -> int:
    """Replace the gazetteer entries of every building under `unit` (one audit event)."""
    require_scope(actor, unit.path, "structure")
    prefixes = admin_prefixes()
    buildings = list(Unit.objects.filter(subtree_q(unit.path), kind="building").select_related("parent")
                     .only("id", "code", "name", "address", "path", "parent__name", "parent__kind"))
    grid_codes = {_grid_code(b.path) for b in buildings} - {None}
    grids = dict(Unit.objects.filter(code__in=grid_codes).values_list("code", "id"))
    rows = []
    for b in buildings:
        grid_id = grids.get(_grid_code(b.path))
        if grid_id is None:
            continue
        compound = b.parent if b.parent and b.parent.kind == "compound" else None
        for key, text in gazetteer_keys(building=b, compound=compound, prefixes=prefixes).items():
            rows.append(GazetteerEntry(key=key, address=text, building_id=b.pk, grid_id=grid_id, unit_path=b.path))
    with transaction.atomic():
        GazetteerEntry.objects.filter(subtree_q(unit.path, "unit_path")).delete()
        GazetteerEntry.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        audit_record(actor=actor, action="gazetteer.rebuild", object_type="network.gazetteerentry",
                     unit_path=unit.path, changes={"buildings": len(buildings), "entries": len(rows)})
    return len(rows)


def gazetteer_add(*, actor, building: Unit, address: str) -> GazetteerEntry:
    """Add one more way of writing a building's address."""
    from jiceng.core.errors import ValidationFailed

    require_scope(actor, building.path, "write")
    if building.kind != "building":
        raise ValidationFailed(_("Gazetteer entries point to buildings."), field="building")
    try:
        key = address_key(address or "", admin_prefixes())
    except ValueError:
        raise ValidationFailed(_("The address is empty."), code="empty_address", field="address") from None
    grid = Unit.objects.get(code=_grid_code(building.path))
    with transaction.atomic():
        entry, _created = GazetteerEntry.objects.get_or_create(
            key=key[:200], building=building,
            defaults={"address": address.strip()[:200], "grid": grid, "unit_path": building.path})
        audit_record(actor=actor, action="gazetteer.add", obj=entry, changes={"building": building.code})
    return entry
