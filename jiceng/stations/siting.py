"""Siting (maximal covering location problem): choose k new station sites among candidates so that the
residents newly within a 15-minute walk are as many as possible.

    maximize  sum_i w_i y_i   subject to  y_i <= sum_{j covers i} x_j,  sum_j x_j <= k,  x, y binary

How (each step keeps the optimum and every figure it reports is proven, none assumed):

1. Demand points covered by the same candidate set are merged (weights added), points no candidate
   covers are dropped, and candidates covering nothing are left out.
2. A first solution: the greedy (k times the candidate that newly covers the most weight), improved by
   swaps (drop one site, add the best other while it gains).
3. In turns: perturbations (drop 2–6 sites at random, refill greedily, swap again; the best is kept) and an
   upper bound, the Lagrangian relaxation of the coverage constraints,
       L(λ) = sum_i max(0, w_i − λ_i) + (sum of the k largest  sum_{i covered by j} λ_i),  0 ≤ λ ≤ w,
   which is ≥ the optimum for every λ; subgradient steps aimed at the best solution (warm-started from the
   best λ at each turn) make it small, at best the LP bound. Candidates whose forced opening would push L
   below the best solution are fixed closed.
4. OR-Tools CP-SAT on the remaining candidates, started from the best solution (hint), with the
   Lagrangian bound as a valid cut, for the time left; it may improve the solution and its own bound.
   Only when what is left is small enough to build and search in time (`CP_SAT_MAX_ENTRIES`; the
   siting of a street or community always is); otherwise the turns of step 3 go on to the end and the
   Lagrangian bound is the proof.

`gap` = (bound − objective) / bound with bound = the smaller of the Lagrangian and CP-SAT bounds."""

from __future__ import annotations

import dataclasses
import re
import time

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


class _Instance:
    """The merged instance: rows (distinct coverage sets, summed weights) × useful candidates."""

    def __init__(self, cover: list, weights):
        from scipy.sparse import csc_matrix

        weights = np.asarray(weights, dtype=np.int64)
        groups: dict[tuple, int] = {}
        for i, cands in enumerate(cover):
            if weights[i] <= 0 or len(cands) == 0:
                continue
            key = tuple(sorted({int(c) for c in cands}))
            groups[key] = groups.get(key, 0) + int(weights[i])
        self.keys = list(groups)
        self.w = np.fromiter(groups.values(), dtype=np.float64, count=len(groups))
        used = sorted({j for key in self.keys for j in key})
        self.cand = np.asarray(used, dtype=np.int64)  # local column -> original candidate index
        local = {j: n for n, j in enumerate(used)}
        rows = np.repeat(np.arange(len(self.keys)), [len(key) for key in self.keys])
        cols = np.fromiter((local[j] for key in self.keys for j in key), dtype=np.int64, count=len(rows))
        self.a = csc_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(self.keys), len(used)))
        self.at = self.a.T.tocsr()
        self.by_row = self.a.tocsr()
        self.col_rows = [self.a.indices[self.a.indptr[j]:self.a.indptr[j + 1]] for j in range(len(used))]

    @property
    def n(self) -> int:
        return len(self.cand)

    def counts(self, sites) -> np.ndarray:
        c = np.zeros(len(self.w))
        for j in sites:
            c[self.col_rows[j]] += 1
        return c

    def value(self, sites) -> float:
        return float(self.w[self.counts(sites) > 0].sum())

    def fill(self, sites: list[int], k: int) -> list[int]:
        """Add sites greedily (largest newly covered weight) until k or nothing more is gained."""
        sites = list(sites)
        c = self.counts(sites)
        while len(sites) < k:
            gain = self.at @ np.where(c == 0, self.w, 0.0)
            gain[sites] = -1
            j = int(np.argmax(gain))
            if gain[j] <= 0:
                break
            sites.append(j)
            c[self.col_rows[j]] += 1
        return sites

    def swaps(self, sites: list[int], deadline: float) -> tuple[list[int], float]:
        """Best-improvement swaps (one site out, one in) until none gains or the time is up. The gain of
        each candidate after dropping site j is the gain on the rows now uncovered (one product with the
        whole matrix per round) plus the gain on the rows only j covers (a product with those rows only)."""
        sites = list(sites)
        c = self.counts(sites)
        while time.perf_counter() < deadline:
            open_gain = self.at @ np.where(c == 0, self.w, 0.0)
            best = (0.0, -1, -1)
            for j in sites:
                r = self.col_rows[j]
                only = r[c[r] == 1]
                loss = float(self.w[only].sum())
                gain = open_gain + self.by_row[only].T @ self.w[only] if len(only) else open_gain.copy()
                gain[sites] = -1
                jj = int(np.argmax(gain))
                if gain[jj] - loss > best[0] + 1e-9:
                    best = (gain[jj] - loss, j, jj)
            if best[1] < 0:
                break
            sites[sites.index(best[1])] = best[2]
            c[self.col_rows[best[1]]] -= 1
            c[self.col_rows[best[2]]] += 1
        return sites, float(self.w[c > 0].sum())

    def lagrangian(self, k: int, incumbent: float, deadline: float, max_iter: int = 3000, lam=None,
                   theta: float = 2.0):
        """Subgradient descent on L(λ) from `lam` (w/2 when None) with Polyak steps towards `incumbent`;
        returns the smallest bound seen and its λ, and keeps the step factor in `self.theta` (a later call
        goes on from there when the incumbent has improved)."""
        w = self.w
        lam = w * 0.5 if lam is None else lam
        best_bound, best_lam = np.inf, lam
        stall = 0
        for _it in range(max_iter):
            c = self.at @ lam
            top = np.argpartition(-c, k - 1)[:k] if k < len(c) else np.arange(len(c))
            bound = float(np.maximum(w - lam, 0).sum() + c[top].sum())
            if bound < best_bound - 1e-6:
                best_bound, best_lam, stall = bound, lam.copy(), 0
            else:
                stall += 1
                if stall >= 20:
                    theta, stall = theta / 1.5, 0
            if theta < 1e-5 or best_bound - incumbent < 0.5 or time.perf_counter() > deadline:
                break
            g = -(w - lam > 0).astype(np.float64)
            for j in top:
                g[self.col_rows[j]] += 1
            g[(lam <= 0) & (g > 0)] = 0
            g[(lam >= w) & (g < 0)] = 0
            norm = float(g @ g)
            if norm == 0:
                break
            lam = np.minimum(np.maximum(lam - theta * (bound - incumbent) / norm * g, 0), w)  # np.clip is slow here
        self.theta = theta
        return best_bound, best_lam


CP_SAT_MAX_ENTRIES = 250_000  # coverage entries (candidate, merged row) CP-SAT gets at most


def _reduced(inst: _Instance, lam, k: int, obj: float, sites) -> np.ndarray:
    """Reduced-cost fixing: the candidates that may still be in a solution better than `obj`. Opening j
    forces L(λ) to base − (k-th largest c) + c_j; when that is below obj + 1, no better solution opens j."""
    c = inst.at @ lam
    order = np.argsort(-c)
    base = float(np.maximum(inst.w - lam, 0).sum() + c[order[:k]].sum())
    forced = base - c[order[k - 1]] + c
    forced[order[:k]] = base
    return np.union1d(np.flatnonzero(forced >= obj + 1), np.asarray(sites, dtype=np.int64))


def _perturb(inst: _Instance, state: dict, k: int, rng, until: float, patience: int = 40) -> bool:
    """Drop 2 to 6 sites of the best solution at random, refill greedily, swap; keep what is better. Stops at
    `until` or after `patience` trials in a row without a better solution."""
    improved, stall = False, 0
    while time.perf_counter() < until and len(state["sites"]) > 1 and stall < patience:
        stall += 1
        trial = list(state["sites"])
        for _drop in range(min(int(rng.integers(2, 7)), len(trial) - 1)):
            trial.pop(int(rng.integers(len(trial))))
        trial, value = inst.swaps(inst.fill(trial, k), until)
        if value > state["obj"]:
            state["sites"], state["obj"], improved, stall = trial, value, True, 0
    return improved


def solve_mclp(cover: list, weights, k: int, *, time_limit: float = 30.0, gap: float = 0.0,
               workers: int = 2, seed: int = 1) -> Solution:
    """`cover[i]`: the candidate indexes that cover demand point i; `weights[i]` integers (residents).

    Stops at a proven relative gap ≤ `gap` or after `time_limit` seconds with the gap it proved."""
    t0 = time.perf_counter()
    deadline = t0 + float(time_limit)
    inst = _Instance(cover, weights)
    if inst.n == 0 or k <= 0:
        return Solution([], 0.0, 0.0, 0.0, True, time.perf_counter() - t0)
    k = min(int(k), inst.n)
    total = float(inst.w.sum())
    # 2. first solution
    sites, obj = inst.swaps(inst.fill([], k), t0 + 0.2 * time_limit)
    bound = total
    if k == inst.n or obj >= total:
        return Solution(sorted(int(inst.cand[j]) for j in sites), obj, obj, 0.0, True, time.perf_counter() - t0)
    rng = np.random.default_rng(seed)
    # 3. in turns: the perturbation search (better solutions) and the Lagrangian bound, warm-started from its
    # best λ (its Polyak steps aim at the incumbent, so each better solution makes the next steps better)
    state = {"sites": sites, "obj": obj, "bound": total, "lam": None, "theta": 2.0}

    def improve(until: float) -> None:
        turn = 0.1 * time_limit
        while time.perf_counter() < until:
            st = state
            if st["obj"] >= np.floor(st["bound"] + 1e-6) or (st["bound"] - st["obj"]) / st["bound"] <= gap:
                return
            improved = _perturb(inst, st, k, rng, min(until, time.perf_counter() + turn))
            theta = max(st["theta"], 0.05) if improved else st["theta"]
            b, st["lam"] = inst.lagrangian(k, st["obj"], min(until, time.perf_counter() + 2.5 * turn), max_iter=10**6,
                                           lam=st["lam"], theta=theta)
            if not improved and b > st["bound"] - 0.5:
                return  # neither side moves any more: CP-SAT (or the end) from here
            st["theta"], st["bound"] = inst.theta, min(st["bound"], b)

    improve(t0 + 0.8 * time_limit)
    if state["lam"] is None:  # no time was left for a turn: one evaluation of L(λ) all the same
        b, state["lam"] = inst.lagrangian(k, state["obj"], time.perf_counter())
        state["bound"] = min(state["bound"], b)
    sites, obj, bound, lam = state["sites"], state["obj"], state["bound"], state["lam"]
    if obj >= np.floor(bound + 1e-6) or (bound - obj) / bound <= gap:
        return _solution(inst, sites, obj, bound, gap, t0)
    keep = _reduced(inst, lam, k, obj, sites)
    # CP-SAT only when the model left is small enough to build and search in the time left; otherwise the
    # search goes on to the end and the Lagrangian bound is the proof.
    if int(np.diff(inst.a.indptr)[keep].sum()) > CP_SAT_MAX_ENTRIES:
        improve(t0 + 0.97 * time_limit)
        return _solution(inst, state["sites"], state["obj"], state["bound"], gap, t0)
    # 4. CP-SAT on the kept candidates (OR-Tools imported here, when used: seconds on a busy machine)
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    x = {int(j): model.NewBoolVar(f"x{j}") for j in keep}
    terms = []
    kept = np.zeros(inst.n, dtype=bool)
    kept[keep] = True
    rows_w: dict[tuple, float] = {}  # rows again merged on the kept candidates
    by_row = inst.a.tocsr()
    for r in range(len(inst.w)):
        cols = by_row.indices[by_row.indptr[r]:by_row.indptr[r + 1]]
        cols = tuple(int(j) for j in cols[kept[cols]])
        if cols:
            rows_w[cols] = rows_w.get(cols, 0.0) + inst.w[r]
    for t, (cols, wt) in enumerate(rows_w.items()):
        y = model.NewBoolVar(f"y{t}")
        model.AddBoolOr([x[j] for j in cols]).OnlyEnforceIf(y)
        terms.append((y, int(wt)))
    model.Add(sum(x.values()) <= k)
    objective = sum(wt * y for y, wt in terms)
    model.Add(objective <= int(np.floor(bound + 1e-6)))  # the Lagrangian bound: valid for every solution
    model.Maximize(objective)
    chosen = set(sites)
    for j, v in x.items():
        model.AddHint(v, j in chosen)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.2, deadline - time.perf_counter())
    solver.parameters.num_workers = workers
    solver.parameters.relative_gap_limit = float(gap)
    solver.parameters.random_seed = seed
    solver.parameters.linearization_level = 2
    status = solver.Solve(model)
    if status == cp_model.OPTIMAL:
        bound = min(bound, float(solver.ObjectiveValue()))
    elif status == cp_model.FEASIBLE:
        bound = min(bound, float(solver.BestObjectiveBound()))
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and solver.ObjectiveValue() > obj:
        sites = [j for j, v in x.items() if solver.BooleanValue(v)]
        obj = inst.value(sites)
    return _solution(inst, sites, obj, max(bound, obj), gap, t0)


def _solution(inst: _Instance, sites, obj: float, bound: float, gap: float, t0: float) -> Solution:
    bound = max(float(np.floor(bound + 1e-6)), obj)  # integer weights: the optimum is an integer
    g = (bound - obj) / max(bound, 1.0)
    return Solution(sorted(int(inst.cand[j]) for j in sites), float(obj), bound, g, bound <= obj,
                    time.perf_counter() - t0)


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
