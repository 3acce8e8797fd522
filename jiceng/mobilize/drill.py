"""The wartime drill of issue 5's "Done when", step by step, for the test and `manage.py mobilize_drill`.

A community issues a call with 300 seats; members are assigned (checked against an independent optimum
of the same instance: the engine's scipy matching); members answer on their phone page (the caller
drives a browser for a few of them, the rest answer through the service); declines are refilled (the
refill checked the same way); the status board shows the posts filled.
"""

import datetime
import random
import secrets
import time

from django.db.models import Count
from django.utils import timezone

from jiceng.accounts.services import grant_create, user_create
from jiceng.core.roles import Role
from jiceng.mobilize import calls, selectors
from jiceng.mobilize.models import (
    TO_REFILL_STATES,
    Assignment,
    AssignmentState,
    Call,
    Member,
    Mode,
    PostKind,
    RegistrationStatus,
)
from jiceng.orgs.models import Unit, UnitKind

KINDS = (PostKind.CHECKPOINT, PostKind.SCREENING, PostKind.ISOLATION, PostKind.SUPPLY)


def busiest_community() -> Unit | None:
    """The community with the most confirmed members (the drill needs a pool larger than the call)."""
    top = (Member.objects.filter(status=RegistrationStatus.CONFIRMED).values("community_id")
           .annotate(n=Count("id")).order_by("-n", "community_id").first())
    return Unit.objects.get(pk=top["community_id"]) if top else None


def drill_posts(community: Unit, *, seats: int = 300, posts: int = 20, now=None) -> list[dict]:
    """`posts` posts at the community's grids (or around it) sharing `seats` seats; two overlapping
    day shifts tomorrow; the first post needs a medic."""
    now = now or timezone.now()
    day = timezone.localtime(now).date() + datetime.timedelta(days=1)
    tz = timezone.get_current_timezone()
    shifts = [(datetime.datetime.combine(day, datetime.time(h), tz),
               datetime.datetime.combine(day, datetime.time(h + 6), tz)) for h in (10, 14)]
    places = list(Unit.objects.filter(parent=community, kind=UnitKind.GRID, lat__isnull=False)
                  .order_by("code").values_list("name", "lat", "lng"))
    if not places:
        places = [(community.name, community.lat or 36.08, community.lng or 111.52)]
    out = []
    for k in range(posts):
        name, lat, lng = places[k % len(places)]
        lap = k // len(places)
        start, end = shifts[k % 2]
        out.append({"kind": KINDS[k % len(KINDS)], "place": f"{name}卡口{lap + 1}", "lat": lat + 0.0007 * lap,
                    "lng": lng + 0.0009 * lap, "shift_start": start, "shift_end": end,
                    "headcount": seats // posts + (1 if k < seats % posts else 0),
                    "skills": ["medical"] if k == 0 else []})
    return out


def drill_issue(*, actor, community: Unit, seats: int = 300, posts: int = 20, now=None) -> Call:
    now = now or timezone.now()
    if calls.unit_mode(community) != Mode.WARTIME:
        calls.mode_switch(actor=actor, unit=community, mode=Mode.WARTIME, reason="战时召集演练", now=now)
    return calls.call_issue(actor=actor, unit=community, title=f"{community.name}战时召集演练",
                            posts=drill_posts(community, seats=seats, posts=posts, now=now), now=now)


def _checked(summary: dict, check: dict, seconds: float) -> dict:
    return {**summary, "check": {**check, "seconds": round(seconds, 3)},
            "optimal": (summary["filled"], summary["total_cost"]) == (check["filled"], check["total_cost"])
            and summary["total_distance_m"] == check["total_distance_m"]}


def drill_assign(*, actor, call: Call, now) -> dict:
    """Assign the whole call, then solve the same instance independently and compare. A shortfall
    escalates: the street draws on its other communities (the offers made stay), checked the same way
    with those offers fixed."""
    summary = calls.call_assign(actor=actor, call=call, now=now)
    t0 = time.perf_counter()
    out = _checked(summary, calls.build_instance(call, now=now).problem.verify_optimal_scipy(),
                   time.perf_counter() - t0)
    call.refresh_from_db()
    if summary["unfilled"] and call.escalated_at is not None:
        kept = list(Assignment.objects.filter(call=call, active=True).values_list("member_id", "seat_id"))
        drawn = calls.call_draw_neighbours(actor=None, call=call, now=now)
        call.refresh_from_db()
        t0 = time.perf_counter()
        inst = calls.build_instance(call, now=now, include_member_ids={m for m, _s in kept})
        pinned = tuple(zip(*kept, strict=True)) if kept else None
        out["neighbours"] = _checked(drawn, inst.problem.verify_optimal_scipy(pinned=pinned),
                                     time.perf_counter() - t0)
    return out


def open_offers(call: Call) -> list[Assignment]:
    return list(Assignment.objects.filter(call=call, active=True, state=AssignmentState.OFFERED)
                .select_related("member").order_by("id"))


def drill_respond(*, call: Call, decline_share: float = 0.1, seed: int = 5, now=None) -> dict:
    """Every open offer answered through the service (as its member): `decline_share` decline."""
    now = now or timezone.now()
    rng = random.Random(seed)  # nosec B311  # seeded generator for synthetic data, not a secret
    accepted = declined = 0
    for a in open_offers(call):
        accept = rng.random() >= decline_share
        calls.assignment_respond(actor=None, assignment=a, accept=accept, now=now)
        accepted += accept
        declined += not accept
    return {"accepted": accepted, "declined": declined}


def drill_refill(*, call: Call, now) -> dict:
    """Refill the freed seats; the refill instance (built as `call_refill` builds it) is solved
    independently beforehand and compared."""
    freed = set(Assignment.objects.filter(call=call, state__in=TO_REFILL_STATES, refilled=False)
                .values_list("seat_id", flat=True))
    held = set(Assignment.objects.filter(call=call, active=True).values_list("seat_id", flat=True))
    seat_ids = sorted(freed - held)
    check = None
    if seat_ids:
        inst = calls.build_instance(call, now=now, exclude_member_ids=calls._declined_ids(call), seat_ids=seat_ids)
        check = inst.problem.verify_optimal_scipy()
    result = calls.call_refill(call=call, now=now)
    if check is not None:
        result["check"] = check
        result["optimal"] = (result["refilled"], result["total_distance_m"]) == (
            check["filled"], check["total_distance_m"])
    return result


def drill_board(call: Call) -> dict:
    board = selectors.call_board(call)
    return {"required": board["required"], "filled": board["filled"], "offered": board["offered"],
            "posts_full": sum(p.filled >= p.headcount for p in board["posts"]), "posts": len(board["posts"])}


def member_login(member: Member, *, call: Call | None = None) -> tuple[str, str]:
    """A login for the member (their phone page): a party-member account on their community, one per
    drill call (a drill can be run again on the same database)."""
    username = f"drill-{call.pk}-{member.pk}" if call is not None else f"drill-{member.pk}"
    password = secrets.token_urlsafe(12)
    user = user_create(actor=None, username=username, password=password, display_name=member.name,
                       person=member.person)
    grant_create(actor=None, user=user, role=Role.PARTY_MEMBER, unit=member.community)
    return username, password


def answer_in_browser(page, *, username: str, password: str, assignment: Assignment, accept: bool) -> str:
    """Log in as the member, open "my calls", accept or decline the offer; returns the card's text."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto("/mobilize/my-calls/")
    card = page.locator(f"#assignment-{assignment.pk}")
    seen = card.inner_text()
    card.locator("button[name=accept]" if accept else "button[name=decline]").click()
    page.wait_for_load_state()
    return seen
