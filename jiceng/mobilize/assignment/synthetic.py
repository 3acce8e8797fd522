"""Deterministic synthetic instances for the whistle-call assignment engine.

The default instance mirrors the ``assign`` benchmark of issue 5: 70,000 registered members spread
over a city about 40 km wide with clustered density, 8 skills, 2,000 posts with 40,000 seats over
four shifts (two of which overlap others), and a 5 km distance limit.
"""

from __future__ import annotations

import numpy as np

from .solver import BusyIntervals, Members, Seats, Shifts

#: Skill bits used by the generator (bit i = ``SKILLS[i]``) and the share of members holding each.
SKILLS = ("medical", "driving", "it", "legal", "psychology", "construction", "logistics", "language")
SKILL_SHARE = np.array([0.08, 0.35, 0.15, 0.04, 0.05, 0.10, 0.20, 0.06])
#: Share of posts requiring each skill (the rest require none).
POST_SKILL_SHARE = np.array([0.20, 0.12, 0.04, 0.02, 0.03, 0.05, 0.08, 0.01])

CENTER_LAT = 26.58  # a mid-sized Chinese city centre (Guiyang-like latitude)
CENTER_LNG = 106.71
DAY0 = 1_767_225_600  # 2026-01-01T00:00:00Z, epoch seconds
HOUR = 3600


def _offsets_to_latlng(dx_m: np.ndarray, dy_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat = CENTER_LAT + dy_m / 111_320.0
    lng = CENTER_LNG + dx_m / (111_320.0 * np.cos(np.radians(CENTER_LAT)))
    return lat, lng


def _clustered_points(
    rng: np.random.Generator, n: int, centers: np.ndarray, sigmas: np.ndarray, weights: np.ndarray,
    half_width_m: float, background: float,
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points: a Gaussian mixture around ``centers`` plus a uniform background share."""
    n_bg = int(round(n * background))
    n_cl = n - n_bg
    which = rng.choice(len(centers), size=n_cl, p=weights)
    xy = centers[which] + rng.normal(size=(n_cl, 2)) * sigmas[which, None]
    xy = np.vstack([xy, rng.uniform(-half_width_m, half_width_m, size=(n_bg, 2))])
    np.clip(xy, -half_width_m, half_width_m, out=xy)
    xy = xy[rng.permutation(n)]
    return _offsets_to_latlng(xy[:, 0], xy[:, 1])


def make_instance(
    n_members: int = 70_000,
    n_posts: int = 2_000,
    n_seats: int = 40_000,
    *,
    width_m: float = 40_000.0,
    n_clusters: int = 40,
    seed: int = 20260101,
    busy_share: float = 0.3,
) -> dict:
    """Build a deterministic instance.

    Returns a dict with ``members`` (:class:`Members`), ``seats`` (:class:`Seats`), ``shifts``
    (:class:`Shifts`), ``busy`` (:class:`BusyIntervals`), ``max_distance_m`` (5,000) and ``skills``
    (the skill names, bit i = name i). Same arguments → identical arrays.
    """
    if n_seats < n_posts:
        raise ValueError("need at least one seat per post")
    rng = np.random.default_rng(seed)
    half = width_m / 2.0
    # Population clusters: a dense core plus neighbourhood centres of varying size.
    centers = rng.normal(scale=width_m / 5.0, size=(n_clusters, 2))
    np.clip(centers, -half * 0.9, half * 0.9, out=centers)
    centers[0] = 0.0
    sigmas = rng.uniform(400.0, 3_000.0, size=n_clusters)
    sigmas[0] = 4_000.0
    weights = rng.pareto(1.5, size=n_clusters) + 0.2
    weights /= weights.sum()

    m_lat, m_lng = _clustered_points(rng, n_members, centers, sigmas, weights, half, background=0.15)
    skills = np.zeros(n_members, dtype=np.int64)
    for bit, share in enumerate(SKILL_SHARE):
        skills |= (rng.random(n_members) < share).astype(np.int64) << bit
    recent = rng.poisson(0.6, size=n_members).astype(np.int64)
    members = Members(
        id=np.arange(1, n_members + 1, dtype=np.int64) * 7 + 100_000,
        lat=m_lat, lng=m_lng, skills=skills, recent=recent,
    )

    # Shifts: night, day, evening (back to back, half-open) and a mid-day shift overlapping day and
    # evening, so {day, mid, evening} form one overlap cluster and night another.
    shifts = Shifts(
        id=np.array([11, 12, 13, 14], dtype=np.int64),
        start=DAY0 + np.array([0, 8, 16, 12], dtype=np.int64) * HOUR,
        end=DAY0 + np.array([8, 16, 24, 20], dtype=np.int64) * HOUR,
    )

    # Posts sit where people are (same mixture, less background).
    p_lat, p_lng = _clustered_points(rng, n_posts, centers, sigmas, weights, half, background=0.05)
    p_shift = rng.choice(shifts.id, size=n_posts, p=[0.15, 0.4, 0.3, 0.15])
    p_req = np.zeros(n_posts, dtype=np.int64)
    u = rng.random(n_posts)
    edges = np.cumsum(POST_SKILL_SHARE)
    for bit in range(len(POST_SKILL_SHARE)):
        lo = 0.0 if bit == 0 else edges[bit - 1]
        p_req[(u >= lo) & (u < edges[bit])] = np.int64(1) << bit
    # A few posts need two skills (medical + driving: ambulance transfer).
    two = rng.random(n_posts) < 0.02
    p_req[two] = 0b11
    headcount = 1 + rng.multinomial(n_seats - n_posts, rng.dirichlet(np.full(n_posts, 2.0)))
    post_ids = np.arange(1, n_posts + 1, dtype=np.int64) + 5_000
    rep = np.repeat(np.arange(n_posts), headcount)
    seats = Seats(
        id=np.arange(1, n_seats + 1, dtype=np.int64) + 900_000,
        post_id=post_ids[rep], lat=p_lat[rep], lng=p_lng[rep], required=p_req[rep], shift_id=p_shift[rep],
    )

    # Busy intervals: a share of members are busy (work, blackout) for 6–10 h some time that day.
    n_busy = int(round(n_members * busy_share))
    who = rng.choice(n_members, size=n_busy, replace=False)
    b_start = DAY0 + rng.integers(0, 20, size=n_busy) * HOUR
    b_end = b_start + rng.integers(6, 11, size=n_busy) * HOUR
    busy = BusyIntervals(member_id=members.id[who], start=b_start, end=b_end)
    return {
        "members": members, "seats": seats, "shifts": shifts, "busy": busy,
        "max_distance_m": 5_000.0, "skills": SKILLS,
    }


def sample_instance(fraction: float = 0.1, seed: int = 20260101) -> dict:
    """The default instance scaled down by ``fraction`` (same city, same shifts and mixture)."""
    return make_instance(
        n_members=max(1, int(round(70_000 * fraction))),
        n_posts=max(1, int(round(2_000 * fraction))),
        n_seats=max(1, int(round(40_000 * fraction))),
        seed=seed,
    )
