"""Siting (maximal covering location problem): choose k new station sites among candidates so that the
residents newly within a 15-minute walk are as many as possible, with OR-Tools' CP-SAT solver, which
proves optimality or reports the gap between the best site set found and its bound.

    maximize  sum_i w_i y_i   subject to  y_i <= sum_{j covers i} x_j,  sum_j x_j = k,  x, y binary

Demand points covered by the same candidate set are merged first (their weights added) and points no
candidate covers are dropped: the optimum is unchanged and the model is much smaller."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
from django.utils.translation import gettext as _

from jiceng.core.errors import ValidationFailed
from jiceng.core.scope import require_scope, scope_filter, subtree_q
from jiceng.orgs.models import Unit
from jiceng.stations import coverage, walknet
from jiceng.stations.models import BuildingCoverage, ServicePosition, State
from jiceng.stations.services import to_city_point


@dataclasses.dataclass
class Solution:
    chosen: list[int]
    objective: float
    bound: float
    gap: float
    optimal: bool
    seconds: float


def solve_mclp(cover: list, weights, k: int, *, time_limit: float = 30.0, gap: float = 0.0,
               workers: int = 2) -> Solution:
    """`cover[i]`: the candidate indexes that cover demand point i; `weights[i]` integers (residents)."""
    from ortools.sat.python import cp_model

    weights = np.asarray(weights, dtype=np.int64)
    groups: dict[tuple, int] = {}
    for i, cands in enumerate(cover):
        key = tuple(sorted(set(int(c) for c in cands)))
        if key and weights[i] > 0:
            groups[key] = groups.get(key, 0) + int(weights[i])
    n_cand = 1 + max((max(key) for key in groups), default=-1)
    model = cp_model.CpModel()
    x = [model.NewBoolVar(f"x{j}") for j in range(n_cand)]
    y = []
    for t, (key, w) in enumerate(groups.items()):
        v = model.NewBoolVar(f"y{t}")
        model.AddBoolOr([x[j] for j in key]).OnlyEnforceIf(v)
        y.append((v, w))
    if x:
        model.Add(sum(x) <= k)
    model.Maximize(sum(w * v for v, w in y))
    start = greedy(list(groups), list(groups.values()), k, n_cand)  # a good first solution to improve on
    for j in range(n_cand):
        model.AddHint(x[j], j in start)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.relative_gap_limit = float(gap)
    solver.parameters.random_seed = 1
    solver.parameters.linearization_level = 2
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # no time to improve: the greedy sites
        total = float(sum(w for _v, w in y))
        obj = float(sum(w for key, w in groups.items() if start & set(key)))
        return Solution(sorted(start), obj, total, (total - obj) / max(total, 1.0), False, solver.WallTime())
    chosen = [j for j in range(n_cand) if solver.BooleanValue(x[j])]
    obj = float(solver.ObjectiveValue())
    bound = float(solver.BestObjectiveBound())
    return Solution(chosen, obj, bound, (bound - obj) / max(bound, 1.0), status == cp_model.OPTIMAL,
                    solver.WallTime())


def greedy(keys: list, weights: list, k: int, n_cand: int) -> set[int]:
    """The classic greedy: k times, the candidate that newly covers the most weight (sparse products)."""
    from scipy.sparse import csr_matrix

    if not keys or n_cand == 0:
        return set()
    rows = np.repeat(np.arange(len(keys)), [len(key) for key in keys])
    cols = np.fromiter((j for key in keys for j in key), dtype=np.int64, count=len(rows))
    a = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(keys), n_cand))
    w = np.asarray(weights, dtype=np.float64)
    open_w = w.copy()
    chosen: set[int] = set()
    for _step in range(min(k, n_cand)):
        gain = a.T @ open_w
        if chosen:
            gain[list(chosen)] = -1
        j = int(np.argmax(gain))
        if gain[j] <= 0:
            break
        chosen.add(j)
        open_w[a[:, j].nonzero()[0]] = 0
    return chosen


def brute_force(cover: list, weights, k: int) -> float:
    """The best objective by trying every set of k candidates (tests, tiny instances only)."""
    import itertools

    n = 1 + max((max(c) for c in cover if len(c)), default=-1)
    best = 0.0
    for combo in itertools.combinations(range(n), min(k, n)):
        s = set(combo)
        best = max(best, float(sum(w for c, w in zip(cover, weights, strict=True) if s & set(c))))
    return best


# --- on the city: candidate sites and uncovered buildings under a unit ------------------------------


def parse_sites(text: str) -> list[tuple[float, float]]:
    sites = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = re.split(r"[,，\s]+", line.strip())
        try:
            lat, lng = float(parts[0]), float(parts[1])
        except (ValueError, IndexError):
            raise ValidationFailed(_("Line %(n)d: write a site as latitude,longitude.") % {"n": n},
                                   field="sites") from None
        sites.append((lat, lng))
    return sites


def suggest(*, user, unit, k: int, sites_text: str = "", time_limit: float = 10.0) -> dict:
    """Suggested sites for k new stations under `unit`, with the residents each would newly cover."""
    from scipy.sparse.csgraph import dijkstra

    require_scope(user, unit.path, "read")
    if not 1 <= int(k) <= 50:
        raise ValidationFailed(_("Choose 1 to 50 new stations."), field="k")
    graph = walknet.active_graph()
    if graph is None:
        raise ValidationFailed(_("The walking network has not been imported yet."), code="no_network")
    if sites_text.strip():
        sites = [to_city_point(lat, lng, "wgs84", field="sites") for lat, lng in parse_sites(sites_text)]
        candidates = [{"name": _("Site %(n)d") % {"n": i + 1}, "lat": lat, "lng": lng, "code": ""}
                      for i, (lat, lng) in enumerate(sites)]
    else:
        with_station = set(ServicePosition.objects.filter(level="station").exclude(state=State.CLOSED)
                           .values_list("unit_id", flat=True))
        candidates = [{"name": name, "lat": lat, "lng": lng, "code": code} for uid, code, name, lat, lng in
                      Unit.objects.filter(subtree_q(unit.path), kind="compound", lat__isnull=False)
                      .order_by("code").values_list("id", "code", "name", "lat", "lng")[:3000]
                      if uid not in with_station]
    if int(k) > len(candidates):
        raise ValidationFailed(_("%(k)d new stations were asked for but there are only %(n)d candidate sites.")
                               % {"k": int(k), "n": len(candidates)}, field="k", code="k_too_large")
    limit_s = coverage.circle_seconds()
    demand = list(BuildingCoverage.objects.filter(subtree_q(unit.path, "unit_path"), residents__gt=0)
                  .values_list("lat", "lng", "residents", "walk_s"))
    uncovered = [d for d in demand if d[3] is None or d[3] > limit_s]
    metres = coverage.circle_metres()
    cover: list[list[int]] = [[] for _ in uncovered]
    if uncovered:
        c_nodes, c_off = graph.snap([c["lat"] for c in candidates], [c["lng"] for c in candidates])
        d_nodes, d_off = graph.snap([d[0] for d in uncovered], [d[1] for d in uncovered])
        for start in range(0, len(candidates), 200):
            block = c_nodes[start:start + 200]
            dist = dijkstra(graph.csr, directed=False, indices=block, limit=metres)
            total = dist[:, d_nodes] + d_off[None, :] + c_off[start:start + 200, None]
            for j_local, i in zip(*np.nonzero(total <= metres), strict=True):
                cover[i].append(start + int(j_local))
    weights = [d[2] for d in uncovered]
    sol = solve_mclp(cover, weights, int(k), time_limit=time_limit)
    # Residents each chosen site would cover alone, and newly in the order of the greedy marginal gain.
    alone = {j: sum(w for c, w in zip(cover, weights, strict=True) if j in c) for j in sol.chosen}
    suggestions = [{**candidates[j], "residents": alone[j]}
                   for j in sorted(sol.chosen, key=lambda j: -alone[j])]
    return {"unit": unit, "k": int(k), "candidates": len(candidates), "uncovered_residents": sum(weights),
            "residents_newly_covered": int(sol.objective), "gap": round(sol.gap, 4), "optimal": sol.optimal,
            "seconds": round(sol.seconds, 2), "suggestions": suggestions}


def worst_communities(*, user, limit: int = 10) -> list[tuple]:
    """Communities in the user's area with the lowest share of residents within 15 minutes (one pass
    over the stored building coverage, grouped by community path)."""
    if coverage.latest_run() is None:
        return []
    limit_s = coverage.circle_seconds()
    totals: dict[str, list] = {}
    rows = scope_filter(BuildingCoverage.objects.filter(residents__gt=0), user, "unit_path") \
        .values_list("unit_path", "residents", "walk_s")
    for path, residents, walk_s in rows.iterator(chunk_size=5000):
        community = "/".join(path.split("/")[:5]) + "/"
        t = totals.setdefault(community, [0, 0])
        t[0] += residents
        t[1] += residents if walk_s is not None and walk_s <= limit_s else 0
    units = {u.path: u for u in Unit.objects.filter(kind="community", path__in=list(totals))}
    out = [(units[p], {"residents": t[0], "residents_within": t[1], "residents_share": round(t[1] / t[0], 4)})
           for p, t in totals.items() if p in units and t[0]]
    out.sort(key=lambda r: (r[1]["residents_share"], r[0].code))
    return out[:limit]
