"""Optimal assignment of registered members to the seats of a wartime whistle call (SPEC C4).

Pure Python + numpy/scipy/OR-Tools, no Django. The caller loads members, seats and shifts from the
database into the small array containers below, calls :meth:`AssignmentProblem.solve` (or the
module-level :func:`assign`) and writes the returned arrays back.

Model
-----
* A *seat* belongs to a post and a shift. Seats with the same post, shift, place and required skills
  are interchangeable and are compressed into one *group* node whose capacity is its seat count.
* Shifts are half-open intervals ``[start, end)``. Shifts that overlap (transitively) form an *overlap
  cluster*; a member gets at most one seat per cluster, so nobody ever holds two overlapping shifts.
  (Conservative for chains: with A–B and B–C overlapping but A–C not, a member gets one of A, B, C.)
* A member qualifies for a group when ``member.skills & required == required``, the member is
  available for the group's shift (no busy interval overlaps it, and the optional availability
  matrix allows it), and the great-circle distance is at most ``max_distance_m``.
* Cost of a (member, seat) pair = distance in whole metres + ``penalty_per_recent`` × the member's
  recent-service count (fair rotation).
* Objective: fill as many seats as possible, then minimize the total cost. It is solved exactly as a
  min-cost flow: source → (member, cluster) [cap 1] → group [cap 1, cost] → sink [cap seats], plus a
  source → sink bypass whose unit cost is larger than any possible saving, so the problem is always
  feasible and an extra filled seat always beats any amount of cost.
* Pinned pairs (members already checked in) are kept as they are and use up their member's cluster.
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching
from scipy.spatial import cKDTree

from jiceng.core.geo.distance import M_PER_DEG, haversine_m

_MAX_LEVEL = 8  # recent-service counts at or above this share one kd-tree level

__all__ = [
    "AssignmentProblem",
    "AssignmentResult",
    "BusyIntervals",
    "Members",
    "RefillResult",
    "Seats",
    "Shifts",
    "assign",
    "greedy_assign",
    "haversine_m",
    "refill",
    "verify_optimal_scipy",
]


# --------------------------------------------------------------------------------------------------
# Input containers
# --------------------------------------------------------------------------------------------------


def _columns(obj, what: str, **dtypes) -> int:
    """Make each named field of an input container a numpy array of its dtype; all must have the length of
    the first, which is returned."""
    n = None
    for name, dtype in dtypes.items():
        column = np.asarray(getattr(obj, name), dtype=dtype)
        setattr(obj, name, column)
        n = len(column) if n is None else n
        if len(column) != n:
            raise ValueError(f"{what}.{name} has length {len(column)}, expected {n}")
    return n


@dataclass
class Members:
    """Registered members, one entry per member (arrays of length M)."""

    id: np.ndarray  # int64, unique
    lat: np.ndarray  # float64, WGS-84 degrees (NaN = no location → never assigned)
    lng: np.ndarray  # float64
    skills: np.ndarray  # int64 bitmask
    recent: np.ndarray | None = None  # int64 recent-service count (fair rotation); None = all 0

    def __post_init__(self) -> None:
        if self.recent is None:
            self.recent = np.zeros(len(self.id), dtype=np.int64)
        n = _columns(self, "members", id=np.int64, lat=np.float64, lng=np.float64, skills=np.int64, recent=np.int64)
        if len(np.unique(self.id)) != n:
            raise ValueError("member ids must be unique")
        if (self.recent < 0).any():
            raise ValueError("members.recent must be >= 0")


@dataclass
class Shifts:
    """The shifts of a call (arrays of length S). Times are integers (e.g. epoch seconds)."""

    id: np.ndarray  # int64, unique
    start: np.ndarray  # int64
    end: np.ndarray  # int64, > start

    def __post_init__(self) -> None:
        if len(np.unique(self.id)) != _columns(self, "shifts", id=np.int64, start=np.int64, end=np.int64):
            raise ValueError("shift ids must be unique")
        bad = self.end <= self.start
        if bad.any():
            raise ValueError(f"shift {int(self.id[bad][0])} ends before it starts")


@dataclass
class Seats:
    """The seats of a call, one entry per seat (arrays of length N)."""

    id: np.ndarray  # int64, unique
    post_id: np.ndarray  # int64
    lat: np.ndarray  # float64 (the post's place)
    lng: np.ndarray  # float64
    required: np.ndarray  # int64 required-skill bitmask
    shift_id: np.ndarray  # int64, one of Shifts.id

    def __post_init__(self) -> None:
        n = _columns(self, "seats", id=np.int64, post_id=np.int64, lat=np.float64, lng=np.float64,
                     required=np.int64, shift_id=np.int64)
        if len(np.unique(self.id)) != n:
            raise ValueError("seat ids must be unique")
        if not (np.isfinite(self.lat).all() and np.isfinite(self.lng).all()):
            raise ValueError("every seat needs a place (finite lat/lng)")


@dataclass
class BusyIntervals:
    """Intervals ``[start, end)`` in which a member cannot serve (other duties, blackout dates).

    Intervals of member ids that are not in the pool are ignored.
    """

    member_id: np.ndarray  # int64
    start: np.ndarray  # int64
    end: np.ndarray  # int64

    def __post_init__(self) -> None:
        _columns(self, "busy", member_id=np.int64, start=np.int64, end=np.int64)


# --------------------------------------------------------------------------------------------------
# Output containers
# --------------------------------------------------------------------------------------------------


@dataclass
class AssignmentResult:
    """Assignments as parallel arrays (length A), plus totals.

    ``pinned[k]`` tells whether pair k was kept from the input rather than chosen by this run.
    ``total_cost`` = ``total_distance_m`` + penalty × recent count over all assigned pairs.
    """

    member_id: np.ndarray
    seat_id: np.ndarray
    post_id: np.ndarray
    distance_m: np.ndarray
    cost: np.ndarray
    pinned: np.ndarray
    unfilled_seat_id: np.ndarray
    seats: int
    method: str
    timings: dict = field(default_factory=dict)
    stats: dict = field(default_factory=dict)

    @property
    def filled(self) -> int:
        return int(len(self.seat_id))

    @property
    def total_distance_m(self) -> int:
        return int(self.distance_m.sum())

    @property
    def total_cost(self) -> int:
        return int(self.cost.sum())

    def by_member(self) -> dict[int, list[tuple[int, int]]]:
        """member id → [(seat id, post id), …] (several only for non-overlapping shifts)."""
        out: dict[int, list[tuple[int, int]]] = {}
        for m, s, p in zip(self.member_id.tolist(), self.seat_id.tolist(), self.post_id.tolist(), strict=True):
            out.setdefault(m, []).append((s, p))
        return out

    def by_seat(self) -> dict[int, int]:
        """seat id → member id for filled seats."""
        return dict(zip(self.seat_id.tolist(), self.member_id.tolist(), strict=True))

    def summary(self) -> dict:
        return {
            "method": self.method,
            "seats": self.seats,
            "filled": self.filled,
            "total_distance_m": self.total_distance_m,
            "total_cost": self.total_cost,
        }


@dataclass
class RefillResult:
    """Outcome of :meth:`AssignmentProblem.refill`.

    ``result`` is the complete assignment after the refill; ``new_member_id``/``new_seat_id`` are the
    pairs added by the refill; ``still_unfilled_seat_id`` are freed seats nobody qualified could take.
    """

    result: AssignmentResult
    new_member_id: np.ndarray
    new_seat_id: np.ndarray
    still_unfilled_seat_id: np.ndarray
    seconds: float


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------


def _as_pairs(pairs) -> tuple[np.ndarray, np.ndarray]:
    """Normalize ``None`` / ``(ids_a, ids_b)`` / iterable of 2-tuples into two int64 arrays."""
    if pairs is None:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if isinstance(pairs, tuple) and len(pairs) == 2 and not np.isscalar(pairs[0]):
        a, b = (np.asarray(x, dtype=np.int64).ravel() for x in pairs)
    else:
        arr = np.asarray(list(pairs), dtype=np.int64).reshape(-1, 2)
        a, b = arr[:, 0].copy(), arr[:, 1].copy()
    if len(a) != len(b):
        raise ValueError("pair arrays must have the same length")
    return a, b


def _lookup(sorted_ids: np.ndarray, order: np.ndarray, query: np.ndarray, what: str, strict: bool = True):
    """Indices of ``query`` ids in the original array (``order`` = argsort of it).

    With ``strict`` an unknown id raises; otherwise unknown ids get -1.
    """
    query = np.asarray(query, dtype=np.int64)
    pos = np.searchsorted(sorted_ids, query)
    pos_c = np.minimum(pos, max(len(sorted_ids) - 1, 0))
    ok = (pos < len(sorted_ids)) & (sorted_ids[pos_c] == query) if len(sorted_ids) else np.zeros(len(query), bool)
    if strict and not ok.all():
        raise ValueError(f"unknown {what} id {int(query[~ok][0])}")
    out = np.full(len(query), -1, dtype=np.int64)
    out[ok] = order[pos_c[ok]]
    return out


def _potentials(tails: np.ndarray, heads: np.ndarray, w: np.ndarray, n: int) -> np.ndarray:
    """Bellman-Ford from a virtual root joined to every node at cost 0 (so all labels start at 0).

    Arcs ``tails[k] → heads[k]`` with integer cost ``w[k]``; returns int64 labels ``d`` with
    ``d[h] <= d[t] + w`` for every arc and ``d <= 0``. Vectorized passes until nothing changes; the
    number of passes is the longest improving path (in arcs), not the node count.
    """
    dist = np.zeros(n, dtype=np.int64)
    if len(tails) == 0:
        return dist
    order = np.argsort(tails, kind="stable")
    tails, heads, w = tails[order], heads[order], w[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tails, minlength=n), out=indptr[1:])
    active = np.unique(tails)
    for _ in range(n + 1):
        # Relax only the arcs leaving nodes whose label changed in the previous pass.
        starts = indptr[active]
        lens = indptr[active + 1] - starts
        total = int(lens.sum())
        if total == 0:
            return dist
        offs = np.repeat(starts - (np.cumsum(lens) - lens), lens) + np.arange(total)
        hd = heads[offs]
        new = dist.copy()
        np.minimum.at(new, hd, dist[tails[offs]] + w[offs])
        active = np.flatnonzero(new < dist)
        if len(active) == 0:
            return dist
        dist = new
    raise RuntimeError("negative cycle in a residual graph: the flow was not optimal")


def overlap_clusters(start: np.ndarray, end: np.ndarray, gap: int = 0) -> np.ndarray:
    """Cluster index per shift: shifts whose ``[start, end + gap)`` overlap transitively share one."""
    n = len(start)
    cluster = np.zeros(n, dtype=np.int64)
    if n == 0:
        return cluster
    order = np.lexsort((end, start))
    cid = -1
    cur_end = None
    for i in order.tolist():
        if cur_end is None or start[i] >= cur_end + gap:
            cid += 1
            cur_end = end[i]
        else:
            cur_end = max(cur_end, end[i])
        cluster[i] = cid
    return cluster


# --------------------------------------------------------------------------------------------------
# The problem
# --------------------------------------------------------------------------------------------------


class AssignmentProblem:
    """One call's assignment instance: members, seats, shifts, rules. Reusable for solve/refill.

    :param members: the pool (:class:`Members`).
    :param seats: all seats of the call (:class:`Seats`).
    :param shifts: the call's shifts (:class:`Shifts`); every ``seats.shift_id`` must be one of them.
    :param max_distance_m: candidate radius in metres (great-circle).
    :param penalty_per_recent: cost added per recent service of a member (metres-equivalent).
    :param busy: optional :class:`BusyIntervals`; a member is unavailable for a shift one overlaps.
    :param available: optional bool matrix ``[M, S]`` (member × shift, in ``shifts`` order).
    :param rest_gap_s: shifts closer than this (end to start) also count as overlapping.
    :param knn_factor, knn_extra: size of the initial candidate lists (tuning only; the result is
        optimal regardless, lists are extended until the optimum is certified).
    :param bypass_arc: model scarcity with a source→sink bypass arc of prohibitive cost;
        False (default, ~1.7x faster here) uses OR-Tools' ``solve_max_flow_with_min_cost`` (same optimum).
    """

    def __init__(
        self,
        members: Members,
        seats: Seats,
        shifts: Shifts,
        *,
        max_distance_m: float = 5_000.0,
        penalty_per_recent: int = 1_000,
        busy: BusyIntervals | None = None,
        available: np.ndarray | None = None,
        rest_gap_s: int = 0,
        knn_factor: int = 4,
        knn_extra: int = 32,
        bypass_arc: bool = False,
    ) -> None:
        t0 = time.perf_counter()
        if max_distance_m < 0:
            raise ValueError("max_distance_m must be >= 0")
        if penalty_per_recent < 0:
            raise ValueError("penalty_per_recent must be >= 0")
        self.members = members
        self.seats = seats
        self.shifts = shifts
        self.max_distance_m = float(max_distance_m)
        self.penalty_per_recent = int(penalty_per_recent)
        self.rest_gap_s = int(rest_gap_s)
        # Initial sparse candidate list per seat group: knn_factor × seats + knn_extra nearest members.
        self.knn_factor = max(1, int(knn_factor))
        self.knn_extra = max(1, int(knn_extra))
        self.bypass_arc = bool(bypass_arc)
        self.busy = busy
        M, S = len(members.id), len(shifts.id)
        self.n_members, self.n_shifts = M, S

        self._m_order = np.argsort(members.id, kind="stable")
        self._m_sorted = members.id[self._m_order]
        self._s_order = np.argsort(seats.id, kind="stable")
        self._s_sorted = seats.id[self._s_order]
        sh_order = np.argsort(shifts.id, kind="stable")
        self.seat_shift = _lookup(shifts.id[sh_order], sh_order, seats.shift_id, "shift")

        self.shift_cluster = overlap_clusters(shifts.start, shifts.end, self.rest_gap_s)
        self.n_clusters = int(self.shift_cluster.max()) + 1 if S else 0

        # Availability member × shift.
        avail = np.ones((M, S), dtype=bool)
        if available is not None:
            available = np.asarray(available, dtype=bool)
            if available.shape != (M, S):
                raise ValueError(f"available must have shape {(M, S)}, got {available.shape}")
            avail &= available
        if busy is not None and len(busy.member_id):
            bidx = _lookup(self._m_sorted, self._m_order, busy.member_id, "member", strict=False)
            known = bidx >= 0
            bidx, bs, be = bidx[known], busy.start[known], busy.end[known]
            for s in range(S):
                hit = (bs < shifts.end[s]) & (be > shifts.start[s])
                avail[bidx[hit], s] = False
        located = np.isfinite(members.lat) & np.isfinite(members.lng)
        self._given_available = None if available is None else available.copy()
        avail[~located] = False
        self.available = avail

        # Seat groups: identical (post, shift, place, required skills) seats are interchangeable.
        N = len(seats.id)
        order = np.lexsort((seats.id, seats.required, seats.lng, seats.lat, self.seat_shift, seats.post_id))
        if N:
            keys = (seats.post_id, self.seat_shift, seats.lat, seats.lng, seats.required)
            new = np.zeros(N, dtype=bool)
            new[0] = True
            for k in keys:
                ks = k[order]
                new[1:] |= ks[1:] != ks[:-1]
            group_sorted = np.cumsum(new) - 1
        else:
            group_sorted = np.zeros(0, dtype=np.int64)
        self.seat_group = np.empty(N, dtype=np.int64)
        self.seat_group[order] = group_sorted
        self.group_order = order  # seat indices sorted by group then seat id
        G = int(group_sorted[-1]) + 1 if N else 0
        self.n_groups = G
        first = order[np.flatnonzero(new)] if N else np.zeros(0, dtype=np.int64)
        self.group_post = seats.post_id[first]
        self.group_shift = self.seat_shift[first]
        self.group_cluster = self.shift_cluster[self.group_shift] if G else np.zeros(0, dtype=np.int64)
        self.group_lat = seats.lat[first]
        self.group_lng = seats.lng[first]
        self.group_required = seats.required[first]

        # Local metric projection (equirectangular around the centre) for the kd-tree search.
        lat_all = np.concatenate([members.lat[located], seats.lat])
        lng_all = np.concatenate([members.lng[located], seats.lng])
        self._lat0 = float(np.mean(lat_all)) if len(lat_all) else 0.0
        self._lng0 = float(np.mean(lng_all)) if len(lng_all) else 0.0
        lat_extent = float(np.max(np.abs(lat_all - self._lat0))) if len(lat_all) else 0.0
        # East-west scale drifts by ~tan(lat)·Δlat away from lat0; search a little wider, then filter
        # on the exact great-circle distance.
        worst_lat = min(abs(self._lat0) + lat_extent, 89.0)
        drift = np.tan(np.radians(worst_lat)) * np.radians(lat_extent) + 0.002
        self._proj_slack = 1.0 + 2.0 * drift  # projected/true distance ratio stays within 1/slack..slack
        self._query_radius = self.max_distance_m * self._proj_slack + 1.0
        self._member_xy = self._project(members.lat, members.lng)
        self._located = located
        self._tree: cKDTree | None = None
        self.timings: dict[str, float] = {"prepare": time.perf_counter() - t0}

    # ---------------------------------------------------------------------------------------- basics

    def _project(self, lat: np.ndarray, lng: np.ndarray) -> np.ndarray:
        k = M_PER_DEG
        x = (lng - self._lng0) * k * np.cos(np.radians(self._lat0))
        y = (lat - self._lat0) * k
        return np.column_stack([x, y])

    def member_index(self, ids, strict: bool = True) -> np.ndarray:
        return _lookup(self._m_sorted, self._m_order, ids, "member", strict)

    def seat_index(self, ids, strict: bool = True) -> np.ndarray:
        return _lookup(self._s_sorted, self._s_order, ids, "seat", strict)

    def _member_tree(self) -> tuple[cKDTree, np.ndarray]:
        """kd-tree over members that are located and available for at least one shift."""
        if self._tree is None:
            usable = np.flatnonzero(self._located & self.available.any(axis=1))
            self._tree_members = usable
            self._tree = cKDTree(self._member_xy[usable], balanced_tree=False, compact_nodes=False)
        return self._tree, self._tree_members

    def pair_cost(self, m_idx: np.ndarray, dist_m: np.ndarray) -> np.ndarray:
        return dist_m + self.penalty_per_recent * self.members.recent[m_idx]

    def _seat_distance(self, m_idx: np.ndarray, s_idx: np.ndarray) -> np.ndarray:
        d = haversine_m(self.members.lat[m_idx], self.members.lng[m_idx], self.seats.lat[s_idx],
                        self.seats.lng[s_idx])
        return np.rint(d).astype(np.int64)

    def candidate_pairs(self, groups: np.ndarray | None = None, exclude_units: np.ndarray | None = None):
        """Qualified (member, group) pairs within the distance limit.

        :param groups: restrict to these group indices (default: all groups).
        :param exclude_units: bool array ``[M * C]``; True = (member, cluster) may not take a seat.
        :returns: ``(member_idx, group_idx, distance_m)`` int64 arrays.
        """
        empty = np.zeros(0, dtype=np.int64)
        if groups is None:
            groups = np.arange(self.n_groups)
        groups = np.asarray(groups, dtype=np.int64)
        if len(groups) == 0 or self.n_members == 0:
            return empty, empty, empty
        tree, usable = self._member_tree()
        if len(usable) == 0:
            return empty, empty, empty
        gxy = self._project(self.group_lat[groups], self.group_lng[groups])
        gtree = cKDTree(gxy)
        sdm = tree.sparse_distance_matrix(gtree, self._query_radius, output_type="ndarray")
        m_idx = usable[sdm["i"]]
        g_idx = groups[sdm["j"]]
        del sdm
        req = self.group_required[g_idx]
        keep = (self.members.skills[m_idx] & req) == req
        keep &= self.available[m_idx, self.group_shift[g_idx]]
        if exclude_units is not None:
            keep &= ~exclude_units[m_idx * self.n_clusters + self.group_cluster[g_idx]]
        m_idx, g_idx = m_idx[keep], g_idx[keep]
        d = haversine_m(self.members.lat[m_idx], self.members.lng[m_idx], self.group_lat[g_idx],
                        self.group_lng[g_idx])
        keep = d <= self.max_distance_m
        return m_idx[keep], g_idx[keep], np.rint(d[keep]).astype(np.int64)

    def _pinned_state(self, pinned):
        """Validate pinned pairs → (member idx, seat idx, used-unit mask, free-seat mask)."""
        pm, ps = _as_pairs(pinned)
        m_idx = self.member_index(pm)
        s_idx = self.seat_index(ps)
        if len(np.unique(s_idx)) != len(s_idx):
            raise ValueError("a seat is pinned to two members")
        C = self.n_clusters
        units = m_idx * C + self.shift_cluster[self.seat_shift[s_idx]]
        if len(np.unique(units)) != len(units):
            raise ValueError("a member is pinned to two overlapping shifts")
        used = np.zeros(self.n_members * C, dtype=bool)
        used[units] = True
        free = np.ones(len(self.seats.id), dtype=bool)
        free[s_idx] = False
        return m_idx, s_idx, used, free

    def _result(self, m_idx, s_idx, is_pinned, method, timings, stats=None) -> AssignmentResult:
        m_idx = np.asarray(m_idx, dtype=np.int64)
        s_idx = np.asarray(s_idx, dtype=np.int64)
        order = np.argsort(self.seats.id[s_idx], kind="stable")
        m_idx, s_idx, is_pinned = m_idx[order], s_idx[order], np.asarray(is_pinned, dtype=bool)[order]
        dist = self._seat_distance(m_idx, s_idx)
        filled = np.zeros(len(self.seats.id), dtype=bool)
        filled[s_idx] = True
        return AssignmentResult(
            member_id=self.members.id[m_idx],
            seat_id=self.seats.id[s_idx],
            post_id=self.seats.post_id[s_idx],
            distance_m=dist,
            cost=self.pair_cost(m_idx, dist),
            pinned=is_pinned,
            unfilled_seat_id=np.sort(self.seats.id[~filled]),
            seats=len(self.seats.id),
            method=method,
            timings=timings,
            stats=stats or {},
        )

    def _free_seats_by_group(self, free: np.ndarray):
        """Free seat indices ordered by group, with per-group start offsets and capacities."""
        order = self.group_order[free[self.group_order]]
        cap = np.bincount(self.seat_group[order], minlength=self.n_groups).astype(np.int64)
        start = np.zeros(self.n_groups + 1, dtype=np.int64)
        np.cumsum(cap, out=start[1:])
        return order, start, cap

    def _seats_for(self, g_chosen: np.ndarray, free_order: np.ndarray, start: np.ndarray) -> np.ndarray:
        """Map chosen groups (one entry per filled seat, any order) to distinct free seats."""
        if len(g_chosen) == 0:
            return np.zeros(0, dtype=np.int64)
        o = np.argsort(g_chosen, kind="stable")
        gs = g_chosen[o]
        first = np.searchsorted(gs, gs, side="left")
        rank = np.arange(len(gs)) - first
        seat = np.empty(len(gs), dtype=np.int64)
        seat[o] = free_order[start[gs] + rank]
        return seat

    # --------------------------------------------------------------------------------- min-cost flow

    def _min_cost_flow(self, m_idx, g_idx, cost, cap) -> tuple[np.ndarray, dict, tuple]:
        """Solve the flow model; returns a bool mask over the candidate pairs that carry flow."""
        info: dict = {}
        n_seats = int(cap.sum())
        P = len(m_idx)
        if n_seats == 0 or P == 0:
            return np.zeros(P, dtype=bool), info, ()
        C = self.n_clusters
        ukey = m_idx * C + self.group_cluster[g_idx]
        present = np.zeros(self.n_members * C, dtype=bool)
        present[ukey] = True
        unit_keys = np.flatnonzero(present)
        K = len(unit_keys)
        node_of_key = np.full(self.n_members * C, -1, dtype=np.int64)
        node_of_key[unit_keys] = np.arange(2, 2 + K)
        G = self.n_groups
        src, snk = 0, 1
        gnode0 = 2 + K
        groups_used = np.flatnonzero(cap > 0)
        # The bypass cost must beat every pair of the COMPLETE candidate graph, not only of this sparse
        # one: the certificate prices pairs outside it against it. A simple augmenting path enters each
        # group at most once, so it uses at most min(N, G) member→group arcs: with this bypass cost one
        # more filled seat always beats any saving.
        recent_max = int(self.members.recent.max()) if len(self.members.recent) else 0
        max_cost = max(int(cost.max()), int(np.ceil(self.max_distance_m)) + self.penalty_per_recent * recent_max) + 1
        unfilled = max_cost * (min(n_seats, len(groups_used)) + 1) + 1
        tails = np.concatenate([
            np.full(K, src), node_of_key[ukey], gnode0 + groups_used, [src],
        ]).astype(np.int32)
        heads = np.concatenate([
            node_of_key[unit_keys], gnode0 + g_idx, np.full(len(groups_used), snk), [snk],
        ]).astype(np.int32)
        caps = np.concatenate([
            np.ones(K + P, dtype=np.int64), cap[groups_used], [n_seats],
        ]).astype(np.int64)
        costs = np.concatenate([
            np.zeros(K, dtype=np.int64), cost, np.zeros(len(groups_used), dtype=np.int64), [unfilled],
        ]).astype(np.int64)
        info.update(nodes=int(2 + K + G), arcs=int(len(tails)), member_units=int(K), pairs=int(P))
        smcf = min_cost_flow.SimpleMinCostFlow()
        if not self.bypass_arc:  # same optimum via OR-Tools' max-flow-then-min-cost mode
            tails, heads, caps, costs = tails[:-1], heads[:-1], caps[:-1], costs[:-1]
        smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
        supplies = np.zeros(2 + K + G, dtype=np.int64)
        supplies[src], supplies[snk] = n_seats, -n_seats
        smcf.set_nodes_supplies(np.arange(len(supplies), dtype=np.int32), supplies)
        del tails, heads, caps, costs
        status = smcf.solve() if self.bypass_arc else smcf.solve_max_flow_with_min_cost()
        if status != smcf.OPTIMAL:
            raise RuntimeError(f"min-cost flow failed with status {status}")
        flows = smcf.flows(np.arange(K, K + P, dtype=np.int32))
        return np.asarray(flows) > 0, info, (node_of_key, ukey, K, unfilled)

    # ------------------------------------------------------------------ sparse candidates, certified

    def _combo_trees(self, groups: np.ndarray, used_units: np.ndarray) -> dict:
        """kd-trees over the members qualified and free for each (required skills, shift), split by
        recent-service level (so cheapest-by-cost lists can be built from nearest-by-distance queries).

        :returns: ``{(required, shift): [(level, tree, member_idx), …]}``.
        """
        C = self.n_clusters
        level = np.minimum(self.members.recent, _MAX_LEVEL)
        trees: dict = {}
        combos = np.unique(np.column_stack([self.group_required[groups], self.group_shift[groups]]), axis=0)
        for req, sh in combos.tolist():
            ok = self._located & ((self.members.skills & req) == req) & self.available[:, sh]
            if C:
                ok &= ~used_units.reshape(self.n_members, C)[:, self.shift_cluster[sh]]
            idx_all = np.flatnonzero(ok)
            lv = level[idx_all]
            by_level = np.argsort(lv, kind="stable")
            ends = np.cumsum(np.bincount(lv, minlength=_MAX_LEVEL + 1))
            parts = []
            for v in np.flatnonzero(np.diff(ends, prepend=0)).tolist():
                idx = idx_all[by_level[ends[v - 1] if v else 0:ends[v]]]
                parts.append((int(v), cKDTree(self._member_xy[idx], balanced_tree=False, compact_nodes=False),
                              idx))
            trees[(req, sh)] = parts
        return trees

    def _by_combo(self, groups: np.ndarray):
        keys = np.column_stack([self.group_required[groups], self.group_shift[groups]])
        uniq, inv = np.unique(keys, axis=0, return_inverse=True)
        inv = inv.ravel()
        for c, (req, sh) in enumerate(uniq.tolist()):
            yield (req, sh), groups[inv == c]

    def _finish_pairs(self, m_idx: np.ndarray, g_idx: np.ndarray):
        d = haversine_m(self.members.lat[m_idx], self.members.lng[m_idx], self.group_lat[g_idx],
                        self.group_lng[g_idx])
        keep = d <= self.max_distance_m
        return m_idx[keep], g_idx[keep], np.rint(d[keep]).astype(np.int64)

    def _key_cost(self, m_idx, dist, by_cost: bool) -> np.ndarray:
        return self.pair_cost(m_idx, dist) if by_cost else dist

    def _knn_pairs(self, groups: np.ndarray, k_per_group: np.ndarray, trees: dict, by_cost: bool = True):
        """Cheapest qualified members of each group: the ``k`` nearest of every recent-level tree.

        :returns: ``(member_idx, group_idx, distance_m, bound)``: every qualified pair of group g whose
            key (cost, or distance if not ``by_cost``) is below ``bound[g]`` is returned, and only those
            (``bound`` is ``inf`` when the list is complete up to the distance limit).
        """
        pen = self.penalty_per_recent if by_cost else 0
        bound = np.full(self.n_groups, np.inf)
        kmap = np.zeros(self.n_groups, dtype=np.int64)
        kmap[groups] = k_per_group
        ms, gs = [], []
        for key, gsub in self._by_combo(groups):
            gxy = self._project(self.group_lat[gsub], self.group_lng[gsub])
            kk = kmap[gsub]
            rows_all = np.arange(len(gsub))
            for lvl, tree, idx in trees[key]:
                kmax = int(min(kk.max(), len(idx)))
                d, j = tree.query(gxy, k=kmax, distance_upper_bound=self._query_radius)
                d = d.reshape(len(gsub), kmax)
                j = j.reshape(len(gsub), kmax)
                kth = np.minimum(kk, kmax) - 1
                last = d[rows_all, kth]
                truncated = np.isfinite(last) & (kk <= len(idx))
                lb = np.floor(last / self._proj_slack - 0.5) + pen * lvl
                gt = gsub[truncated]
                bound[gt] = np.minimum(bound[gt], lb[truncated])
                take = (np.arange(kmax)[None, :] <= kth[:, None]) & np.isfinite(d)
                rows, cols = np.nonzero(take)
                ms.append(idx[j[rows, cols]])
                gs.append(gsub[rows])
        return self._pairs_within(ms, gs, bound, by_cost)

    def _pairs_within(self, ms: list, gs: list, bound: np.ndarray, by_cost: bool):
        """The candidate pairs found (member and group index arrays, one per tree level), finished, and
        kept where their key is below the group's bound: ``(member_idx, group_idx, distance_m, bound)``."""
        if not ms:
            e = np.zeros(0, dtype=np.int64)
            return e, e, e, bound
        m_idx, g_idx, dist = self._finish_pairs(np.concatenate(ms), np.concatenate(gs))
        keep = self._key_cost(m_idx, dist, by_cost) < bound[g_idx]
        return m_idx[keep], g_idx[keep], dist[keep], bound

    def _ball_pairs(self, groups: np.ndarray, radius: np.ndarray, trees: dict, by_cost: bool = True):
        """All qualified members of each group whose key (cost or distance) is at most ``radius[g]``.

        :returns: ``(member_idx, group_idx, distance_m, bound)`` with ``bound[g]`` as in
            :meth:`_knn_pairs` (``inf`` once the radius covers the whole distance limit).
        """
        pen = self.penalty_per_recent if by_cost else 0
        bound = np.full(self.n_groups, np.inf)
        rmap = np.zeros(self.n_groups)
        rmap[groups] = radius
        ms, gs = [], []
        for key, gsub in self._by_combo(groups):
            gtree = cKDTree(self._project(self.group_lat[gsub], self.group_lng[gsub]))
            r = rmap[gsub]
            for lvl, tree, idx in trees[key]:
                rd = r - pen * lvl  # distance radius on this level
                complete = rd >= self.max_distance_m
                r_proj = np.where(complete, self._query_radius, (rd + 1.0) * self._proj_slack)
                bound[gsub[~complete]] = np.minimum(bound[gsub[~complete]], np.floor(r[~complete]))
                if not (rd >= 0).any():
                    continue
                sdm = tree.sparse_distance_matrix(gtree, float(r_proj.max()), output_type="ndarray")
                ok = sdm["v"] <= r_proj[sdm["j"]]
                ms.append(idx[sdm["i"][ok]])
                gs.append(gsub[sdm["j"][ok]])
        return self._pairs_within(ms, gs, bound, by_cost)

    def _prices(self, m_idx, g_idx, cost, cap, chosen, flow_info):
        """Node potentials of the solved residual graph, as ``(price per group, π per unit key)``.

        ``π(v)`` = cheapest residual path from ``v`` to anywhere (a virtual sink reachable from every
        node at cost 0 makes it finite and ≤ 0); ``price[g] = -π(g)``. A pair (u, g) outside the graph
        can only improve the optimum if its reduced cost ``cost + π(g) - π(u)`` is negative, i.e.
        ``cost < price[g] + π(u) ≤ price[g]`` (``π(u) = 0`` for units not in the graph).
        """
        G = self.n_groups
        node_of_key, ukey, K, unfilled = flow_info
        n_nodes = 2 + K + G
        src, snk = 0, 1
        unode = node_of_key[ukey]
        gnode = 2 + K + g_idx
        used_unit = np.zeros(n_nodes, dtype=bool)
        used_unit[unode[chosen]] = True
        unit_nodes = np.arange(2, 2 + K)
        gflow = np.bincount(g_idx[chosen], minlength=G)
        filled = int(chosen.sum())
        n_seats = int(cap.sum())
        all_g = np.flatnonzero(cap > 0)
        tails, heads, w = [], [], []

        def res(t, h, c):  # residual arc t→h with cost c: relaxes π(t) ≤ c + π(h)
            tails.append(np.asarray(h, dtype=np.int64))
            heads.append(np.asarray(t, dtype=np.int64))
            w.append(np.asarray(c, dtype=np.int64))

        uu = used_unit[unit_nodes]
        res(np.full((~uu).sum(), src), unit_nodes[~uu], np.zeros((~uu).sum(), np.int64))
        res(unit_nodes[uu], np.full(uu.sum(), src), np.zeros(uu.sum(), np.int64))
        res(unode[~chosen], gnode[~chosen], cost[~chosen])
        res(gnode[chosen], unode[chosen], -cost[chosen])
        notfull = all_g[gflow[all_g] < cap[all_g]]
        some = all_g[gflow[all_g] > 0]
        res(2 + K + notfull, np.full(len(notfull), snk), np.zeros(len(notfull), np.int64))
        res(np.full(len(some), snk), 2 + K + some, np.zeros(len(some), np.int64))
        if filled > 0:
            res([src], [snk], [unfilled])
        if filled < n_seats:
            res([snk], [src], [-unfilled])
        pot = _potentials(np.concatenate(tails), np.concatenate(heads), np.concatenate(w), n_nodes)
        price = np.full(G, -np.inf)
        price[all_g] = -pot[2 + K + all_g].astype(np.float64)
        pi_unit = np.zeros(len(node_of_key), dtype=np.int64)
        has = node_of_key >= 0
        pi_unit[has] = pot[node_of_key[has]]
        return price, pi_unit

    def _solve_core(self, free: np.ndarray, used_units: np.ndarray):
        """Optimal fill of the ``free`` seats by units not in ``used_units``.

        Column generation on a certified sparse graph: start from each group's cheapest candidates;
        after each solve compute node potentials; add every known pair with negative reduced cost and
        widen the known pool of groups whose price exceeds what their pool covers; stop when neither
        happens, which proves optimality for the complete candidate graph.
        :returns: (member idx, seat idx, info) for the new pairs.
        """
        info: dict = {"rounds": 0}
        t0 = time.perf_counter()
        free_order, start, cap = self._free_seats_by_group(free)
        groups = np.flatnonzero(cap)
        e = np.zeros(0, dtype=np.int64)
        if len(groups) == 0:
            return e, e, info
        trees = self._combo_trees(groups, used_units)
        k = self.knn_factor * cap[groups] + self.knn_extra
        pm, pg, pd, bound = self._knn_pairs(groups, k, trees)
        pc = self.pair_cost(pm, pd)
        in_graph = np.ones(len(pm), dtype=bool)
        info["t_candidates"] = time.perf_counter() - t0
        info["t_flow"] = info["t_prices"] = 0.0
        G, C = self.n_groups, self.n_clusters
        for rnd in range(1, 1000):
            info["rounds"] = rnd
            gi = np.flatnonzero(in_graph)
            m_idx, g_idx, cost = pm[gi], pg[gi], pc[gi]
            t1 = time.perf_counter()
            chosen, finfo, flow_info = self._min_cost_flow(m_idx, g_idx, cost, cap)
            t2 = time.perf_counter()
            info["t_flow"] += t2 - t1
            info.update(finfo)
            info.setdefault("pairs_per_round", []).append(int(len(gi)))
            info.setdefault("filled_per_round", []).append(int(chosen.sum()))
            if len(m_idx) == 0 and not np.isfinite(bound[groups]).any():
                break
            if len(m_idx):
                price, pi_unit = self._prices(m_idx, g_idx, cost, cap, chosen, flow_info)
            else:
                price = np.full(G, np.inf)
                pi_unit = np.zeros(self.n_members * C, dtype=np.int64)
            t3 = time.perf_counter()
            info["t_prices"] += t3 - t2
            todo = groups[price[groups] > bound[groups]]
            if len(todo):
                radius = np.maximum(np.minimum(price[todo], self.max_distance_m + self.penalty_per_recent
                                               * _MAX_LEVEL), 2.0 * bound[todo])
                if rnd >= 6:
                    radius[:] = np.inf
                nm, ng, nd, nb = self._ball_pairs(todo, radius, trees)
                bound[todo] = nb[todo]
                # The widened pools contain the old ones: drop their old entries unless in the graph.
                is_todo = np.zeros(G, dtype=bool)
                is_todo[todo] = True
                old = is_todo[pg]
                drop = old & ~in_graph
                if drop.any():
                    pm, pg, pd, pc, in_graph = pm[~drop], pg[~drop], pd[~drop], pc[~drop], in_graph[~drop]
                    old = is_todo[pg]
                new = ~np.isin(nm * G + ng, (pm * G + pg)[old], kind="sort")
                pm = np.concatenate([pm, nm[new]])
                pg = np.concatenate([pg, ng[new]])
                pd = np.concatenate([pd, nd[new]])
                pc = np.concatenate([pc, self.pair_cost(nm[new], nd[new])])
                in_graph = np.concatenate([in_graph, np.zeros(int(new.sum()), dtype=bool)])
            out = np.flatnonzero(~in_graph)
            rc = pc[out] - price[pg[out]] - pi_unit[pm[out] * C + self.group_cluster[pg[out]]]
            viol = out[rc < 0]
            info["t_candidates"] += time.perf_counter() - t3
            info.setdefault("added_per_round", []).append(int(len(viol)))
            info.setdefault("widened_per_round", []).append(int(len(todo)))
            if len(viol) == 0 and len(todo) == 0:
                break
            in_graph[viol] = True
        info["pool_pairs"] = int(len(pm))
        seat = self._seats_for(g_idx[chosen], free_order, start)
        return m_idx[chosen], seat, info

    def solve(self, pinned=None) -> AssignmentResult:
        """Optimal assignment: most seats filled, then least total cost. Pinned pairs are kept.

        :param pinned: ``(member_ids, seat_ids)`` or iterable of ``(member_id, seat_id)``.
        """
        timings = dict(self.timings)
        t0 = time.perf_counter()
        pm, ps, used, free = self._pinned_state(pinned)
        nm, seat, info = self._solve_core(free, used)
        t1 = time.perf_counter()
        res = self._result(
            np.concatenate([pm, nm]), np.concatenate([ps, seat]),
            np.concatenate([np.ones(len(pm), bool), np.zeros(len(seat), bool)]),
            "min_cost_flow", timings, info,
        )
        timings.update(
            candidates=info.get("t_candidates", 0.0), flow=info.get("t_flow", 0.0),
            prices=info.get("t_prices", 0.0), solve_total=time.perf_counter() - t0,
            finish=time.perf_counter() - t1,
        )
        return res

    # ---------------------------------------------------------------------------------------- greedy

    def greedy(self, pinned=None) -> AssignmentResult:
        """Baseline: take qualified (member, seat) pairs nearest first while both are free.

        Exactly the global nearest-first order (ties by cost, member, group); each group walks its
        k-nearest list and fetches its complete list only if that runs out.
        """
        timings = dict(self.timings)
        t0 = time.perf_counter()
        pm, ps, used, free = self._pinned_state(pinned)
        free_order, start, cap = self._free_seats_by_group(free)
        groups = np.flatnonzero(cap)
        C = self.n_clusters
        pick_m: list[int] = []
        pick_g: list[int] = []
        if len(groups):
            trees = self._combo_trees(groups, used)
            m_idx, g_idx, dist, bound = self._knn_pairs(groups, self.knn_factor * cap[groups] + self.knn_extra,
                                                        trees, by_cost=False)
            lists = self._group_lists(m_idx, g_idx, dist)
            rem = cap.tolist()
            taken = used.copy()
            heap = []
            pos = dict.fromkeys(groups.tolist(), 0)
            for g in groups.tolist():
                self._push_next(heap, g, lists, pos, bound, taken, trees)
            gcl = self.group_cluster
            while heap:
                d, c, m, g = heapq.heappop(heap)
                unit = m * C + int(gcl[g])
                if not taken[unit]:
                    taken[unit] = True
                    pick_m.append(m)
                    pick_g.append(g)
                    rem[g] -= 1
                pos[g] += 1
                if rem[g] > 0:
                    self._push_next(heap, g, lists, pos, bound, taken, trees)
        sel_m = np.asarray(pick_m, dtype=np.int64)
        seat = self._seats_for(np.asarray(pick_g, dtype=np.int64), free_order, start)
        res = self._result(
            np.concatenate([pm, sel_m]), np.concatenate([ps, seat]),
            np.concatenate([np.ones(len(pm), bool), np.zeros(len(seat), bool)]),
            "greedy", timings,
        )
        timings["greedy"] = time.perf_counter() - t0
        return res

    def _group_lists(self, m_idx, g_idx, dist) -> dict:
        """group → list of (distance, cost, member) sorted ascending."""
        cost = self.pair_cost(m_idx, dist)
        order = np.lexsort((m_idx, cost, dist, g_idx))
        gs = g_idx[order]
        cuts = np.flatnonzero(np.diff(gs)) + 1
        lists = {}
        for part_g, d, c, m in zip(np.split(gs, cuts), np.split(dist[order], cuts), np.split(cost[order], cuts),
                                   np.split(m_idx[order], cuts), strict=True):
            if len(part_g):
                lists[int(part_g[0])] = list(zip(d.tolist(), c.tolist(), m.tolist(), strict=True))
        return lists

    def _push_next(self, heap, g, lists, pos, bound, taken, trees) -> None:
        """Push group g's next not-yet-taken candidate (skipping taken ones), extending if needed."""
        C = self.n_clusters
        cl = int(self.group_cluster[g])
        lst = lists.get(g, [])
        i = pos[g]
        while True:
            while i < len(lst) and taken[lst[i][2] * C + cl]:
                i += 1
            # Entries at or beyond the bound may be out of order with unlisted members: extend first.
            if (i == len(lst) or lst[i][0] >= bound[g]) and np.isfinite(bound[g]):
                m, gg, d = self._ball_pairs(np.array([g]), np.array([np.inf]), trees, by_cost=False)[:3]
                lists[g] = lst = self._group_lists(m, gg, d).get(g, [])
                bound[g] = np.inf
                i = 0
                continue
            break
        pos[g] = i
        if i < len(lst):
            d, c, m = lst[i]
            heapq.heappush(heap, (d, c, m, g))

    # ---------------------------------------------------------------------------------------- refill

    def refill(self, current, declined, exclude_member_ids=None) -> RefillResult:
        """Re-assign only the seats freed by declines (or no-shows); everything else stays.

        :param current: the current assignment, an :class:`AssignmentResult` or
            ``(member_ids, seat_ids)``.
        :param declined: ``(member_ids, seat_ids)`` pairs of the current assignment to release.
        :param exclude_member_ids: further members who may not take a freed seat (e.g. everyone who
            declined earlier in this call). Declining members are always excluded.
        """
        t0 = time.perf_counter()
        if isinstance(current, AssignmentResult):
            cm, cs = current.member_id, current.seat_id
        else:
            cm, cs = _as_pairs(current)
        dm, ds = _as_pairs(declined)
        cm_idx, cs_idx = self.member_index(cm), self.seat_index(cs)
        dm_idx, ds_idx = self.member_index(dm), self.seat_index(ds)
        N = len(self.seats.id)
        holder = np.full(N, -1, dtype=np.int64)
        if len(np.unique(cs_idx)) != len(cs_idx):
            raise ValueError("current assignment holds a seat twice")
        holder[cs_idx] = cm_idx
        if (holder[ds_idx] != dm_idx).any():
            k = int(np.flatnonzero(holder[ds_idx] != dm_idx)[0])
            raise ValueError(f"member {int(dm[k])} does not hold seat {int(ds[k])}")
        freed = np.zeros(N, dtype=bool)
        freed[ds_idx] = True
        keep = ~freed[cs_idx]
        km, ks = cm_idx[keep], cs_idx[keep]
        C = self.n_clusters
        used = np.zeros(self.n_members * C, dtype=bool)
        used[km * C + self.shift_cluster[self.seat_shift[ks]]] = True
        excluded = np.zeros(self.n_members, dtype=bool)
        excluded[dm_idx] = True
        if exclude_member_ids is not None and len(exclude_member_ids):
            ex = self.member_index(np.asarray(exclude_member_ids, dtype=np.int64), strict=False)
            excluded[ex[ex >= 0]] = True
        if C:
            used.reshape(self.n_members, C)[excluded] = True

        new_m, seat, info = self._solve_core(freed, used)
        prev_pinned = np.zeros(len(km), dtype=bool)
        if isinstance(current, AssignmentResult):
            prev_pinned = current.pinned[keep]
        res = self._result(
            np.concatenate([km, new_m]), np.concatenate([ks, seat]),
            np.concatenate([prev_pinned, np.zeros(len(seat), bool)]), "refill", {}, info,
        )
        still = np.ones(N, dtype=bool)
        still[~freed] = False
        still[seat] = False
        o = np.argsort(self.seats.id[seat], kind="stable")
        return RefillResult(
            result=res,
            new_member_id=self.members.id[new_m][o],
            new_seat_id=self.seats.id[seat][o],
            still_unfilled_seat_id=np.sort(self.seats.id[still]),
            seconds=time.perf_counter() - t0,
        )

    # ----------------------------------------------------------------------------- independent check

    def verify_optimal_scipy(self, pinned=None) -> dict:
        """Solve the same instance independently with scipy's sparse Hungarian-type matcher.

        Rows are the free seats (not compressed into groups), columns are (member, cluster) units
        plus one dummy "unfilled" column per seat, so a full matching always exists. Candidates come
        from a brute-force distance scan (no kd-tree), availability and clusters are recomputed.

        :returns: ``{"filled", "total_cost", "total_distance_m", "seats"}`` including pinned pairs.
        """
        mem, seats, shifts = self.members, self.seats, self.shifts
        M, N, S = len(mem.id), len(seats.id), len(shifts.id)
        # Clusters by union-find over pairwise overlaps.
        parent = list(range(S))

        def find(a: int) -> int:
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        for a in range(S):
            for b in range(a + 1, S):
                if (shifts.start[a] < shifts.end[b] + self.rest_gap_s
                        and shifts.start[b] < shifts.end[a] + self.rest_gap_s):
                    parent[find(a)] = find(b)
        roots = [find(a) for a in range(S)]
        _, cluster = np.unique(np.asarray(roots, dtype=np.int64), return_inverse=True)
        cluster = cluster.astype(np.int64)
        C = int(cluster.max()) + 1 if S else 0
        shift_pos = {int(sid): k for k, sid in enumerate(shifts.id.tolist())}
        seat_shift = np.array([shift_pos[int(s)] for s in seats.shift_id.tolist()], dtype=np.int64)

        # Availability: count busy intervals overlapping each shift.
        id_pos = {int(m): k for k, m in enumerate(mem.id.tolist())}
        ok = np.ones((M, S), dtype=bool)
        if self.busy is not None:
            for m, bs, be in zip(self.busy.member_id.tolist(), self.busy.start.tolist(),
                                 self.busy.end.tolist(), strict=True):
                k = id_pos.get(int(m))
                if k is None:
                    continue
                for s in range(S):
                    if bs < shifts.end[s] and be > shifts.start[s]:
                        ok[k, s] = False
        if self._given_available is not None:
            ok &= self._given_available
        ok[~(np.isfinite(mem.lat) & np.isfinite(mem.lng))] = False

        pinned_m, pinned_s = _as_pairs(pinned)
        pm = np.array([id_pos[int(m)] for m in pinned_m.tolist()], dtype=np.int64)
        seat_pos = {int(s): k for k, s in enumerate(seats.id.tolist())}
        ps = np.array([seat_pos[int(s)] for s in pinned_s.tolist()], dtype=np.int64)
        used = np.zeros(M * C, dtype=bool)
        used[pm * C + cluster[seat_shift[ps]]] = True
        free = np.ones(N, dtype=bool)
        free[ps] = False
        pin_dist = np.rint(haversine_m(mem.lat[pm], mem.lng[pm], seats.lat[ps], seats.lng[ps])).astype(np.int64)
        pin_cost = int((pin_dist + self.penalty_per_recent * mem.recent[pm]).sum())

        rows, cols, vals = [], [], []
        free_seats = np.flatnonzero(free)
        # Brute force per distinct seat place, in chunks.
        for r, si in enumerate(free_seats.tolist()):
            d = haversine_m(mem.lat, mem.lng, seats.lat[si], seats.lng[si])
            req = seats.required[si]
            s = seat_shift[si]
            unit = np.arange(M) * C + cluster[s]
            ok_m = (d <= self.max_distance_m) & ((mem.skills & req) == req) & ok[:, s] & ~used[unit]
            ok_m &= np.isfinite(d)
            idx = np.flatnonzero(ok_m)
            c = np.rint(d[idx]).astype(np.int64) + self.penalty_per_recent * mem.recent[idx]
            rows.append(np.full(len(idx), r))
            cols.append(unit[idx])
            vals.append(c)
        n_free = len(free_seats)
        if n_free == 0:
            return {"seats": N, "filled": int(len(ps)), "total_cost": pin_cost,
                    "total_distance_m": int(pin_dist.sum())}
        rows_a = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        cols_a = np.concatenate(cols) if cols else np.zeros(0, np.int64)
        vals_a = np.concatenate(vals) if vals else np.zeros(0, np.int64)
        max_cost = int(vals_a.max()) + 1 if len(vals_a) else 1
        unfilled = max_cost * (n_free + 1) + 1
        # Shift every weight by +1: explicit zeros must not be mistaken for missing edges.
        all_rows = np.concatenate([rows_a, np.arange(n_free)])
        all_cols = np.concatenate([cols_a, M * C + np.arange(n_free)])
        all_vals = np.concatenate([vals_a + 1, np.full(n_free, unfilled + 1)]).astype(np.float64)
        graph = csr_matrix((all_vals, (all_rows, all_cols)), shape=(n_free, M * C + n_free))
        row_ind, col_ind = min_weight_full_bipartite_matching(graph)
        real = col_ind < M * C
        member_of = col_ind[real] // max(C, 1)
        seat_of = free_seats[row_ind[real]]
        dist = np.rint(haversine_m(mem.lat[member_of], mem.lng[member_of], seats.lat[seat_of],
                                   seats.lng[seat_of])).astype(np.int64)
        cost = dist + self.penalty_per_recent * mem.recent[member_of]
        return {
            "seats": N,
            "filled": int(real.sum()) + int(len(ps)),
            "total_cost": int(cost.sum()) + pin_cost,
            "total_distance_m": int(dist.sum()) + int(pin_dist.sum()),
        }


# --------------------------------------------------------------------------------------------------
# Module-level convenience functions
# --------------------------------------------------------------------------------------------------


def _problem(members, seats, shifts, **kw) -> AssignmentProblem:
    return AssignmentProblem(members, seats, shifts, **kw)


def assign(members: Members, seats: Seats, shifts: Shifts, *, pinned=None, **kw) -> AssignmentResult:
    """Optimal assignment; ``kw`` are :class:`AssignmentProblem` options (max_distance_m, busy, …)."""
    return _problem(members, seats, shifts, **kw).solve(pinned=pinned)


def greedy_assign(members: Members, seats: Seats, shifts: Shifts, *, pinned=None, **kw) -> AssignmentResult:
    """Nearest-first greedy baseline on the same rules."""
    return _problem(members, seats, shifts, **kw).greedy(pinned=pinned)


def verify_optimal_scipy(members: Members, seats: Seats, shifts: Shifts, *, pinned=None, **kw) -> dict:
    """Independent optimum via ``scipy.sparse.csgraph.min_weight_full_bipartite_matching``."""
    return _problem(members, seats, shifts, **kw).verify_optimal_scipy(pinned=pinned)


def refill(members: Members, seats: Seats, shifts: Shifts, *, current, declined, exclude_member_ids=None,
           **kw) -> RefillResult:
    """Refill the seats freed by ``declined`` pairs; see :meth:`AssignmentProblem.refill`."""
    return _problem(members, seats, shifts, **kw).refill(current, declined, exclude_member_ids)
