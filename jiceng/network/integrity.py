"""The integrity report, kept incrementally: one TilingCheck row per parent unit (city … grid).

Triggers on orgs_unit (migration 0003_tilingcheck) mark the rows of the parents a change touches
stale; `refresh()` recomputes stale rows in batches (the network sweep every minute, the demo builder,
the migration that introduced the rows); `summary()` serves the page and the API from the rows: the
totals of a subtree and only the parents with findings, with the time of the oldest check (`as_of`).
A few stale parents under the unit are re-checked on the spot, so a page opened right after an edit
is current; more than that are shown as of their last check, marked as awaiting the sweep.
"""

from __future__ import annotations

import dataclasses
import datetime
import json

from django.db import connection, transaction
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from jiceng.core.geo.integrity import check_tiling
from jiceng.core.scope import subtree_q
from jiceng.network.models import TilingCheck
from jiceng.orgs.models import Unit

PARENT_KINDS = ("city", "county", "street", "community", "grid")
CHILD_KINDS = ("county", "street", "community", "grid", "compound")
NO_GAP_CHECK = ("street", "compound")  # counties also hold towns; a grid is not covered by compounds
CHECK_ON_THE_SPOT = 40  # stale parents a page re-checks itself; more wait for the sweep
FINDINGS_SHOWN = 500


def check_parent(parent, kids, *, min_area_m2: float = 1.0) -> dict | None:
    """One parent against its children. `parent` and each kid: (id, code, name, kind, parent_id, geom).
    None when there is nothing to check (no children, or no geometry on the parent or any child)."""
    import shapely

    kids = [k for k in kids if k[3] in CHILD_KINDS]
    if not kids or not parent[5]:
        return None
    geoms = {k[1]: shapely.from_wkb(bytes(k[5])) for k in kids if k[5]}
    if not geoms:
        return None
    names = {k[1]: k[2] for k in kids}
    items = []
    for f in check_tiling(shapely.from_wkb(bytes(parent[5])), geoms, min_area_m2=min_area_m2):
        if f.kind == "gap" and kids[0][3] in NO_GAP_CHECK:
            continue
        d = f.to_dict()
        d["units"] = [{"code": c, "name": names[c]} for c in f.unit_ids if c in names]
        d.pop("wkt", None)
        items.append(d)
    for k in kids:
        if not k[5]:
            items.append({"kind": "invalid", "units": [{"code": k[1], "name": k[2]}], "area_m2": 0.0,
                          "fix": "import a polygon for this unit", "message": f"unit {k[1]}: no geometry",
                          "lat": None, "lng": None})
    return {"parent": {"code": parent[1], "name": parent[2], "kind": parent[3]}, "children": len(kids),
            "child_kind": kids[0][3], "findings": items}


FIELDS = ("id", "code", "name", "kind", "parent_id", "geom")


def compute(parent_ids: list[int]) -> dict[int, dict | None]:
    """Check these parents now (two queries per batch of parents); missing units map to nothing."""
    out: dict[int, dict | None] = {}
    for start in range(0, len(parent_ids), 500):
        ids = parent_ids[start:start + 500]
        parents = {p[0]: p for p in Unit.objects.filter(pk__in=ids, kind__in=PARENT_KINDS).values_list(*FIELDS)}
        kids: dict[int, list] = {}
        for k in (Unit.objects.filter(parent_id__in=list(parents), kind__in=CHILD_KINDS).order_by("code")
                  .values_list(*FIELDS)):
            kids.setdefault(k[4], []).append(k)
        for pid, parent in parents.items():
            out[pid] = check_parent(parent, kids.get(pid, []))
    return out


def refresh(*, limit: int | None = None, batch: int = 500) -> int:
    """Recompute stale rows, a batch per transaction; returns how many. Rows of deleted units go."""
    done = 0
    while limit is None or done < limit:
        size = batch if limit is None else min(batch, limit - done)
        with transaction.atomic():
            rows = list(_claim(TilingCheck.objects.filter(stale=True).order_by("unit_path"))[:size])
            if not rows:
                break
            results = compute([r.parent_id for r in rows])
            units = {u[0]: u[1:] for u in Unit.objects.filter(pk__in=[r.parent_id for r in rows])
                     .values_list("id", "path", "depth", "code")}
            now, gone, updates = timezone.now(), [], []
            for row in rows:
                if row.parent_id not in units:
                    gone.append(row.parent_id)
                    continue
                result = results.get(row.parent_id) or {"children": 0, "child_kind": "", "findings": []}
                path, depth, code = units[row.parent_id]
                updates.append((path, depth, code, result["children"], result["child_kind"],
                                json.dumps(result["findings"], ensure_ascii=False), len(result["findings"]), now,
                                row.parent_id))
            TilingCheck.objects.filter(parent_id__in=gone).delete()
            jsonb = "::jsonb" if connection.vendor == "postgresql" else ""
            with connection.cursor() as cursor:  # one statement, many rows (bulk_update's CASE is slow)
                cursor.executemany(
                    f"UPDATE {TilingCheck._meta.db_table} SET unit_path = %s, depth = %s, code = %s, children = %s, "  # noqa: S608  # nosec B608  # table name from model metadata, values bound
                    f"child_kind = %s, findings = %s{jsonb}, problems = %s, checked_at = %s, stale = false "
                    f"WHERE parent_id = %s", updates)
        done += len(rows)
    return done


def _claim(qs):
    return qs.select_for_update(skip_locked=True) if connection.vendor == "postgresql" else qs


@dataclasses.dataclass
class Summary:
    checked: int  # parents under the unit (itself included) checked against their children
    problems: int
    entries: list  # the parents with findings, top first (at most FINDINGS_SHOWN findings' worth)
    as_of: datetime.datetime | None  # the oldest check the figures rest on
    pending: int  # parents changed since their check and not re-checked yet (the sweep will)
    truncated: bool


def summary(unit: Unit) -> Summary:
    """The report of `unit`'s subtree from the stored checks: an aggregate and the rows with findings
    (index range scans), plus an on-the-spot check of a few stale parents."""
    rows = TilingCheck.objects.filter(subtree_q(unit.path, "unit_path"))
    stale = list(rows.filter(stale=True).order_by("unit_path").values_list("parent_id", flat=True)
                 [:CHECK_ON_THE_SPOT + 1])
    fresh = {}
    if len(stale) <= CHECK_ON_THE_SPOT:
        fresh = compute(stale)
    else:
        stale = []
    agg = rows.exclude(parent_id__in=stale).aggregate(
        checked=Count("parent_id", filter=Q(children__gt=0)), problems=Sum("problems"),
        as_of=Min("checked_at"), pending=Count("parent_id", filter=Q(stale=True)))
    entries, shown = [], 0
    for row in (rows.exclude(parent_id__in=stale).filter(problems__gt=0).order_by("depth", "code")
                .only("parent_id", "code", "children", "child_kind", "findings", "problems")[:FINDINGS_SHOWN]):
        if shown >= FINDINGS_SHOWN:
            break
        entries.append((row.parent_id, {"parent": {"code": row.code}, "children": row.children,
                                        "child_kind": row.child_kind, "findings": row.findings}))
        shown += row.problems
    units = {u[0]: u[1:] for u in Unit.objects.filter(pk__in=[pid for pid, _e in entries])
             .values_list("id", "name", "kind")} if entries else {}
    for pid, e in entries:
        name, kind = units.get(pid, ("", ""))
        e["parent"].update(name=name, kind=kind)
    found = [e for _pid, e in entries] + [r for r in fresh.values() if r and r["findings"]]
    found.sort(key=lambda e: (len(e["parent"]["code"]), e["parent"]["code"]))
    return Summary(checked=(agg["checked"] or 0) + sum(1 for r in fresh.values() if r),
                   problems=(agg["problems"] or 0) + sum(len(r["findings"]) for r in fresh.values() if r),
                   entries=found, as_of=agg["as_of"], pending=agg["pending"] or 0,
                   truncated=shown >= FINDINGS_SHOWN)
