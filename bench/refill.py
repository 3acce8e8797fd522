"""Benchmark: refilling 500 declined seats of a city-sized call (issue 5).

    python bench/refill.py [--scale 1.0] [--declines 500] [--keep]

Loads the synthetic instance (see bench/assign.py), assigns it, lets 500 members decline, and times
`jiceng.mobilize.calls.call_refill` (what the sweep runs): loading the call from the database, the
engine's refill of the freed seats (everything else stays), and writing the new offers. Prints one
JSON object as its last line with `seconds`.
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import bench_main  # noqa: E402

NAME = "refill"


def main(argv=None):
    return bench_main(NAME, _measure, options=[("--scale", {"type": float, "default": 1.0}),
                                                 ("--declines", {"type": int, "default": 500}),
                                                 ("--profile", {"help": "write a cProfile of the timed refill to this file"})], argv=argv)


def _measure(args, url):
    import random

    from django.utils import timezone

    from jiceng.mobilize import calls
    from jiceng.mobilize.assignment import synthetic
    from jiceng.mobilize.benchdata import load_instance
    from jiceng.mobilize.models import Assignment, AssignmentState

    s = args.scale
    inst = synthetic.make_instance(n_members=int(70_000 * s), n_posts=int(2_000 * s), n_seats=int(40_000 * s))
    call = load_instance(inst)
    now = timezone.now()
    calls.call_assign(actor=None, call=call, now=now)
    offered = list(Assignment.objects.filter(call=call, active=True).values_list("id", flat=True))
    declined = random.Random(5).sample(offered, min(args.declines, len(offered)))  # nosec B311  # seeded generator for synthetic data, not a secret
    Assignment.objects.filter(id__in=declined).update(state=AssignmentState.DECLINED, active=False,
                                                      responded_at=now)
    prof = None
    if args.profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    t0 = time.perf_counter()
    result = calls.call_refill(call=call, now=now)
    seconds = time.perf_counter() - t0
    if prof is not None:
        prof.disable()
        prof.dump_stats(args.profile)
    return {"name": NAME, "scale": s, "declines": len(declined), "seconds": round(seconds, 3),
            "refilled": result["refilled"], "still_unfilled": result["still_unfilled"]}


if __name__ == "__main__":
    main()
