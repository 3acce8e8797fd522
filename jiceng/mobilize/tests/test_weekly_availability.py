"""The vectorized weekly-availability check agrees with the hour-by-hour definition."""

import random

import numpy as np

from jiceng.mobilize.calls import weekly_available


def _naive(ids, limited, slots):
    out = np.ones((len(ids), len(slots)), dtype=bool)
    index = {m: k for k, m in enumerate(ids.tolist())}
    for mid, weekly in limited:
        k = index.get(mid)
        if k is None:
            continue
        hours = np.frombuffer(weekly.encode(), dtype=np.uint8) == ord("1")
        for s, sl in enumerate(slots):
            out[k, s] = bool(hours[sl].all())
    return out


def test_weekly_availability_matches_the_hour_by_hour_check():
    rng = random.Random(5)
    ids = np.array(rng.sample(range(1, 10_000), 800), dtype=np.int64)
    patterns = ["".join(rng.choice("0111") for _h in range(168)) for _k in range(12)]
    chosen = rng.sample(ids.tolist(), 300) + [999_999]  # one member outside the pool
    limited = [(m, rng.choice(patterns)) for m in chosen]
    slots = [(rng.randrange(168) + np.arange(rng.randint(1, 12))) % 168 for _s in range(25)]
    assert np.array_equal(weekly_available(ids, limited, slots), _naive(ids, limited, slots))


def test_members_who_never_limited_their_hours_are_available():
    ids = np.array([3, 1, 2], dtype=np.int64)
    closed_monday = "0" * 24 + "1" * 144
    got = weekly_available(ids, [(2, closed_monday)], [np.arange(8, 12), np.arange(30, 34)])
    assert got.tolist() == [[True, True], [True, True], [False, True]]
