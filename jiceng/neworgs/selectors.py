"""Reads of the new-organization registry, always within the user's scope, and the two coverages under a
unit counted with one aggregate (per grid, rolled up to the units below) rather than a count per row."""

from django.db.models import Count, Q

from jiceng.core.errors import NotFound
from jiceng.core.scope import scope_filter, subtree_q
from jiceng.neworgs.models import NewOrg, OrgCoverage, WorkCoverage
from jiceng.orgs.models import Unit

COVERED_ORG = ~Q(org_coverage=OrgCoverage.NONE)
COVERED_WORK = COVERED_ORG | ~Q(work_coverage=WorkCoverage.NONE)


def neworgs_in_scope(*, user, unit: Unit | None = None, kind: str | None = None, org_coverage: str | None = None,
                     gap: bool | None = None, query: str = ""):
    qs = scope_filter(NewOrg.objects.all(), user, "unit_path")
    if unit is not None:
        qs = qs.filter(subtree_q(unit.path, "unit_path"))
    if kind:
        qs = qs.filter(kind=kind)
    if org_coverage:
        qs = qs.filter(org_coverage=org_coverage)
    if gap is not None:
        qs = qs.filter(gap=gap)
    if query:
        qs = qs.filter(Q(name__contains=query) | Q(credit_code=query.upper()))
    return qs.select_related("grid").defer("grid__geom").order_by("unit_path", "id")


def neworg_get(*, user, pk: int) -> NewOrg:
    """The access helper: 404 for unknown ids and for organizations outside the user's area."""
    org = (scope_filter(NewOrg.objects.select_related("grid").defer("grid__geom"), user, "unit_path")
           .filter(pk=pk).first())
    if org is None:
        raise NotFound()
    return org


def gap_list(*, user, unit: Unit):
    """The "should build, build all" gap list under a unit: 3+ party members and no branch of its own; each
    with its grid and the grid's community (its parent)."""
    return (scope_filter(NewOrg.objects.filter(subtree_q(unit.path, "unit_path"), gap=True), user, "unit_path")
            .select_related("grid__parent").defer("grid__geom", "grid__parent__geom")
            .order_by("unit_path", "-party_members", "id"))


def _shares(row: dict) -> dict:
    total = row["total"]
    return {**row, "org_share": row["org"] / total if total else None,
            "work_share": row["work"] / total if total else None}


def coverage(path: str) -> dict:
    """Registered, with a party organization, with party work covered, on the gap list, under a path."""
    row = NewOrg.objects.filter(subtree_q(path, "unit_path")).aggregate(
        total=Count("id"), org=Count("id", filter=COVERED_ORG), work=Count("id", filter=COVERED_WORK),
        gaps=Count("id", filter=Q(gap=True)))
    return _shares(row)


def coverage_sum(by_child: dict[str, dict]) -> dict:
    """The coverage of a unit from its children's (coverage_by_child): organizations sit on grids, so when
    the children listed are all of them, their sum is the unit's figure without a second pass."""
    row = {k: sum(c[k] for c in by_child.values()) for k in ("total", "org", "work", "gaps")}
    return _shares(row)


def gaps_by_child(unit: Unit, children: list[Unit]) -> dict[str, int]:
    """{child path: organizations on the gap list} for the units below `unit` (one GROUP BY of the gaps)."""
    out = dict.fromkeys((c.path for c in children), 0)
    rows = (NewOrg.objects.filter(subtree_q(unit.path, "unit_path"), gap=True).values("unit_path").order_by()
            .annotate(n=Count("id")).values_list("unit_path", "n"))
    for path, n in rows:
        for child in children:
            if path.startswith(child.path):
                out[child.path] += n
                break
    return out


def coverage_by_child(unit: Unit, children: list[Unit]) -> dict[str, dict]:
    """{child path: coverage} for the units below `unit`, from one GROUP BY over the grids."""
    per_grid = (NewOrg.objects.filter(subtree_q(unit.path, "unit_path")).values("unit_path").order_by()
                .annotate(total=Count("id"), org=Count("id", filter=COVERED_ORG), work=Count("id", filter=COVERED_WORK),
                          gaps=Count("id", filter=Q(gap=True))))
    out = {c.path: {"total": 0, "org": 0, "work": 0, "gaps": 0} for c in children}
    for row in per_grid:
        for child in children:
            if row["unit_path"].startswith(child.path):
                acc = out[child.path]
                for k in ("total", "org", "work", "gaps"):
                    acc[k] += row[k]
                break
    return {path: _shares(row) for path, row in out.items()}
