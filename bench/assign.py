"""Benchmark: a whole wartime-call assignment on a city-sized instance (issue 5).

    python bench/assign.py [--scale 1.0] [--keep]

Loads the synthetic instance of `jiceng.mobilize.assignment.synthetic` (70,000 members, 2,000 posts,
40,000 seats, 5 km) into its own PostgreSQL database as registered members and a street's call, then
times `jiceng.mobilize.calls.call_assign`: loading the pool, availability and seats from the
database, candidate pairs, graph, solve, and writing the offers, in one transaction. The same
instance is then assigned greedily (nearest first) for comparison, and a 10 % sample instance is
checked against scipy's min_weight_full_bipartite_matching. `peak_mb` is the process's peak RSS
(including the set-up). Prints one JSON object as its last line.
"""

import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import bench_main  # noqa: E402

NAME = "assign"


def main(argv=None):
    return bench_main(NAME, _measure, options=[("--scale", {"type": float, "default": 1.0, "help": "fraction of the full instance"})], argv=argv)


def _measure(args, url):
    from django.utils import timezone

    from jiceng.mobilize import calls
    from jiceng.mobilize.assignment import synthetic
    from jiceng.mobilize.benchdata import load_instance

    s = args.scale
    inst = synthetic.make_instance(n_members=int(70_000 * s), n_posts=int(2_000 * s), n_seats=int(40_000 * s))
    t0 = time.perf_counter()
    call = load_instance(inst)
    setup_s = time.perf_counter() - t0
    now = timezone.now()
    t0 = time.perf_counter()
    summary = calls.call_assign(actor=None, call=call, now=now)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    greedy = calls.build_instance(call, now=now).problem.greedy()
    sample = synthetic.sample_instance(0.1)
    from jiceng.mobilize.assignment import AssignmentProblem

    prob = AssignmentProblem(sample["members"], sample["seats"], sample["shifts"], busy=sample["busy"],
                             max_distance_m=sample["max_distance_m"])
    ours, ref = prob.solve(), prob.verify_optimal_scipy()
    gap = (ours.total_cost - ref["total_cost"]) / max(ref["total_cost"], 1) if ours.filled == ref["filled"] \
        else float(ref["filled"] - ours.filled)
    out = {"name": NAME, "scale": s, "seconds": round(seconds, 3), "peak_mb": round(peak_mb, 1),
           "seats": summary["seats"], "filled": summary["filled"],
           "total_distance_m": summary["total_distance_m"], "greedy_filled": greedy.filled,
           "greedy_distance_m": greedy.total_distance_m, "sample_optimality_gap": gap,
           "phases_s": summary["seconds"], "setup_s": round(setup_s, 1)}
    return out


if __name__ == "__main__":
    main()
