"""What the public sees of a case (B1, H2): published cases only, coordinates snapped to a 100 m grid,
no personal data; a case code alone reads its status and nothing else.

A case is published when its category is publishable, it came through a public channel (the phone
page, Open311) and its reporter agreed (`models.public_q`). Three views of a case:

- `status_view`: what anyone holding the code reads (status, category, dates);
- `public_view`: a published case (adds the snapped point, the description with numbers and e-mail
  addresses blotted out, the handling unit from the street up);
- the full record, only inside an Open311 key's jurisdiction or the user's own area.
"""

import math
import re
from datetime import timedelta

from django.utils import timezone

from jiceng.cases.models import FINAL_STATUSES, Case, Level, Status, public_q
from jiceng.core.geo.distance import M_PER_DEG, m_per_deg_lng

SNAP_M = 100.0
# Runs of digits that could be a phone, identity or house number; e-mail addresses.
_NUMBERS = re.compile(r"(?:\d[\s-]?){5,}[\dXx]?")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
NAMED_LEVELS = {Level.STREET, Level.COUNTY, Level.CITY}


def snap(lat: float | None, lng: float | None, metres: float = SNAP_M) -> tuple[float | None, float | None]:
    """The centre of the `metres` cell holding the point (cells are `metres` high and, at that
    latitude, `metres` wide): whoever reads it learns the block, not the door."""
    if lat is None or lng is None:
        return None, None
    step_lat = metres / M_PER_DEG
    slat = (math.floor(lat / step_lat) + 0.5) * step_lat
    step_lng = metres / m_per_deg_lng(slat)
    slng = (math.floor(lng / step_lng) + 0.5) * step_lng
    return round(slat, 6), round(slng, 6)


def redact(text: str) -> str:
    """Blot out numbers of five digits or more and e-mail addresses from a published text."""
    return _NUMBERS.sub("***", _EMAIL.sub("***", text or ""))


def is_open(case: Case) -> bool:
    return case.status not in FINAL_STATUSES


def status_label(case: Case) -> str:
    return str(Status(case.status).label)


def public_agency(case: Case) -> str:
    """The handling unit, named from the street up (a grid or community name would place the reporter)."""
    return case.handler.name if case.level in NAMED_LEVELS else ""


# The public list and map (/cases/public/): published cases of a recent period, newest first.
PUBLIC_PERIODS = (30, 90, 365)
PUBLIC_PAGE_SIZE = 30
PUBLIC_MAP_LIMIT = 2000


def published_cases(*, days: int = 90, state: str = "", group: str = "", now=None):
    """Published cases received in the last `days` days, newest first, optionally only open or closed
    ones (`state`) and only one top-level category (`group`, a category code). Nothing here names a
    reporter, an address or a grid: callers read `public_row`."""
    now = now or timezone.now()
    qs = (Case.objects.filter(public_q(), received_at__gte=now - timedelta(days=days))
          .select_related("category", "category__parent", "handler"))
    if state == "open":
        qs = qs.exclude(status__in=list(FINAL_STATUSES))
    elif state == "closed":
        qs = qs.filter(status__in=list(FINAL_STATUSES))
    if group:
        qs = qs.filter(category__parent__code=group)
    return qs.order_by("-received_at", "-id")


def public_row(case: Case) -> dict:
    """One published case as the public sees it: snapped point, redacted text, no address."""
    lat, lng = snap(case.lat, case.lng)
    parent = case.category.parent
    return {
        "code": case.code, "category": case.category.name, "group": parent.name if parent else "",
        "status": status_label(case), "open": is_open(case), "received_at": case.received_at,
        "description": redact(case.description)[:140], "agency": public_agency(case), "lat": lat, "lng": lng,
    }


def map_points(qs, limit: int = PUBLIC_MAP_LIMIT) -> list[dict]:
    """The map's points for the newest `limit` cases of `qs`: cases on the same snapped cell become one
    point with counts and up to four kinds. Reads four columns, not whole cases."""
    cells: dict[tuple, dict] = {}
    rows = qs.values_list("lat", "lng", "status", "category__name")[:limit]
    for lat, lng, status, category in rows:
        if lat is None or lng is None:
            continue
        point = snap(lat, lng)
        cell = cells.setdefault(point, {"lat": point[0], "lng": point[1], "open": 0, "closed": 0,
                                        "categories": []})
        cell["closed" if status in FINAL_STATUSES else "open"] += 1
        if category not in cell["categories"] and len(cell["categories"]) < 4:
            cell["categories"].append(category)
    return list(cells.values())


# Similar open cases near a pin on the phone page (issue 18, item 3): published ones only, each at its
# 100 m cell, with its code (published cases are on the public list with their follow page) so that the
# resident can follow one ("same problem") instead of filing a duplicate.
NEARBY_RADIUS_M = 300.0
NEARBY_DAYS = 30
NEARBY_LIMIT = 20


def nearby_open(*, lat: float, lng: float, category=None, now=None) -> list[dict]:
    """Published open cases received in the last 30 days within 300 m of the pin, the same category first,
    then the nearest; at most 20. One query. No address, name, number or exact point."""
    from jiceng.core.geo.distance import box_deg, plane_m

    now = now or timezone.now()
    dlat, dlng = box_deg(lat, NEARBY_RADIUS_M)
    rows = (Case.objects.filter(public_q(), received_at__gte=now - timedelta(days=NEARBY_DAYS),
                                lat__range=(lat - dlat, lat + dlat), lng__range=(lng - dlng, lng + dlng))
            .exclude(status__in=list(FINAL_STATUSES)).select_related("category").order_by("-received_at")[:200])
    out = []
    for c in rows:
        d = plane_m(lat, lng, c.lat, c.lng)
        if d > NEARBY_RADIUS_M:
            continue
        slat, slng = snap(c.lat, c.lng)
        out.append({"code": c.code, "category": c.category.name, "status": status_label(c),
                    "same": category is not None and c.category_id == category.pk,
                    "received": timezone.localtime(c.received_at).strftime("%m-%d"),
                    "description": redact(c.description)[:80], "lat": slat, "lng": slng, "_d": d})
    out.sort(key=lambda r: (not r["same"], r["_d"]))
    for r in out:
        r.pop("_d")
    return out[:NEARBY_LIMIT]


# The steps of a case whose comment is addressed to the reporter: the handling result and the reason for a
# rejection. Every other comment (requests, decisions, rework, whistles…) is a staff note and stays
# internal; the follow page shows those steps without their words.
REPLY_ACTIONS = frozenset({"handle", "reject"})


def follow_steps(events) -> list[dict]:
    """The public timeline for the follow page: when, what, who (role and unit), and the reply to the
    reporter on reply steps only, with numbers and e-mail addresses blotted out."""
    out = []
    for e in events:
        out.append({"at": e.at, "action_label": e.action_label, "actor_label": e.actor_label,
                    "reply": redact(e.comment) if e.action in REPLY_ACTIONS and e.comment else ""})
    return out
