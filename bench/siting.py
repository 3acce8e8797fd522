"""Benchmark: siting 20 new stations among 3,000 candidate sites over 13,000 weighted demand points
(maximal covering location problem, issue 12), with OR-Tools CP-SAT (`jiceng.stations.siting.solve_mclp`)
and, in the same run on the same instance, PySAL spopt's MCLP (PuLP + CBC).

    python bench/siting.py [--candidates 3000] [--demand 13000] [--k 20]

The instance: a 12 km × 12 km city whose demand points (buildings, weighted by residents 5–400) cluster
around 60 neighbourhood centres, candidate sites drawn among them; a candidate covers a demand point
within 1,080 m (15 minutes at 1.2 m/s). It needs no database. Prints one JSON object as its last line:
name, load_average (at the start), seconds, cpu_seconds (all threads), objective, bound, gap, spopt_seconds,
spopt_cpu_seconds (CBC's process included), spopt_objective, objective_vs_spopt, time_ratio_to_spopt.

spopt gets the same instance with demand points of identical coverage merged (the optimum is the same),
its coverage constraints built from the nonzeros (`spopt_sparse_constraints`: its own builder walks all
13,000 × 3,000 pairs in Python and never finished; `spopt_stock_constraint_build_seconds_estimate` is that
builder timed on 200 rows and scaled), and CBC a time limit (`--spopt-time-limit`, 180 s): its status says
whether CBC proved optimality, stopped at the limit with the solution it had, or found none
(`spopt_objective` null with the reason in `spopt_note`, and then `objective_vs_spopt` null too).
`spopt_objective` is the weight its chosen sites really cover, counted here.

`--lp-bound` (off by default: it takes many minutes) adds the LP relaxation's optimum solved by HiGHS
(`scipy.optimize.linprog`) on the merged rows: no bound from the Lagrangian can be below it, so when
(lp_bound − objective) / lp_bound > 0.005 the 0.005 target needs branching or cuts, not a better λ.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NAME = "siting"
RADIUS = 1080.0


def instance(n_cand: int, n_dem: int, seed: int = 20261207):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 12_000, (60, 2))
    which = rng.integers(0, len(centres), n_dem)
    demand = np.clip(centres[which] + rng.normal(0, 900, (n_dem, 2)), 0, 12_000)
    weights = rng.integers(5, 400, n_dem)
    cand = np.clip(demand[rng.choice(n_dem, n_cand, replace=False)] + rng.normal(0, 150, (n_cand, 2)), 0, 12_000)
    return demand, weights, cand


def spopt_sparse_constraints(obj, range_facility, range_client):
    """spopt's maximal coverage constraints (y_i <= sum_j a_ij x_j) built from the nonzeros only: its own
    builder loops over every (client, facility) pair in Python, 35 million PuLP terms here."""
    import pulp

    rows, cols = obj.aij.nonzero()
    split = np.searchsorted(rows, np.arange(obj.aij.shape[0] + 1))
    for i in range_client:
        obj.problem += pulp.lpSum(obj.fac_vars[j] for j in cols[split[i]:split[i + 1]]) >= obj.cli_vars[i]


def run_spopt(cover_rows, row_weights, n_cand, k, time_limit):
    """PySAL spopt's MCLP (PuLP + CBC) on the merged rows of the same instance (same optimum)."""
    import pulp
    from spopt.locate import MCLP
    from spopt.locate.base import FacilityModelBuilder

    # the cost matrix spopt takes: 0 where a candidate covers the merged row, 2 × the radius elsewhere
    cost = np.full((len(cover_rows), n_cand), 2 * RADIUS, dtype=np.float32)
    for i, key in enumerate(cover_rows):
        cost[i, list(key)] = 0.0
    # the stock dense builder, timed on 200 rows and scaled to all of them (an estimate, labelled so)
    t_stock = time.perf_counter()
    FacilityModelBuilder.add_maximal_coverage_constraint(_Probe(cost[:200] <= RADIUS), range(n_cand), range(200))
    stock_estimate = (time.perf_counter() - t_stock) * len(cover_rows) / 200
    t, cpu = time.perf_counter(), _cpu()
    original = FacilityModelBuilder.add_maximal_coverage_constraint
    FacilityModelBuilder.add_maximal_coverage_constraint = staticmethod(spopt_sparse_constraints)
    try:
        model = MCLP.from_cost_matrix(cost, np.asarray(row_weights, float), service_radius=RADIUS, p_facilities=k)
    finally:
        FacilityModelBuilder.add_maximal_coverage_constraint = staticmethod(original)
    del cost
    build = time.perf_counter() - t
    # the solve spopt's MCLP.solve runs, without its check that raises when CBC returns no solution
    model.problem.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=int(time_limit)))
    seconds, cpu = time.perf_counter() - t, _cpu() - cpu
    chosen = {j for j, v in enumerate(model.fac_vars) if (v.value() or 0) > 0.5}
    covered = float(sum(w for key, w in zip(cover_rows, row_weights, strict=True) if chosen & set(key)))
    if len(chosen) > k:
        raise RuntimeError(f"spopt chose {len(chosen)} sites for k = {k}")
    # values CBC leaves behind without a feasible solution are not a solution
    solved = model.problem.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    note = None if solved else (f"CBC found no feasible solution within its {int(time_limit)} s limit"
                                f" (status {pulp.LpStatus[model.problem.status]})")
    return {"spopt_seconds": round(seconds, 2), "spopt_cpu_seconds": round(cpu, 2),
            "spopt_build_seconds": round(build, 2), "spopt_instance": "merged rows, the same the solver builds",
            "spopt_note": note,
            "spopt_status": pulp.LpStatus[model.problem.status],
            "spopt_solution_status": pulp.LpSolution.get(model.problem.sol_status, str(model.problem.sol_status)),
            "spopt_objective": covered if solved else None, "spopt_time_limit": int(time_limit),
            "spopt_stock_constraint_build_seconds_estimate": round(stock_estimate, 1)}


def lp_relaxation(cover_rows, row_weights, k, objective):
    """The LP relaxation  max w·y, y ≤ A x, Σx ≤ k, 0 ≤ x, y ≤ 1  by HiGHS: the best bound any λ gives."""
    import scipy.sparse as sp
    from scipy.optimize import linprog

    m = len(cover_rows)
    cols = np.fromiter((j for key in cover_rows for j in key), dtype=np.int64)
    rows = np.repeat(np.arange(m), [len(key) for key in cover_rows])
    n = int(cols.max()) + 1
    a = sp.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(m, n))
    a_ub = sp.vstack([sp.hstack([-a, sp.eye(m)]), sp.hstack([sp.csr_matrix(np.ones((1, n))),
                                                             sp.csr_matrix((1, m))])]).tocsr()
    t, cpu = time.perf_counter(), _cpu()
    res = linprog(np.r_[np.zeros(n), -np.asarray(row_weights, float)], A_ub=a_ub, b_ub=np.r_[np.zeros(m), k],
                  bounds=(0, 1), method="highs")
    lp = -float(res.fun) if res.status == 0 else None
    return {"lp_bound": lp, "lp_status": res.message, "lp_seconds": round(time.perf_counter() - t, 1),
            "lp_cpu_seconds": round(_cpu() - cpu, 1),
            "lp_gap_of_objective": round((lp - objective) / lp, 5) if lp else None}


def _cpu() -> float:
    """CPU seconds of this process (all its threads) and of its finished children (CBC runs as one)."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class _Probe:
    """Just enough of an MCLP object for spopt's stock constraint builder (to time it on a sample)."""

    def __init__(self, aij):
        import pulp

        self.aij = aij.astype(float)
        self.problem = pulp.LpProblem("probe", pulp.LpMaximize)
        self.fac_vars = [pulp.LpVariable(f"x{j}", cat="Binary") for j in range(aij.shape[1])]
        self.cli_vars = [pulp.LpVariable(f"y{i}", cat="Binary") for i in range(aij.shape[0])]


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--candidates", type=int, default=3000)
    ap.add_argument("--demand", type=int, default=13000)
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--spopt-time-limit", type=float, default=180.0)
    ap.add_argument("--lp-bound", action="store_true", help="also solve the LP relaxation (HiGHS; minutes)")
    args = ap.parse_args(argv)
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
    import django

    django.setup()  # jiceng.stations.siting imports models (the suggestion service lives beside the solver)
    from scipy.spatial import cKDTree

    from jiceng.stations.siting import solve_mclp

    demand, weights, cand = instance(args.candidates, args.demand)
    load = [round(x, 2) for x in os.getloadavg()]
    t, cpu = time.perf_counter(), _cpu()
    cover = cKDTree(cand).query_ball_point(demand, r=RADIUS)
    # the solver gets what the coverage lists left of the limit, less half a second for its last step
    sol = solve_mclp(cover, weights, args.k, time_limit=max(1.0, args.time_limit - (time.perf_counter() - t) - 0.5),
                     gap=0.005)
    seconds, cpu = time.perf_counter() - t, _cpu() - cpu
    chosen = set(sol.chosen)
    check = float(sum(int(weights[i]) for i, c in enumerate(cover) if chosen.intersection(c)))
    if check != sol.objective:
        raise RuntimeError(f"covered weight {check} differs from the objective {sol.objective}")
    print(json.dumps({"phase": "ours", "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
                      "objective": sol.objective, "bound": sol.bound, "gap": round(sol.gap, 5)}),
          file=sys.stderr, flush=True)

    merged: dict[tuple, int] = {}
    for i, c in enumerate(cover):
        if len(c):
            key = tuple(sorted(c))
            merged[key] = merged.get(key, 0) + int(weights[i])
    sp = run_spopt(list(merged), list(merged.values()), args.candidates, args.k, args.spopt_time_limit)
    out = {"name": NAME, "candidates": args.candidates, "demand": args.demand, "k": args.k,
           "distinct_demand_rows": len(merged), "time_limit": args.time_limit,
           "load_average": load, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
           "objective": sol.objective, "bound": sol.bound, "gap": round(sol.gap, 5),
           "optimal": sol.optimal, **sp,
           "objective_vs_spopt": round(sol.objective / sp["spopt_objective"], 5) if sp["spopt_objective"] else None,
           "time_ratio_to_spopt": round(sp["spopt_seconds"] / seconds, 2)}
    if args.lp_bound:
        out.update(lp_relaxation(list(merged), list(merged.values()), args.k, sol.objective))
    print(json.dumps(out))
    return 0 if out["gap"] <= 0.005 and out["seconds"] <= 30 and (out["objective_vs_spopt"] or 0) >= 1 else 1


if __name__ == "__main__":
    sys.exit(main())
