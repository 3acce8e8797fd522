"""Reads of the one network, always within the user's scope."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.functions import Substr

from jiceng.core.errors import NotFound, ValidationFailed
from jiceng.core.geo.integrity import check_tiling
from jiceng.core.scope import scope_filter, scoped_get, subtree_q
from jiceng.network import integrity
from jiceng.network.models import WORKER_ROLES, CompoundProfile, GridStaff, LegacyGridMapping
from jiceng.orgs.models import KIND_ORDER, Unit
from jiceng.people.models import Person


def grid_get(*, user, code: str) -> Unit:
    unit = scope_filter(Unit.objects.select_related("parent"), user).filter(code=code, kind="grid").first()
    if unit is None:
        raise NotFound()
    return unit


def compound_get(*, user, code: str) -> Unit:
    unit = scope_filter(Unit.objects.select_related("parent"), user).filter(code=code, kind="compound").first()
    if unit is None:
        raise NotFound()
    return unit


def staff_get(*, user, pk: int) -> GridStaff:
    return scoped_get(GridStaff.objects.select_related("grid"), user=user, pk=pk)


# Leader first, then workers, then the party secretary.
ROLE_ORDER = Case(When(role="leader", then=Value(0)), When(role="full_time", then=Value(1)),
                  When(role="part_time", then=Value(2)), default=Value(3), output_field=IntegerField())


ROLE_RANK = {"leader": 0, "full_time": 1, "part_time": 2, "party_secretary": 3}


def staff_on_duty(grid_ids) -> dict[int, list[GridStaff]]:
    """Active, on-duty staff of each grid: one query."""
    out: dict[int, list[GridStaff]] = {}
    qs = (GridStaff.objects.filter(grid_id__in=list(grid_ids), active=True, on_duty=True)
          .only("id", "grid_id", "name", "role", "on_duty", "since"))
    for s in sorted(qs, key=lambda s: (ROLE_RANK.get(s.role, 9), s.id)):  # a handful of rows: sort here
        out.setdefault(s.grid_id, []).append(s)
    return out


def grid_staff(grid: Unit):
    return (GridStaff.objects.filter(grid=grid, active=True).prefetch_related("assessments")
            .order_by(ROLE_ORDER, "name"))


def staff_coverage(unit: Unit) -> list[dict]:
    """Grids under `unit` without an active leader or without an active worker (the gaps)."""
    grids = list(Unit.objects.filter(subtree_q(unit.path), kind="grid").order_by("code").only("id", "code", "name"))
    rows = (GridStaff.objects.filter(subtree_q(unit.path, "unit_path"), active=True)
            .values("grid_id").annotate(leaders=Count("id", filter=Q(role="leader")),
                                        workers=Count("id", filter=Q(role__in=WORKER_ROLES))).order_by())
    by_grid = {r["grid_id"]: r for r in rows}
    gaps = []
    for g in grids:
        r = by_grid.get(g.id, {"leaders": 0, "workers": 0})
        missing = [k for k, n in (("leader", r["leaders"]), ("worker", r["workers"])) if n == 0]
        if missing:
            gaps.append({"grid": g, "code": g.code, "name": g.name, "missing": missing})
    return gaps


def compounds_of(grid: Unit):
    return (Unit.objects.filter(parent=grid, kind="compound").select_related("compound_profile")
            .annotate(buildings=Count("children")).order_by("code"))


def three_without_open(unit: Unit):
    return (CompoundProfile.objects.filter(subtree_q(unit.path, "unit_path"), three_without=True, arrangement="")
            .select_related("compound").order_by("unit_path"))


def legacy_mappings(*, user, line, unit: Unit):
    return (scope_filter(LegacyGridMapping.objects.filter(legacy__line=line), user, "unit_path")
            .filter(subtree_q(unit.path, "unit_path")).select_related("legacy", "grid")
            .order_by("legacy__code", "-share"))


def units_of_kind(*, user, unit: Unit, kind: str):
    if kind not in KIND_ORDER:
        raise ValidationFailed("unknown kind", field="kind")
    qs = Unit.objects.filter(subtree_q(unit.path), kind=kind).select_related("parent").order_by("code")
    return scope_filter(qs, user)


# ------------------------------------------------------------------------------------------------
# Figures per grid (map colouring)

GRID_FIGURES = ("residents", "households", "compounds", "three_without_open", "staff", "staff_gaps")


def grid_figures(unit: Unit, grids: list[Unit], figure: str) -> dict[int, float]:
    """One value per grid under `unit` for the map: a few grouped queries keyed by the grid path prefix."""
    if figure not in GRID_FIGURES:
        raise ValidationFailed("unknown figure", field="figure")
    if not grids:
        return {}
    plen = len(grids[0].path)
    by_path = {g.path: g.id for g in grids}

    def grouped(qs, field):
        rows = (qs.filter(subtree_q(unit.path, field)).annotate(prefix=Substr(field, 1, plen))
                .values("prefix").annotate(n=Count("id")).order_by())
        return {by_path[r["prefix"]]: r["n"] for r in rows if r["prefix"] in by_path}

    if figure == "residents":
        return grouped(Person.objects.filter(is_resident=True), "unit_path")
    if figure in ("households", "compounds"):
        return grouped(Unit.objects.filter(kind=figure[:-1]), "path")
    if figure == "three_without_open":
        return grouped(CompoundProfile.objects.filter(three_without=True, arrangement=""), "unit_path")
    if figure == "staff":
        return grouped(GridStaff.objects.filter(active=True), "unit_path")
    gaps = {g["grid"].id for g in staff_coverage(unit)}
    return {g.id: (1 if g.id in gaps else 0) for g in grids}


# ------------------------------------------------------------------------------------------------
# Integrity report


# Children that need not cover their parent: streets (a county also has towns and villages) and compounds
# (a grid also holds streets, shops and open land).
NO_GAP_CHECK = ("street", "compound")


def integrity_summary(unit: Unit):
    """The integrity report as the page and the API show it: from the stored checks, with `as_of`
    (jiceng/network/integrity.py). integrity_report below computes the same from scratch."""
    return integrity.summary(unit)


def integrity_report(unit: Unit, *, min_area_m2: float = 1.0) -> list[dict]:
    """For `unit` and every unit below it down to the grids' parents: does each tile its parent?
    Computed from scratch (a geometry pass over the subtree: the reference for the stored checks).

    One entry per parent checked, with its findings (gap, overlap, outside parent, invalid), each with
    its area in m² and a suggested fix. Compounds are checked for overlaps and crossings, not for gaps
    (a grid is not covered by compounds), nor streets (counties also hold towns). Nothing is changed.
    """
    import shapely

    kinds = KIND_ORDER[KIND_ORDER.index(unit.kind):KIND_ORDER.index("compound") + 1]
    units = list(Unit.objects.filter(subtree_q(unit.path), kind__in=kinds).order_by("depth", "code")
                 .values_list("id", "code", "name", "kind", "parent_id", "geom"))
    by_id = {u[0]: u for u in units}
    by_code = {u[1]: u for u in units}
    children: dict[int, list] = {}
    for u in units:
        if u[4] in by_id:
            children.setdefault(u[4], []).append(u)
    geoms = {u[0]: (shapely.from_wkb(bytes(u[5])) if u[5] else None) for u in units}
    report = []
    for pid, kids in children.items():
        parent = by_id[pid]
        kids = [k for k in kids if k[3] != "household"]
        if not kids or geoms[pid] is None:
            continue
        with_geom = {k[1]: geoms[k[0]] for k in kids if geoms[k[0]] is not None}  # keyed by code
        if not with_geom:
            continue
        findings = check_tiling(geoms[pid], with_geom, min_area_m2=min_area_m2)
        items = []
        for f in findings:
            if f.kind == "gap" and kids[0][3] in NO_GAP_CHECK:
                continue
            d = f.to_dict()
            d["units"] = [{"code": c, "name": by_code[c][2]} for c in f.unit_ids if c in by_code]
            d.pop("wkt", None)
            items.append(d)
        missing = [k for k in kids if geoms[k[0]] is None]
        for k in missing:
            items.append({"kind": "invalid", "units": [{"code": k[1], "name": k[2]}], "area_m2": 0.0,
                          "fix": "import a polygon for this unit", "message": f"unit {k[1]}: no geometry",
                          "lat": None, "lng": None})
        report.append({"parent": {"code": parent[1], "name": parent[2], "kind": parent[3]},
                       "children": len(kids), "child_kind": kids[0][3], "findings": items})
    return report


def unified_grid_for_legacy(*, line_code: str, legacy_code: str) -> Unit | None:
    """Where a line's work filed under one of its legacy grids lands: the unified grid holding the largest
    share of that legacy grid (None when the legacy grid is unknown or maps nowhere)."""
    m = (LegacyGridMapping.objects.filter(legacy__line__code=line_code, legacy__code=legacy_code)
         .select_related("grid").order_by("-share", "grid_id").first())
    return m.grid if m else None
