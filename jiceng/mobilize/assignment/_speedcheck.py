"""Speed check of the assignment engine on the issue-5 ``assign``/``refill`` benchmark instance.

Run: ``python -m jiceng.mobilize.assignment._speedcheck [--members N --posts P --seats S]``. Prints one
JSON line. ``seconds`` covers problem preparation, candidate pairs, graph and solve (the database
write is the caller's and not included); ``peak_mb`` is the process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

import numpy as np

from .solver import AssignmentProblem
from .synthetic import make_instance, sample_instance


def _peak_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024.0 if sys.platform != "darwin" else kb / 1024.0 / 1024.0


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=70_000)
    ap.add_argument("--posts", type=int, default=2_000)
    ap.add_argument("--seats", type=int, default=40_000)
    ap.add_argument("--declines", type=int, default=500)
    ap.add_argument("--sample", type=float, default=0.1)
    args = ap.parse_args(argv)

    inst = make_instance(args.members, args.posts, args.seats)
    kw = {"busy": inst["busy"], "max_distance_m": inst["max_distance_m"]}

    t0 = time.perf_counter()
    problem = AssignmentProblem(inst["members"], inst["seats"], inst["shifts"], **kw)
    res = problem.solve()
    seconds = time.perf_counter() - t0
    peak_solve = _peak_mb()

    greedy = problem.greedy()

    # Refill: 500 declines, spread deterministically over the assignment; a fresh problem is built as
    # a request handler would do.
    rng = np.random.default_rng(7)
    pick = rng.choice(res.filled, size=min(args.declines, res.filled), replace=False)
    t1 = time.perf_counter()
    problem2 = AssignmentProblem(inst["members"], inst["seats"], inst["shifts"], **kw)
    ref = problem2.refill((res.member_id, res.seat_id), declined=(res.member_id[pick], res.seat_id[pick]))
    refill_seconds = time.perf_counter() - t1

    # Optimality on a 10 % sample instance against scipy's matching over (uncompressed) seats.
    sample = sample_instance(args.sample)
    sp = AssignmentProblem(sample["members"], sample["seats"], sample["shifts"], busy=sample["busy"],
                           max_distance_m=sample["max_distance_m"])
    s_res = sp.solve()
    t2 = time.perf_counter()
    s_ref = sp.verify_optimal_scipy()
    scipy_seconds = time.perf_counter() - t2
    same = (s_res.filled, s_res.total_cost) == (s_ref["filled"], s_ref["total_cost"])
    gap = 0.0 if same else abs(s_res.total_cost - s_ref["total_cost"]) / max(s_ref["total_cost"], 1) + abs(
        s_res.filled - s_ref["filled"])

    out = {
        "seconds": round(seconds, 3),
        "peak_mb": round(_peak_mb(), 1),
        "peak_mb_after_solve": round(peak_solve, 1),
        "members": int(len(inst["members"].id)),
        "posts": int(len(np.unique(inst["seats"].post_id))),
        "seats": res.seats,
        "filled": res.filled,
        "total_distance_m": res.total_distance_m,
        "total_cost": res.total_cost,
        "greedy_filled": greedy.filled,
        "greedy_distance_m": greedy.total_distance_m,
        "greedy_cost": greedy.total_cost,
        "greedy_seconds": round(greedy.timings.get("greedy", 0.0), 3),
        "sample_optimality_gap": gap,
        "sample_seats": s_res.seats,
        "sample_filled": s_res.filled,
        "sample_total_cost": s_res.total_cost,
        "sample_scipy_total_cost": s_ref["total_cost"],
        "sample_scipy_seconds": round(scipy_seconds, 3),
        "refill_declines": int(len(pick)),
        "refill_seconds": round(refill_seconds, 3),
        "refill_refilled": int(len(ref.new_seat_id)),
        "timings": {k: round(v, 3) for k, v in res.timings.items()},
        "rounds": res.stats.get("rounds"),
        "graph_pairs": res.stats.get("pairs"),
        "pool_pairs": res.stats.get("pool_pairs"),
    }
    print(json.dumps(out, ensure_ascii=False))
    return out


if __name__ == "__main__":
    main()
