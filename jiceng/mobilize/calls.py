"""Wartime whistle calls (C4): mode switch, calls with posts, optimal assignment through the engine in
`jiceng.mobilize.assignment`, accept/decline, take an open seat, check-in/out, refill, escalation.

Lock order: Call row, then Member row. An assignment run writes everything in one transaction, so a
worker killed half-way leaves the call as it was.
"""

import datetime
import logging
import time
from dataclasses import dataclass

import numpy as np
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Count, F, Q, Value, When
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_tasks import task

from jiceng.core.audit import audit_record
from jiceng.core.bulk import adapt, insert_rows, reserve_ids
from jiceng.core.errors import Conflict, Forbidden, TooLarge, ValidationFailed
from jiceng.core.geo.distance import EARTH_RADIUS_M, M_PER_DEG, distance_m
from jiceng.core.limits import cap_count
from jiceng.core.notify import Message, notify_many
from jiceng.core.scope import require_scope, subtree_q
from jiceng.mobilize.assignment import AssignmentProblem, BusyIntervals, Members, Seats, Shifts
from jiceng.mobilize.models import (
    TO_REFILL_STATES,
    Assignment,
    AssignmentState,
    Blackout,
    Call,
    CallStatus,
    Member,
    Mode,
    ModeSwitch,
    Post,
    PostKind,
    RegistrationStatus,
    Seat,
    Skill,
)
from jiceng.mobilize.services import skill_bits, skills_mask
from jiceng.orgs.models import Unit, UnitKind

log = logging.getLogger(__name__)

ALL_HOURS = "1" * 168
RECENT_DAYS = 30
PENALTY_PER_RECENT_M = 1000
NO_SHOW_AFTER = datetime.timedelta(minutes=30)
CHECK_IN_EARLY = datetime.timedelta(hours=1)
REMIND_BEFORE = datetime.timedelta(hours=1)
SERVED_STATES = (AssignmentState.ACCEPTED, AssignmentState.CHECKED_IN, AssignmentState.CHECKED_OUT)
PINNED_STATES = SERVED_STATES


# --- mode -----------------------------------------------------------------------------------------


def unit_mode(unit: Unit) -> str:
    """The latest switch on the unit or a unit above it (a street's switch covers its communities)."""
    codes = unit.ancestor_codes
    sw = (ModeSwitch.objects.filter(unit__code__in=codes).order_by("-at", "-id").values_list("mode", flat=True)
          .first())
    return sw or Mode.PEACETIME


def mode_switch(*, actor, unit: Unit, mode: str, reason: str, now=None) -> ModeSwitch:
    require_scope(actor, unit.path, "write")
    if unit.kind not in (UnitKind.STREET, UnitKind.COMMUNITY):
        raise ValidationFailed(_("Streets and communities switch between peacetime and wartime."), field="unit")
    if mode not in Mode.values:
        raise ValidationFailed(_("The mode is peacetime or wartime."), field="mode")
    if not (reason or "").strip():
        raise ValidationFailed(_("Give the reason for the switch."), field="reason")
    with transaction.atomic():
        sw = ModeSwitch.objects.create(unit=unit, unit_path=unit.path, mode=mode, reason=reason.strip(),
                                       at=now or timezone.now(), by=actor)
        audit_record(actor=actor, action="mode.switch", obj=unit, changes={"mode": mode})
    return sw


# A call's size (issue 10, item 9): the city's largest drill is about 2,000 posts and 40,000 seats.
MAX_CALL_POSTS = 5_000
MAX_CALL_SEATS = 100_000


# --- issuing a call -------------------------------------------------------------------------------


def validate_posts(posts: list[dict]) -> list[dict]:
    """Each post: kind, place, lat, lng, shift_start, shift_end, headcount, skills (codes)."""
    if not posts:
        raise ValidationFailed(_("A call needs at least one post."), field="posts")
    cap_count(posts, MAX_CALL_POSTS, what=_("posts"), field="posts")
    bits = skill_bits()
    out = []
    for i, p in enumerate(posts):
        where = f"posts[{i}]"
        kind = p.get("kind")
        if kind not in PostKind.values:
            raise ValidationFailed(_("Post %(n)d: unknown post type “%(k)s”.") % {"n": i + 1, "k": kind},
                                   field=f"{where}.kind")
        place = (p.get("place") or "").strip()
        if not place:
            raise ValidationFailed(_("Post %(n)d: name the place.") % {"n": i + 1}, field=f"{where}.place")
        try:
            lat, lng = float(p["lat"]), float(p["lng"])
        except (KeyError, TypeError, ValueError):
            raise ValidationFailed(_("Post %(n)d: give the place's latitude and longitude.") % {"n": i + 1},
                                   field=f"{where}.lat") from None
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise ValidationFailed(_("Post %(n)d: the coordinates are out of range.") % {"n": i + 1},
                                   field=f"{where}.lat")
        start, end = p.get("shift_start"), p.get("shift_end")
        if not isinstance(start, datetime.datetime) or not isinstance(end, datetime.datetime):
            raise ValidationFailed(_("Post %(n)d: give the shift's start and end.") % {"n": i + 1},
                                   field=f"{where}.shift_start")
        if end <= start:
            raise ValidationFailed(_("Post %(n)d: the shift ends before it starts.") % {"n": i + 1},
                                   field=f"{where}.shift_end")
        headcount = p.get("headcount")
        if not isinstance(headcount, int) or headcount < 1:
            raise ValidationFailed(_("Post %(n)d: the headcount is at least 1.") % {"n": i + 1},
                                   field=f"{where}.headcount")
        if headcount > 5000:
            raise ValidationFailed(_("Post %(n)d: at most 5,000 people per post.") % {"n": i + 1},
                                   field=f"{where}.headcount")
        mask = skills_mask(p.get("skills") or [], field=f"{where}.skills", bits=bits)
        out.append({"kind": kind, "place": place, "lat": lat, "lng": lng, "shift_start": start, "shift_end": end,
                    "headcount": headcount, "required_skills": mask})
    return out


def call_issue(*, actor, unit: Unit, title: str, posts: list[dict], respond_minutes: int = 30,
               max_distance_m: int = 5000, now=None) -> Call:
    """Issue a call with its posts and seats (no assignment yet: `call_assign` does that)."""
    require_scope(actor, unit.path, "write")
    if unit.kind not in (UnitKind.STREET, UnitKind.COMMUNITY):
        raise ValidationFailed(_("Calls are issued by a community or a street."), field="unit")
    if unit_mode(unit) != Mode.WARTIME:
        raise ValidationFailed(_("Record the switch to wartime before issuing a call."), field="unit")
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(_("A call needs a title."), field="title")
    if not 1 <= int(respond_minutes) <= 24 * 60:
        raise ValidationFailed(_("Members answer within 1 minute to 24 hours."), field="respond_minutes")
    if not 100 <= int(max_distance_m) <= 50_000:
        raise ValidationFailed(_("The distance limit is 100 m to 50 km."), field="max_distance_m")
    clean = validate_posts(posts)
    seats = sum(p["headcount"] for p in clean)
    if seats > MAX_CALL_SEATS:
        raise TooLarge(_("A call has at most %(n)d people in all posts together.") % {"n": MAX_CALL_SEATS},
                       field="posts", code="too_many_seats")
    now = now or timezone.now()
    with transaction.atomic():
        call = Call.objects.create(unit=unit, unit_path=unit.path, title=title, issued_at=now,
                                   respond_minutes=respond_minutes, max_distance_m=max_distance_m,
                                   pool_path=unit.path)
        objs = Post.objects.bulk_create([Post(call=call, unit_path=unit.path, **p) for p in clean], batch_size=2000)
        if not all(o.pk for o in objs):  # SQLite < 3.35 returns no ids
            objs = list(Post.objects.filter(call=call).order_by("id"))
        Seat.objects.bulk_create([Seat(post=o, call=call, number=n + 1) for o in objs for n in range(o.headcount)],
                                 batch_size=5000)
        audit_record(actor=actor, action="call.issue", obj=call,
                     changes={"posts": len(clean), "seats": sum(p["headcount"] for p in clean)})
    return call


def skill_choices() -> list[tuple[str, str]]:
    """(code, name) of the active skills, for a post's required skills on the call page; the default skills'
    names (stored in English by migration 0002) in the reader's language."""
    return [(code, _(name)) for code, name in
            Skill.objects.filter(active=True).order_by("bit").values_list("code", "name")]


def call_start(*, actor, unit: Unit, title: str, posts: list[dict], respond_minutes: int = 30,
               max_distance_m: int = 5000, now=None) -> tuple[Call, dict]:
    """Issue a call and make its first offers at once (the page's one step): (call, assignment summary)."""
    with transaction.atomic():
        call = call_issue(actor=actor, unit=unit, title=title, posts=posts, respond_minutes=respond_minutes,
                          max_distance_m=max_distance_m, now=now)
        summary = call_assign(actor=actor, call=call, now=now)
    return call, summary


def call_widen(*, actor, call: Call, max_distance_m: int, now=None) -> dict:
    """Widen the search of an open call to a larger distance and offer the open seats (offers kept)."""
    require_scope(actor, call.unit_path, "write")
    try:
        max_distance_m = int(max_distance_m)
    except (TypeError, ValueError):
        raise ValidationFailed(_("The distance limit is 100 m to 50 km."), field="max_distance_m") from None
    if not call.max_distance_m < max_distance_m <= 50_000:
        raise ValidationFailed(_("Widen the search beyond %(m)d m, up to 50 km.") % {"m": call.max_distance_m},
                               field="max_distance_m")
    with transaction.atomic():
        Call.objects.filter(pk=call.pk).update(max_distance_m=max_distance_m)
        audit_record(actor=actor, action="call.widen", obj=call, changes={"max_distance_m": max_distance_m})
        call.refresh_from_db()
        return call_assign(actor=actor, call=call, now=now, keep_offers=True)


def _distances(lat: np.ndarray, lng: np.ndarray, plat: float, plng: float) -> np.ndarray:
    """Great-circle distances in metres from many points to one (vectorized haversine)."""
    p1, p2 = np.radians(lat), np.radians(plat)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(plng - lng) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def call_shortfall(call: Call, board: dict, limit: int = 50) -> list[dict]:
    """Why the seats of each post still lack a member: for every post with seats neither filled nor
    offered, the pool counted step by step (confirmed members with a home place in the pool, within the
    distance limit, with the post's skills, free at its shift and not having declined). Four queries."""
    short = [p for p in board["posts"] if p.headcount > p.filled + p.offered][:limit]
    if not short:
        return []
    pool = _fetch(Member.objects.filter(subtree_q(call.pool_path, "unit_path"), status=RegistrationStatus.CONFIRMED,
                                        lat__isnull=False), "id", "lat", "lng", "skills")
    ids = np.fromiter((r[0] for r in pool), dtype=np.int64, count=len(pool))
    lat = np.array([r[1] for r in pool], dtype=np.float64)
    lng = np.array([r[2] for r in pool], dtype=np.float64)
    skills = np.fromiter((r[3] for r in pool), dtype=np.int64, count=len(pool))
    lo, hi = min(p.shift_start for p in short), max(p.shift_end for p in short)
    busy = list(Assignment.objects.filter(active=True, shift_start__lt=hi, shift_end__gt=lo)
                .values_list("member_id", "shift_start", "shift_end"))
    declined = np.fromiter(_declined_ids(call), dtype=np.int64)
    out = []
    for p in short:
        d = _distances(lat, lng, p.lat, p.lng)
        within = d <= call.max_distance_m
        qualified = within & ((skills & p.required_skills) == p.required_skills)
        taken = {m for m, a, b in busy if a < p.shift_end and b > p.shift_start}
        free = qualified & ~np.isin(ids, np.fromiter(taken, dtype=np.int64, count=len(taken))) & ~np.isin(ids, declined)
        counts = {"pool": int(len(ids)), "within": int(within.sum()), "qualified": int(qualified.sum()),
                  "free": int(free.sum())}
        if not counts["pool"]:
            reason = _("No confirmed member with a home place is registered in the call's area.")
        elif not counts["within"]:
            reason = _("No member lives within %(m)d m of the post.") % {"m": call.max_distance_m}
        elif not counts["qualified"]:
            reason = _("None of the %(n)d members within %(m)d m has the skills the post needs.") % {
                "n": counts["within"], "m": call.max_distance_m}
        elif not counts["free"]:
            reason = _("All %(n)d qualified members within %(m)d m are busy at that time or declined.") % {
                "n": counts["qualified"], "m": call.max_distance_m}
        else:
            reason = _("%(n)d qualified members are free: run the assignment again.") % {"n": counts["free"]}
        out.append({"post": p, "open": p.headcount - p.filled - p.offered, "reason": reason, **counts})
    return out


# --- the engine glue ------------------------------------------------------------------------------


def _epoch(dt: datetime.datetime) -> int:
    return int(dt.timestamp())


def _shift_slots(start: datetime.datetime, end: datetime.datetime) -> np.ndarray:
    """Hours of the week (Monday 00:00 = 0, local time) a shift touches."""
    s, e = timezone.localtime(start), timezone.localtime(end)
    hours = int(np.ceil((e - s).total_seconds() / 3600 + s.minute / 60))
    first = s.weekday() * 24 + s.hour
    return (first + np.arange(min(max(hours, 1), 168))) % 168


def _fetch(qs, *fields) -> list[tuple]:
    """Rows of plain numbers straight from the cursor (no per-row iterator machinery)."""
    sql, params = qs.values_list(*fields).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _within_reach(lat: np.ndarray, lng: np.ndarray, post_lat, post_lng, max_distance_m: float) -> np.ndarray:
    """Members within `max_distance_m` of at least one post (a slightly generous superset)."""
    from scipy.spatial import cKDTree

    if not len(lat):
        return np.zeros(0, dtype=bool)
    plat, plng = np.asarray(post_lat, dtype=np.float64), np.asarray(post_lng, dtype=np.float64)
    lat0 = float(plat.mean())
    k = M_PER_DEG
    c = np.cos(np.radians(lat0))
    tree = cKDTree(np.column_stack([(plng - plng.mean()) * k * c, (plat - lat0) * k]))
    ok = np.isfinite(lat) & np.isfinite(lng)
    xy = np.column_stack([(np.where(ok, lng, 0) - plng.mean()) * k * c, (np.where(ok, lat, 0) - lat0) * k])
    dist, _i = tree.query(xy, k=1, distance_upper_bound=max_distance_m * 1.05 + 100)
    return ok & np.isfinite(dist)


def _free_for_some_shift(ids: np.ndarray, shifts: Shifts, busy: BusyIntervals, available) -> np.ndarray:
    """Mask of the members free (available and not busy) for at least one of the shifts."""
    free = np.ones((len(ids), len(shifts.id)), dtype=bool) if available is None else available.copy()
    order = np.argsort(ids, kind="stable")
    pos = np.minimum(np.searchsorted(ids[order], busy.member_id), len(ids) - 1)
    known = ids[order][pos] == busy.member_id
    rows, bs, be = order[pos[known]], busy.start[known], busy.end[known]
    for s in range(len(shifts.id)):
        hit = (bs < shifts.end[s]) & (be > shifts.start[s])
        free[rows[hit], s] = False
    return free.any(axis=1)


def weekly_available(ids: np.ndarray, limited: list[tuple[int, str]], slots: list[np.ndarray]) -> np.ndarray:
    """Member × shift availability from the weekly hours of the members who limited theirs.

    `ids` are the pool's member ids, `limited` (member id, 168-character string) pairs, `slots` the
    hours of the week each shift touches. Members not in `limited` are available for every shift.
    Few distinct weekly patterns exist in practice, so each is checked once against every shift.
    """
    available = np.ones((len(ids), len(slots)), dtype=bool)
    if not limited or not len(ids) or not slots:
        return available
    mids = np.fromiter((m for m, _w in limited), dtype=np.int64, count=len(limited))
    seen: dict[str, int] = {}
    which = np.fromiter((seen.setdefault(w, len(seen)) for _m, w in limited), dtype=np.int64, count=len(limited))
    hours = np.frombuffer("".join(seen).encode(), dtype=np.uint8).reshape(len(seen), 168) == ord("1")
    per_pattern = np.stack([hours[:, sl].all(axis=1) for sl in slots], axis=1)  # patterns × shifts
    order = np.argsort(ids, kind="stable")
    pos = np.searchsorted(ids[order], mids)
    pos = np.minimum(pos, len(ids) - 1)
    known = ids[order][pos] == mids
    available[order[pos[known]]] = per_pattern[which[known]]
    return available


@dataclass
class Instance:
    problem: AssignmentProblem
    members: Members
    seats: Seats
    seat_post: dict
    seat_shift: dict  # seat id -> (start, end) datetimes
    post_unit: dict
    loaded_s: float


def build_instance(call: Call, *, now, include_member_ids=(), exclude_member_ids=(), seat_ids=None) -> Instance:
    """Load the pool, the call's seats and shifts, busy intervals and availability into the engine.

    With `seat_ids` (a refill) only those seats are loaded, the pool is cut to the members within reach
    of their posts, and the call's own active assignments count as busy time.
    """
    t0 = time.perf_counter()
    posts, seats, shifts, shift_key, (lo, hi) = _load_seats(call, seat_ids)
    rows, ids, lat, lng, skills = _load_pool(call, posts, seat_ids, include_member_ids, exclude_member_ids)
    recent = _recent_services(ids, now)
    # Availability: weekly hours (only members who limited theirs), blackout dates, other calls' shifts.
    available = None
    limited = [(r[0], r[4]) for r in rows if r[4] is not None]
    if limited:
        slots = [_shift_slots(k[0], k[1]) for k in sorted(shift_key, key=shift_key.get)]
        available = weekly_available(ids, limited, slots)
    busy = _busy_intervals(call, lo, hi, seat_ids)
    if seat_ids is not None and busy is not None and len(ids):
        # A refill: members busy (or unavailable) for every freed shift cannot take a seat; leave them out
        # of the engine (most of a big call's seat holders).
        keep = _free_for_some_shift(ids, shifts, busy, available)
        if not keep.all():
            ids, lat, lng, skills, recent = ids[keep], lat[keep], lng[keep], skills[keep], recent[keep]
            available = None if available is None else available[keep]
    members = Members(id=ids, lat=lat, lng=lng, skills=skills, recent=recent)
    problem = AssignmentProblem(members, seats, shifts, max_distance_m=float(call.max_distance_m),
                                penalty_per_recent=PENALTY_PER_RECENT_M, busy=busy, available=available)
    seat_shift = {}
    inv = {v: k for k, v in shift_key.items()}
    for sid, shid in zip(seats.id.tolist(), seats.shift_id.tolist(), strict=True):
        seat_shift[sid] = inv[shid]
    return Instance(problem, members, seats, dict(zip(seats.id.tolist(), seats.post_id.tolist(), strict=True)),
                    seat_shift, {}, time.perf_counter() - t0)


def _load_seats(call: Call, seat_ids):
    """The seats to fill (all of the call's, or those of a refill), their posts and the distinct shifts:
    (posts by id, Seats, Shifts, {(start, end): shift id}, (first start, last end))."""
    seat_qs = Seat.objects.filter(call=call) if seat_ids is None else Seat.objects.filter(id__in=list(seat_ids))
    post_qs = Post.objects.filter(call=call) if seat_ids is None else Post.objects.filter(
        id__in=seat_qs.values("post_id"))
    posts = {p[0]: p for p in post_qs.values_list(
        "id", "lat", "lng", "required_skills", "shift_start", "shift_end")}
    shift_key = {}
    for p in posts.values():
        shift_key.setdefault((p[4], p[5]), len(shift_key) + 1)
    seat_rows = np.array(list(seat_qs.values_list("id", "post_id")), dtype=np.int64)
    seat_rows = seat_rows.reshape(-1, 2)
    post_ids = seat_rows[:, 1]
    post_lat = {k: v[1] for k, v in posts.items()}
    post_lng = {k: v[2] for k, v in posts.items()}
    seats = Seats(
        id=seat_rows[:, 0], post_id=post_ids,
        lat=np.array([post_lat[p] for p in post_ids.tolist()], dtype=np.float64),
        lng=np.array([post_lng[p] for p in post_ids.tolist()], dtype=np.float64),
        required=np.array([posts[p][3] for p in post_ids.tolist()], dtype=np.int64),
        shift_id=np.array([shift_key[(posts[p][4], posts[p][5])] for p in post_ids.tolist()], dtype=np.int64),
    )
    keys = sorted(shift_key.items(), key=lambda kv: kv[1])
    shifts = Shifts(id=np.array([v for _k, v in keys], dtype=np.int64),
                    start=np.array([_epoch(k[0]) for k, _v in keys], dtype=np.int64),
                    end=np.array([_epoch(k[1]) for k, _v in keys], dtype=np.int64))
    lo = min(k[0] for k, _v in keys)
    hi = max(k[1] for k, _v in keys)

    return posts, seats, shifts, shift_key, (lo, hi)


def _load_pool(call: Call, posts: dict, seat_ids, include_member_ids, exclude_member_ids):
    """The members who may be offered a seat: (rows, ids, lat, lng, skills); a refill keeps only those
    within reach of a freed post (and those named in `include_member_ids`)."""
    pool = Q(subtree_q(call.pool_path, "unit_path"), status=RegistrationStatus.CONFIRMED, lat__isnull=False)
    if seat_ids is not None and posts:
        lats = [p[1] for p in posts.values()]
        lngs = [p[2] for p in posts.values()]
        dlat = call.max_distance_m / 111_000 * 1.01
        dlng = dlat / max(0.1, np.cos(np.radians(max(abs(min(lats)), abs(max(lats))) + dlat)))
        pool &= Q(lat__gte=min(lats) - dlat, lat__lte=max(lats) + dlat, lng__gte=min(lngs) - dlng,
                  lng__lte=max(lngs) + dlng)
    exclude = set(exclude_member_ids) - set(include_member_ids)
    qs = Member.objects.filter(pool | Q(id__in=list(include_member_ids)))
    # One pass over the members: the weekly hours come along only for those who limited theirs.
    rows = _fetch(qs.annotate(limited=Case(When(weekly=ALL_HOURS, then=Value(None)), default=F("weekly"))),
                  "id", "lat", "lng", "skills", "limited")
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    lat = np.array([r[1] for r in rows], dtype=np.float64)
    lng = np.array([r[2] for r in rows], dtype=np.float64)
    skills = np.fromiter((r[3] for r in rows), dtype=np.int64, count=len(rows))
    keep = np.ones(len(ids), dtype=bool)
    if exclude:
        keep &= ~np.isin(ids, np.fromiter(exclude, dtype=np.int64))
    if seat_ids is not None and posts:
        # A refill: only members within reach of a freed post can take one of its seats.
        keep &= _within_reach(lat, lng, [p[1] for p in posts.values()], [p[2] for p in posts.values()],
                              call.max_distance_m) | np.isin(ids, np.fromiter(include_member_ids, dtype=np.int64))
    if not keep.all():
        ids, lat, lng, skills = ids[keep], lat[keep], lng[keep], skills[keep]
    return rows, ids, lat, lng, skills


def _recent_services(ids, now):
    """For each member id, how many shifts they served in the last RECENT_DAYS days."""
    recent = np.zeros(len(ids), dtype=np.int64)
    since = now - datetime.timedelta(days=RECENT_DAYS)
    served = dict(Assignment.objects.filter(state__in=SERVED_STATES, shift_start__gte=since, shift_start__lt=now)
                  .values("member_id").annotate(n=Count("id")).order_by().values_list("member_id", "n"))
    if served:
        order = np.argsort(ids)
        sid = np.fromiter(served.keys(), dtype=np.int64)
        pos = np.searchsorted(ids[order], sid)
        ok = (pos < len(ids)) & (ids[order][np.minimum(pos, len(ids) - 1)] == sid) if len(ids) else pos < 0
        recent[order[pos[ok]]] = np.fromiter(served.values(), dtype=np.int64)[ok]

    return recent


def _busy_intervals(call: Call, lo, hi, seat_ids):
    """Blackout dates, other calls' shifts and (in a refill) the call's own active seats, as busy time."""
    busy_m, busy_s, busy_e = [], [], []
    tz = timezone.get_current_timezone()
    # Blackouts of members outside the pool are ignored by the engine (cheaper than a join with the pool).
    blackouts = Blackout.objects.filter(start__lte=timezone.localtime(hi).date(), end__gte=timezone.localtime(lo).date())
    for mid, start, end in blackouts.values_list("member_id", "start", "end"):
        busy_m.append(mid)
        busy_s.append(_epoch(datetime.datetime.combine(start, datetime.time(), tz)))
        busy_e.append(_epoch(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), tz)))
    others = Assignment.objects.filter(active=True, shift_start__lt=hi, shift_end__gt=lo).exclude(call=call)
    for mid, start, end in others.values_list("member_id", "shift_start", "shift_end"):
        busy_m.append(mid)
        busy_s.append(_epoch(start))
        busy_e.append(_epoch(end))
    if seat_ids is not None:
        # The call's own seat holders are busy during their post's shift (integers only: tens of
        # thousands of rows, so no datetimes per row).
        shift_of = {pid: (_epoch(a), _epoch(b)) for pid, a, b in Post.objects.filter(
            call=call, shift_start__lt=hi, shift_end__gt=lo).values_list("id", "shift_start", "shift_end")}
        for mid, pid in _fetch(Assignment.objects.filter(call=call, active=True), "member_id", "post_id"):
            if pid in shift_of:
                a, b = shift_of[pid]
                busy_m.append(mid)
                busy_s.append(a)
                busy_e.append(b)
    busy = BusyIntervals(member_id=np.array(busy_m, dtype=np.int64), start=np.array(busy_s, dtype=np.int64),
                         end=np.array(busy_e, dtype=np.int64)) if busy_m else None
    return busy


def _write_offers(call: Call, inst: Instance, member_ids, seat_ids, distances, now) -> int:
    respond_by = now + datetime.timedelta(minutes=call.respond_minutes)
    if connection.vendor == "postgresql":
        # COPY is an order of magnitude faster than INSERT for tens of thousands of offers, and no slower
        # for a few.
        cols = ("call_id", "post_id", "seat_id", "member_id", "unit_path", "state", "active", "refilled",
                "shift_start", "shift_end", "distance_m", "offered_at", "respond_by")
        table = Assignment._meta.db_table
        with connection.cursor() as cur, cur.cursor.copy(
                f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
            for m, s, d in zip(member_ids, seat_ids, distances, strict=True):
                start, end = inst.seat_shift[s]
                copy.write_row((call.pk, inst.seat_post[s], s, m, call.unit_path, AssignmentState.OFFERED.value,
                                True, False, start, end, int(d), now, respond_by))
        return len(member_ids)
    fields = ["id", "call", "post", "seat", "member", "unit_path", "state", "active", "refilled", "shift_start",
              "shift_end", "distance_m", "offered_at", "respond_by"]
    db_now, db_by = adapt(Assignment, "offered_at", now), adapt(Assignment, "respond_by", respond_by)
    shift_db = {k: (adapt(Assignment, "shift_start", v[0]), adapt(Assignment, "shift_end", v[1]))
                for k, v in inst.seat_shift.items()}
    ids = reserve_ids(Assignment, len(member_ids))
    rows = [(pk, call.pk, inst.seat_post[s], s, m, call.unit_path, AssignmentState.OFFERED.value, True, False,
             *shift_db[s], int(d), db_now, db_by)
            for pk, m, s, d in zip(ids, member_ids, seat_ids, distances, strict=True)]
    return insert_rows(Assignment, fields, rows)


def _declined_ids(call: Call) -> set[int]:
    return set(Assignment.objects.filter(call=call, state__in=TO_REFILL_STATES).values_list("member_id", flat=True))


def call_assign(*, actor, call: Call, now=None, keep_offers: bool = False) -> dict:
    """(Re-)optimize the whole call: members who accepted or are on duty keep their seats; open offers
    are released and re-made (kept with `keep_offers`). All in one transaction."""
    require_scope(actor, call.unit_path, "write")
    now = now or timezone.now()
    t0 = time.perf_counter()
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if call.status != CallStatus.OPEN:
            raise Conflict(_("The call is closed."))
        states = PINNED_STATES + ((AssignmentState.OFFERED,) if keep_offers else ())
        pinned = list(Assignment.objects.filter(call=call, active=True, state__in=states)
                      .values_list("member_id", "seat_id"))
        pinned_members = {m for m, _s in pinned}
        inst = build_instance(call, now=now, include_member_ids=pinned_members,
                              exclude_member_ids=_declined_ids(call))
        t_load = time.perf_counter()
        res = inst.problem.solve(pinned=tuple(zip(*pinned, strict=True)) if pinned else None)
        t_solve = time.perf_counter()
        released = 0
        if not keep_offers:
            released = Assignment.objects.filter(call=call, active=True, state=AssignmentState.OFFERED).update(
                active=False, state=AssignmentState.RELEASED)
        new = ~res.pinned
        written = _write_offers(call, inst, res.member_id[new].tolist(), res.seat_id[new].tolist(),
                                res.distance_m[new].tolist(), now)
        summary = {"seats": res.seats, "filled": res.filled, "offered": written, "released": released,
                   "kept": int(res.pinned.sum()), "total_distance_m": res.total_distance_m,
                   "total_cost": res.total_cost, "unfilled": int(len(res.unfilled_seat_id)),
                   "seconds": {"load": round(t_load - t0, 3), "solve": round(t_solve - t_load, 3),
                               "write": round(time.perf_counter() - t_solve, 3)}}
        call.runs += 1
        call.last_run_at, call.last_run = now, summary
        call.save(update_fields=["runs", "last_run_at", "last_run"])
        _maybe_escalate(call, summary["unfilled"], now)
        audit_record(actor=actor, action="call.assign", obj=call,
                     changes={k: v for k, v in summary.items() if k != "seconds"})
        call_id, when = call.pk, now.isoformat()
        transaction.on_commit(lambda: _notify(call_id, when))
    return summary


def _notify(call_id: int, since: str) -> None:
    try:
        notify_offers.enqueue(call_id, since)
    except Exception:  # noqa: BLE001 — a queue outage must not fail the committed assignment
        log.exception("could not queue notifications for call %s", call_id)


@task()
def notify_offers(call_id: int, since: str) -> int:
    """Tell each member of their new offers (in-app, with a link to the phone page "my calls"; SMS and
    the webhook through core's channels). A wartime call ignores quiet hours. Run twice, it tells nobody
    twice (the idempotency key is the offer's)."""
    offers = Assignment.objects.filter(call_id=call_id, state=AssignmentState.OFFERED, active=True,
                                       offered_at__gte=datetime.datetime.fromisoformat(since))
    with transaction.atomic():
        n = _tell(offers, "call.offer", _("Wartime call “%(title)s”: %(post)s at %(place)s, %(shift)s. "
                                          "Answer by %(by)s."))
    log.info("call %s: %d members notified", call_id, n)
    return n


def _shift_text(start, end) -> str:
    s, e = timezone.localtime(start), timezone.localtime(end)
    return f"{formats.date_format(s, 'm-d H:i')}–{formats.date_format(e, 'H:i' if s.date() == e.date() else 'm-d H:i')}"


def _tell(assignments, kind: str, template: str) -> int:
    """One message per assignment, to the member's account (in-app) and phone (SMS), as one batch."""
    rows = list(assignments.values_list("id", "member__person_id", "member__person__phone_enc", "call__title",
                                        "post__kind", "post__place", "shift_start", "shift_end", "respond_by"))
    if not rows:
        return 0
    accounts = dict(get_user_model().objects.filter(person_id__in={r[1] for r in rows}, is_active=True)
                    .order_by("person_id", "id").values_list("person_id", "id"))
    link = reverse("mobilize:my_calls")
    kinds = dict(PostKind.choices)
    msgs = []
    for aid, person_id, phone_enc, title, post_kind, place, start, end, respond_by in rows:
        text = template % {"title": title, "post": kinds.get(post_kind, post_kind), "place": place,
                           "shift": _shift_text(start, end),
                           "by": formats.date_format(timezone.localtime(respond_by), "m-d H:i")}
        user_id = accounts.get(person_id)
        msgs.append(Message(kind=kind, text=text, subject=title, user_ids=[user_id] if user_id else [],
                            subject_type="mobilize.assignment", subject_id=str(aid), subject_label=title,
                            link=link, phone_enc=phone_enc or "", key=f"{kind}:{aid}", urgent=True))
    notify_many(msgs)
    return len(msgs)


def _maybe_escalate(call: Call, unfilled: int, now) -> None:
    if unfilled and call.escalated_at is None and call.unit.kind == UnitKind.COMMUNITY:
        call.escalated_at = now
        call.save(update_fields=["escalated_at"])
        audit_record(actor=None, action="call.escalate", obj=call, changes={"unfilled": unfilled})


def call_draw_neighbours(*, actor, call: Call, now=None) -> dict:
    """The street widens the pool to every community under it and fills the open seats."""
    street = call.unit if call.unit.kind == UnitKind.STREET else call.unit.parent
    require_scope(actor, street.path, "write")
    with transaction.atomic():
        Call.objects.filter(pk=call.pk).update(pool_path=street.path)
        audit_record(actor=actor, action="call.draw_neighbours", obj=call, changes={"pool": street.code})
    call.refresh_from_db()
    return call_assign(actor=None, call=call, now=now, keep_offers=True)


def call_close(*, actor, call: Call) -> Call:
    require_scope(actor, call.unit_path, "write")
    with transaction.atomic():
        holders = Assignment.objects.filter(call=call, active=True, state__in=(
            AssignmentState.OFFERED, AssignmentState.ACCEPTED, AssignmentState.CHECKED_IN))
        if call.status == CallStatus.OPEN:
            _tell(holders, "call.cancel", _("Wartime call “%(title)s” is closed: your post %(post)s at %(place)s, "
                                            "%(shift)s, is cancelled."))
        Call.objects.filter(pk=call.pk).update(status=CallStatus.CLOSED)
        Assignment.objects.filter(call=call, active=True, state=AssignmentState.OFFERED).update(
            active=False, state=AssignmentState.RELEASED)
        audit_record(actor=actor, action="call.close", obj=call)
    call.refresh_from_db()
    return call


# --- refill ---------------------------------------------------------------------------------------


def call_refill(*, call: Call, now=None) -> dict:
    """Give the seats freed by declines, expired offers and no-shows to the next best members."""
    now = now or timezone.now()
    t0 = time.perf_counter()
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        freed = list(Assignment.objects.filter(call=call, state__in=TO_REFILL_STATES, refilled=False)
                     .values_list("id", "member_id", "seat_id"))
        if not freed or call.status != CallStatus.OPEN:
            return {"freed": 0, "refilled": 0}
        held = set(Assignment.objects.filter(call=call, active=True).values_list("seat_id", flat=True))
        freed_seats = sorted({s for _i, _m, s in freed if s not in held})
        declined_all = _declined_ids(call)
        inst = build_instance(call, now=now, exclude_member_ids=declined_all, seat_ids=freed_seats)
        res = inst.problem.solve()
        freed_pairs = freed_seats
        new_m, new_s = res.member_id.tolist(), res.seat_id.tolist()
        Assignment.objects.filter(id__in=[i for i, _m, _s in freed]).update(refilled=True)
        written = _write_offers(call, inst, new_m, new_s, res.distance_m.tolist(), now)
        still = int(len(res.unfilled_seat_id))
        _maybe_escalate(call, still, now)
        audit_record(actor=None, action="call.refill", obj=call,
                     changes={"freed": len(freed_pairs), "refilled": written, "still_unfilled": still})
        call_id, when = call.pk, now.isoformat()
        transaction.on_commit(lambda: _notify(call_id, when))
    return {"freed": len(freed_pairs), "refilled": written, "still_unfilled": still,
            "total_distance_m": res.total_distance_m, "seconds": round(time.perf_counter() - t0, 3)}


# --- the member's side ----------------------------------------------------------------------------


def _own(actor, assignment_or_member_person_id: int, path: str) -> None:
    """Only the member acts on their own offers; others in scope get 403, outsiders 404."""
    if actor is None or getattr(actor, "person_id", None) == assignment_or_member_person_id:
        return
    require_scope(actor, path, "read")
    raise Forbidden(_("Only the member answers their own call."))


def assignment_respond(*, actor, assignment: Assignment, accept: bool, now=None) -> Assignment:
    _own(actor, assignment.member.person_id, assignment.unit_path)
    now = now or timezone.now()
    with transaction.atomic():
        n = Assignment.objects.filter(pk=assignment.pk, state=AssignmentState.OFFERED, active=True,
                                      respond_by__gte=now).update(
            state=AssignmentState.ACCEPTED if accept else AssignmentState.DECLINED, active=accept,
            responded_at=now)
        if not n:
            raise Conflict(_("This offer is no longer open."))
        audit_record(actor=actor, action="assignment.accept" if accept else "assignment.decline", obj=assignment)
    assignment.refresh_from_db()
    return assignment


def seat_take(*, actor, post: Post, member: Member, now=None) -> Assignment:
    """A member takes an open seat of a post: of two members racing for the last seat, exactly one
    gets it (the partial unique index on active seat holders decides)."""
    _own(actor, member.person_id, post.unit_path)
    now = now or timezone.now()
    if member.status != RegistrationStatus.CONFIRMED:
        raise ValidationFailed(_("Only confirmed registered members take seats."), field="member")
    if member.skills & post.required_skills != post.required_skills:
        raise ValidationFailed(_("This post needs skills you have not registered."), field="skills")
    if post.shift_end <= now:
        raise Conflict(_("This shift is over."))
    with transaction.atomic():
        call = Call.objects.get(pk=post.call_id)
        if call.status != CallStatus.OPEN:
            raise Conflict(_("The call is closed."))
        Member.objects.select_for_update().filter(pk=member.pk).first()
        if Assignment.objects.filter(member=member, active=True, shift_start__lt=post.shift_end,
                                     shift_end__gt=post.shift_start).exists():
            raise Conflict(_("You already hold a shift at that time."), code="overlap")
        for _attempt in range(3):
            held = Assignment.objects.filter(post=post, active=True).values("seat_id")
            seat = Seat.objects.filter(post=post).exclude(id__in=held).order_by("number").first()
            if seat is None:
                raise Conflict(_("All seats of this post are taken."), code="full")
            try:
                with transaction.atomic():
                    a = Assignment.objects.create(
                        call=call, post=post, seat=seat, member=member, unit_path=post.unit_path,
                        state=AssignmentState.ACCEPTED, shift_start=post.shift_start, shift_end=post.shift_end,
                        distance_m=_distance(member, post), offered_at=now, respond_by=now, responded_at=now)
                break
            except IntegrityError:
                continue
        else:
            raise Conflict(_("Someone else took the seat first."), code="taken")
        audit_record(actor=actor, action="seat.take", obj=a, changes={"post": post.pk})
    return a


def _distance(member: Member, post: Post) -> int:
    if member.lat is None:
        return 0
    return int(round(distance_m(member.lat, member.lng, post.lat, post.lng)))


def assignment_check_in(*, actor, assignment: Assignment, now=None) -> Assignment:
    _own(actor, assignment.member.person_id, assignment.unit_path)
    now = now or timezone.now()
    if now < assignment.shift_start - CHECK_IN_EARLY or now >= assignment.shift_end:
        raise ValidationFailed(_("Check in from one hour before the shift until its end."), field="time")
    with transaction.atomic():
        n = Assignment.objects.filter(pk=assignment.pk, state=AssignmentState.ACCEPTED, active=True).update(
            state=AssignmentState.CHECKED_IN, checked_in_at=now)
        if not n:
            raise Conflict(_("Accept the offer before checking in."))
        audit_record(actor=actor, action="assignment.check_in", obj=assignment)
    assignment.refresh_from_db()
    return assignment


def assignment_check_out(*, actor, assignment: Assignment, now=None) -> Assignment:
    _own(actor, assignment.member.person_id, assignment.unit_path)
    now = now or timezone.now()
    with transaction.atomic():
        n = Assignment.objects.filter(pk=assignment.pk, state=AssignmentState.CHECKED_IN).update(
            state=AssignmentState.CHECKED_OUT, checked_out_at=now)
        if not n:
            raise Conflict(_("Check in before checking out."))
        audit_record(actor=actor, action="assignment.check_out", obj=assignment)
    assignment.refresh_from_db()
    return assignment


# --- the sweep ------------------------------------------------------------------------------------


def calls_sweep(now) -> dict:
    """Expire unanswered offers, mark no-shows, refill what they freed. Each step is idempotent."""
    with transaction.atomic():
        expired = Assignment.objects.filter(state=AssignmentState.OFFERED, active=True, respond_by__lt=now).update(
            state=AssignmentState.EXPIRED, active=False)
        no_show = Assignment.objects.filter(state=AssignmentState.ACCEPTED, active=True,
                                            shift_start__lt=now - NO_SHOW_AFTER).update(
            state=AssignmentState.NO_SHOW, active=False)
        if expired or no_show:
            audit_record(actor=None, action="calls.sweep", object_type="mobilize.assignment",
                         changes={"expired": expired, "no_show": no_show})
    reminded = remind_shifts(now)
    refilled = 0
    call_ids = (Assignment.objects.filter(state__in=TO_REFILL_STATES, refilled=False, call__status=CallStatus.OPEN)
                .values_list("call_id", flat=True).distinct())
    for call in Call.objects.filter(id__in=list(call_ids)).select_related("unit"):
        refilled += call_refill(call=call, now=now).get("refilled", 0)
    return {"expired": expired, "no_show": no_show, "refilled": refilled, "reminded": reminded}


def remind_shifts(now) -> int:
    """Remind the members who accepted a seat, once, in the hour before their shift starts."""
    with transaction.atomic():
        due = Assignment.objects.filter(state=AssignmentState.ACCEPTED, active=True, reminded_at__isnull=True,
                                        shift_start__gt=now, shift_start__lte=now + REMIND_BEFORE)
        ids = list(due.values_list("id", flat=True)[:5000])
        if not ids:
            return 0
        n = _tell(Assignment.objects.filter(id__in=ids), "call.reminder",
                  _("Reminder: your post %(post)s at %(place)s for “%(title)s” starts %(shift)s."))
        Assignment.objects.filter(id__in=ids).update(reminded_at=now)
        audit_record(actor=None, action="calls.remind", object_type="mobilize.assignment", changes={"reminded": n})
    return n
