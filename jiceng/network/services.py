"""Writes of the one network. Each checks scope, runs in a transaction and writes the audit log."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from jiceng.core.audit import audit_record
from jiceng.core.scope import require_scope, require_scope_all, subtree_q
from jiceng.core.text import checked_text
from jiceng.network.models import GazetteerEntry, GeometryVersion
from jiceng.orgs.models import CODE_LENGTH, Unit


def geometry_version_bump(*, note: str = "") -> int:
    """Move the geometry version on (inside the caller's transaction): every process rebuilds its index."""
    updated = GeometryVersion.objects.filter(pk=1).update(version=F("version") + 1, note=note[:200])
    if not updated:
        GeometryVersion.objects.get_or_create(pk=1, defaults={"version": 1, "note": note[:200]})
    return GeometryVersion.objects.get(pk=1).version


def admin_prefixes() -> tuple[str, ...]:
    from jiceng.network.routing import normalized_prefixes

    return normalized_prefixes(Unit.objects.filter(kind__in=["city", "county", "street", "community"])
                               .values_list("name", flat=True))


def _grid_code(path: str) -> str | None:
    return next((c for c in path.split("/") if len(c) == CODE_LENGTH["grid"]), None)


def gazetteer_keys(*, building: Unit, compound: Unit | None, prefixes) -> dict[str, str]:
    """The ways a building's address is written: {key: address}. Road address, compound + building.

    `prefixes`: normalized administrative names (admin_prefixes())."""
    from jiceng.network.routing import lookup_key

    out = {}
    texts = []
    if building.address:
        texts.append(building.address)
    if compound is not None:
        texts.append(compound.name + building.name)
    for text in texts:
        try:
            out.setdefault(lookup_key(text, prefixes)[:200], text[:200])
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
    from jiceng.network.routing import lookup_key

    address = checked_text(address, "address", 200, required=False)
    try:
        key = lookup_key(address or "", admin_prefixes())
    except ValueError:
        raise ValidationFailed(_("The address is empty."), code="empty_address", field="address") from None
    grid = Unit.objects.get(code=_grid_code(building.path))
    with transaction.atomic():
        entry, _created = GazetteerEntry.objects.get_or_create(
            key=key[:200], building=building,
            defaults={"address": address, "grid": grid, "unit_path": building.path})
        audit_record(actor=actor, action="gazetteer.add", obj=entry, changes={"building": building.code})
    return entry


# ------------------------------------------------------------------------------------------------
# Business lines and their legacy grid layers (A5)


def business_lines_ensure(*, actor=None) -> list:
    """Create the default lines (party building, 综治, 民政, 城管, 应急) that are missing."""
    from jiceng.network.models import DEFAULT_LINES, BusinessLine

    existing = set(BusinessLine.objects.values_list("code", flat=True))
    missing = [(i, code, str(name)) for i, (code, name) in enumerate(DEFAULT_LINES) if code not in existing]
    if missing:
        with transaction.atomic():
            BusinessLine.objects.bulk_create([BusinessLine(code=c, name=n, position=i) for i, c, n in missing])
            audit_record(actor=actor, action="business_line.ensure", object_type="network.businessline",
                         changes={"created": [c for _i, c, _n in missing]})
    return list(BusinessLine.objects.all())


def business_line_save(*, actor, code: str, name: str, position: int = 0, active: bool = True):
    """Add a line or change one (the list is configurable by the city)."""
    import re

    from jiceng.core.errors import ValidationFailed
    from jiceng.network.models import BusinessLine

    if actor is not None:
        city = Unit.objects.filter(kind="city").first()
        require_scope(actor, city.path if city else "/", "structure")
    code = (code or "").strip().lower()
    if not re.fullmatch(r"[a-z][a-z0-9_-]{1,31}", code):
        raise ValidationFailed(_("A line code has 2–32 lower-case letters, digits, - or _."), field="code")
    name = checked_text(name, "name", 60, message=_("A business line needs a name."))
    with transaction.atomic():
        line, created = BusinessLine.objects.update_or_create(
            code=code, defaults={"name": name, "position": position, "active": active})
        audit_record(actor=actor, action="business_line.create" if created else "business_line.update", obj=line,
                     changes={"code": code, "name": line.name, "active": active})
    return line


def legacy_grids_import(*, actor, line, unit: Unit, features: list) -> dict:
    """Replace `line`'s legacy grids under `unit` by `features` and map each onto the unified grids.

    `features`: list of ParsedFeature (code, name, geometry). Any invalid geometry: nothing is written.
    The mapping holds, for every legacy grid, the share of its area that lies in each unified grid.
    """
    import numpy as np
    import shapely

    from jiceng.core.errors import ValidationFailed
    from jiceng.core.geo.integrity import area_m2
    from jiceng.network.models import LegacyGrid, LegacyGridMapping

    require_scope(actor, unit.path, "structure")
    errors = _validate_polygons(features)
    codes = [f.code for f in features]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    errors += [{"code": c, "message": _("The code %(code)s appears twice.") % {"code": c}} for c in dupes]
    if errors:
        raise ValidationFailed(_("The legacy grid layer was not imported: %(n)d problem(s).") % {"n": len(errors)},
                               code="invalid_geometry", errors=errors)
    grids = list(Unit.objects.filter(subtree_q(unit.path), kind="grid", geom__isnull=False)
                 .values_list("id", "path", "geom"))
    garr = np.empty(len(grids), dtype=object)
    garr[:] = list(shapely.from_wkb([bytes(g[2]) for g in grids])) if grids else []
    tree = shapely.STRtree(garr) if len(grids) else None
    with transaction.atomic():
        LegacyGrid.objects.filter(line=line).filter(subtree_q(unit.path, "unit_path")).delete()
        legacy_rows = LegacyGrid.objects.bulk_create([
            LegacyGrid(line=line, code=f.code, name=f.name, geom=shapely.to_wkb(f.geometry),
                       area_m2=area_m2(f.geometry), unit_path=unit.path) for f in features])
        mappings = []
        for row, f in zip(legacy_rows, features, strict=True):
            if tree is None or row.area_m2 <= 0:
                continue
            for gi in tree.query(f.geometry, predicate="intersects"):
                inter = shapely.intersection(f.geometry, garr[gi])
                a = area_m2(inter)
                if a >= 1.0:
                    mappings.append(LegacyGridMapping(legacy=row, grid_id=grids[gi][0], unit_path=grids[gi][1],
                                                      share=min(1.0, a / row.area_m2), area_m2=a))
        LegacyGridMapping.objects.bulk_create(mappings, batch_size=2000)
        audit_record(actor=actor, action="legacy_grid.import", object_type="network.legacygrid", unit_path=unit.path,
                     changes={"line": line.code, "grids": len(legacy_rows), "mappings": len(mappings)})
    return {"legacy_grids": len(legacy_rows), "mappings": len(mappings)}


# ------------------------------------------------------------------------------------------------
# Geometry import (communities, grids, compounds)

IMPORT_KINDS = ("community", "grid", "compound")


def _validate_polygons(features) -> list[dict]:
    import shapely

    errors = []
    for f in features:
        g = f.geometry
        if g is None or g.is_empty or g.geom_type not in ("Polygon", "MultiPolygon"):
            errors.append({"row": f.row, "code": f.code, "problem": "invalid",
                           "message": _("Row %(row)s (%(code)s): the geometry must be a non-empty polygon.")
                           % {"row": f.row, "code": f.code}})
        elif not g.is_valid:
            errors.append({"row": f.row, "code": f.code, "problem": "invalid",
                           "message": _("Row %(row)s (%(code)s): invalid polygon (%(reason)s). Suggested fix: "
                                        "repair it with make_valid and check the result.")
                           % {"row": f.row, "code": f.code, "reason": shapely.is_valid_reason(g)}})
    return errors


def geometry_import(*, actor, kind: str, features: list, dry_run: bool = False) -> dict:
    """Create or update the geometry of communities, grids or compounds, all or nothing.

    Each feature names its unit by `code`; the parent is the unit whose code the code extends. Refused
    (ValidationFailed, nothing written) when any geometry is invalid, a unit crosses its parent's
    boundary, or two units of the same parent overlap (each problem named, with its area in m²).
    Gaps are reported as warnings (a partial import may leave some). Bumps the geometry version.
    """
    from jiceng.core.errors import ValidationFailed
    from jiceng.orgs.models import PARENT_KIND

    if kind not in IMPORT_KINDS:
        raise ValidationFailed(_("Geometry can be imported for communities, grids and compounds."), field="kind")
    if not features:
        raise ValidationFailed(_("The file holds no features."), code="empty_import")
    errors = _validate_polygons(features)
    codes = [f.code for f in features]
    for c in sorted({c for c in codes if codes.count(c) > 1}):
        errors.append({"code": c, "problem": "duplicate", "message": _("The code %(code)s appears twice.") % {"code": c}})
    plen = CODE_LENGTH[PARENT_KIND[kind]]
    parents = _import_parents(actor, PARENT_KIND[kind], {c[:plen] for c in codes})
    existing = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    errors += _import_code_problems(features, kind, parents, existing, plen)
    warnings = []
    if not errors:
        errors, warnings = _import_tiling_problems(features, kind, parents, plen)
    if errors:
        raise ValidationFailed(_("Nothing was imported: %(n)d problem(s) found. %(first)s")
                               % {"n": len(errors), "first": errors[0]["message"]},
                               code="geometry_refused", errors=errors)
    created = updated = 0
    if not dry_run:
        created, updated = _import_write(actor, kind, features, parents, existing, plen)
    return {"kind": kind, "features": len(features), "created": created, "updated": updated,
            "dry_run": dry_run, "warnings": warnings}


def _import_parents(actor, parent_kind: str, parent_codes: set) -> dict:
    """{code: parent unit} of the imported units; scope first: nothing is said about units outside the
    caller's area."""
    from jiceng.core.errors import NotFound

    parents = {u.code: u for u in Unit.objects.filter(code__in=parent_codes, kind=parent_kind)}
    for parent in parents.values():
        try:
            require_scope(actor, parent.path, "structure")
        except NotFound:
            raise NotFound(_("The parent unit %(code)s is unknown or outside your area.") % {"code": parent.code}) \
                from None
    return parents


def _import_code_problems(features, kind: str, parents: dict, existing: dict, plen: int) -> list:
    """Each feature's code: its length, its parent, the kind of the unit it names, a name for a new one."""
    errors = []
    for f in features:
        if len(f.code) != CODE_LENGTH[kind] or not f.code.isdigit():
            errors.append({"row": f.row, "code": f.code, "problem": "code",
                           "message": _("Row %(row)s: the code of a %(kind)s has exactly %(n)d digits.")
                           % {"row": f.row, "kind": kind, "n": CODE_LENGTH[kind]}})
        elif f.code[:plen] not in parents:
            errors.append({"row": f.row, "code": f.code, "problem": "parent",
                           "message": _("Row %(row)s (%(code)s): no parent unit with code %(parent)s.")
                           % {"row": f.row, "code": f.code, "parent": f.code[:plen]}})
        elif f.code in existing and existing[f.code].kind != kind:
            errors.append({"row": f.row, "code": f.code, "problem": "code",
                           "message": _("Row %(row)s: %(code)s is not a %(kind)s.")
                           % {"row": f.row, "code": f.code, "kind": kind}})
        elif f.code not in existing and not f.name:
            errors.append({"row": f.row, "code": f.code, "problem": "name",
                           "message": _("Row %(row)s (%(code)s): a new unit needs a name.")
                           % {"row": f.row, "code": f.code}})
    return errors


def _import_tiling_problems(features, kind: str, parents: dict, plen: int) -> tuple[list, list]:
    """(errors, warnings) of the tiling of each parent once the features replace their units: crossing
    the parent's boundary and overlaps refuse the import, gaps are warnings."""
    import shapely

    from jiceng.core.geo.integrity import check_tiling

    errors, warnings = [], []
    by_parent: dict[str, list] = {}
    for f in features:
        by_parent.setdefault(f.code[:plen], []).append(f)
    for pcode, feats in by_parent.items():
        parent = parents[pcode]
        siblings = {u.code: shapely.from_wkb(bytes(u.geom)) for u in
                    Unit.objects.filter(parent=parent, kind=kind, geom__isnull=False).only("code", "geom")}
        siblings.update({f.code: f.geometry for f in feats})
        parent_geom = shapely.from_wkb(bytes(parent.geom)) if parent.geom else None
        if parent_geom is None:
            continue
        imported = {f.code for f in feats}
        for finding in check_tiling(parent_geom, siblings):
            involved = [c for c in finding.unit_ids]
            item = {"code": ",".join(involved), "problem": finding.kind, "area_m2": round(finding.area_m2, 1),
                    "fix": finding.fix, "parent": pcode}
            if finding.kind == "outside_parent" and imported & set(involved):
                item["message"] = _("%(code)s crosses the boundary of its parent %(parent)s: %(area)s m² lie "
                                    "outside.") % {"code": involved[0], "parent": pcode,
                                                   "area": f"{finding.area_m2:,.0f}"}
                errors.append(item)
            elif finding.kind == "overlap" and imported & set(involved):
                item["message"] = _("%(a)s and %(b)s overlap by %(area)s m².") % {
                    "a": involved[0], "b": involved[1], "area": f"{finding.area_m2:,.0f}"}
                errors.append(item)
            elif finding.kind == "gap" and kind != "compound":
                item["message"] = _("A gap of %(area)s m² inside %(parent)s is covered by no %(kind)s.") % {
                    "area": f"{finding.area_m2:,.0f}", "parent": pcode, "kind": kind}
                warnings.append(item)
    return errors, warnings


def _import_write(actor, kind: str, features, parents: dict, existing: dict, plen: int) -> tuple[int, int]:
    """Create and update the units through the orgs services, bump the geometry version, audit the batch."""
    from jiceng.orgs import services as org_services

    created = updated = 0
    with transaction.atomic():
        for f in features:
            if f.code in existing:
                org_services.unit_update(actor=actor, unit=existing[f.code], geometry=f.geometry,
                                         name=f.name or None)
                updated += 1
            else:
                org_services.unit_create(actor=actor, parent=parents[f.code[:plen]], kind=kind, code=f.code,
                                         name=f.name, geometry=f.geometry, address=f.address or "")
                created += 1
        version = geometry_version_bump(note=f"import {kind} x{len(features)}")
        audit_record(actor=actor, action="geometry.import", object_type="orgs.unit",
                     unit_path=min((p.path for p in parents.values()), key=len),
                     changes={"kind": kind, "created": created, "updated": updated, "version": version})
    return created, updated


# ------------------------------------------------------------------------------------------------
# Grid staff (A5)


def _today():
    from django.utils import timezone

    return timezone.localdate()


def grid_staff_assign(*, actor, grid: Unit, role: str, name: str, person=None, since=None, on_duty: bool = True):
    from jiceng.core.errors import ValidationFailed
    from jiceng.network.models import GridStaff, StaffRole

    require_scope(actor, grid.path, "write")
    if grid.kind != "grid":
        raise ValidationFailed(_("Grid staff serve grids."), field="grid")
    if role not in StaffRole.values:
        raise ValidationFailed(_("Unknown grid staff role “%(role)s”.") % {"role": role}, field="role")
    name = checked_text(name or (person.name if person else ""), "name", 60,
                        message=_("A grid staff member needs a name."))
    with transaction.atomic():
        if role in ("leader", "party_secretary") and GridStaff.objects.filter(grid=grid, role=role, active=True).exists():
            from jiceng.core.errors import Conflict

            raise Conflict(_("This grid already has an active %(role)s; end that assignment first.")
                           % {"role": StaffRole(role).label}, field="role")
        staff = GridStaff.objects.create(grid=grid, unit_path=grid.path, role=role, name=name, person=person,
                                         since=since or _today(), on_duty=on_duty)
        audit_record(actor=actor, action="grid_staff.assign", obj=staff, changes={"grid": grid.code, "role": role})
    return staff


def grid_staff_end(*, actor, staff, ended_on=None):
    require_scope(actor, staff.unit_path, "write")
    with transaction.atomic():
        staff.active = False
        staff.on_duty = False
        staff.ended_on = ended_on or _today()
        staff.save(update_fields=["active", "on_duty", "ended_on"])
        audit_record(actor=actor, action="grid_staff.end", obj=staff, changes={"ended_on": staff.ended_on})
    return staff


def grid_staff_bulk_create(*, actor, rows: list, note: str = "") -> int:
    """Many validated assignments in one transaction (demo, Excel); one audit event."""
    from jiceng.core.errors import ValidationFailed
    from jiceng.network.models import GridStaff, StaffRole

    for r in rows:
        if r.role not in StaffRole.values or not r.name or not r.unit_path:
            raise ValidationFailed(_("Every grid staff row needs a grid, a known role and a name."))
    paths = {r.unit_path for r in rows}
    require_scope_all(actor, paths, "write")
    with transaction.atomic():
        GridStaff.objects.bulk_create(rows, batch_size=2000)
        audit_record(actor=actor, action="grid_staff.bulk_create", object_type="network.gridstaff",
                     unit_path=min(paths, key=len) if paths else "", changes={"count": len(rows), "note": note})
    return len(rows)


def four_haves_record(*, actor, staff, assessed_on, ability: int, prestige: int, public_spirit: int,
                      enthusiasm: int, note: str = ""):
    """Record a 四有 assessment (1–5 each) of a grid party secretary; passed when each is at least 3."""
    from jiceng.core.errors import ValidationFailed
    from jiceng.network.models import FourHavesAssessment

    require_scope(actor, staff.unit_path, "write")
    if staff.role != "party_secretary":
        raise ValidationFailed(_("The four-haves assessment is for grid party secretaries."), field="staff")
    scores = {"ability": ability, "prestige": prestige, "public_spirit": public_spirit, "enthusiasm": enthusiasm}
    for field, value in scores.items():
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise ValidationFailed(_("Each of the four haves is scored from 1 to 5."), field=field)
    note = checked_text(note, "note", 200, required=False)
    with transaction.atomic():
        rec = FourHavesAssessment.objects.create(staff=staff, unit_path=staff.unit_path, assessed_on=assessed_on,
                                                 passed=all(v >= 3 for v in scores.values()), note=note,
                                                 **scores)
        audit_record(actor=actor, action="four_haves.record", obj=rec, changes={**scores, "passed": rec.passed})
    return rec


# ------------------------------------------------------------------------------------------------
# Compounds (A6)


def compound_profile_set(*, actor, compound: Unit, property_company: str = "", project_manager: str = "",
                         owners_committee: str = "", competent_unit: str = ""):
    """Set who runs a compound. With none of the three it becomes three-without (tracked from today)."""
    from jiceng.core.errors import ValidationFailed
    from jiceng.network.models import CompoundProfile

    require_scope(actor, compound.path, "write")
    if compound.kind != "compound":
        raise ValidationFailed(_("Property arrangements belong to compounds."), field="compound")
    values = {"property_company": checked_text(property_company, "property_company", 120, required=False),
              "project_manager": checked_text(project_manager, "project_manager", 60, required=False),
              "owners_committee": checked_text(owners_committee, "owners_committee", 120, required=False),
              "competent_unit": checked_text(competent_unit, "competent_unit", 120, required=False)}
    if values["project_manager"] and not values["property_company"]:
        raise ValidationFailed(_("A project manager belongs to a property company: name the company."),
                               field="property_company")
    three_without = not (values["property_company"] or values["owners_committee"] or values["competent_unit"])
    with transaction.atomic():
        profile, _created = CompoundProfile.objects.select_for_update().get_or_create(
            compound=compound, defaults={"unit_path": compound.path})
        before = {k: getattr(profile, k) for k in values}
        for k, v in values.items():
            setattr(profile, k, v)
        if three_without and not profile.three_without:
            profile.three_without_since = _today()
        if not three_without:
            profile.three_without_since = None
        profile.three_without = three_without
        profile.unit_path = compound.path
        profile.save()
        from jiceng.core.audit import diff_fields

        audit_record(actor=actor, action="compound.profile_set", obj=profile,
                     changes={**diff_fields(before, values), "three_without": three_without})
    return profile


def compound_arrangement_set(*, actor, compound: Unit, arrangement: str, since=None):
    """Record who manages a three-without compound and since when: it is no longer open."""
    from jiceng.network.models import CompoundProfile

    require_scope(actor, compound.path, "write")
    arrangement = checked_text(arrangement, "arrangement", 200, message=_("Say who manages the compound."))
    with transaction.atomic():
        profile, _created = CompoundProfile.objects.select_for_update().get_or_create(
            compound=compound, defaults={"unit_path": compound.path, "three_without": True,
                                         "three_without_since": _today()})
        profile.arrangement = arrangement
        profile.arranged_since = since or _today()
        profile.save()
        audit_record(actor=actor, action="compound.arrangement_set", obj=profile,
                     changes={"arrangement": profile.arrangement, "since": profile.arranged_since})
    return profile


def compound_profiles_bulk_create(*, actor, rows: list, note: str = "") -> int:
    from jiceng.network.models import CompoundProfile

    for r in rows:
        r.three_without = not (r.property_company or r.owners_committee or r.competent_unit)
    paths = {r.unit_path for r in rows}
    require_scope_all(actor, paths, "write")
    with transaction.atomic():
        CompoundProfile.objects.bulk_create(rows, batch_size=2000)
        audit_record(actor=actor, action="compound.bulk_profile", object_type="network.compoundprofile",
                     unit_path=min(paths, key=len) if paths else "", changes={"count": len(rows), "note": note})
    return len(rows)
