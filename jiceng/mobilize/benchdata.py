"""Load a synthetic assignment instance (jiceng.mobilize.assignment.synthetic) into the database as
registered members and a wartime call, for bench/assign.py and bench/refill.py."""

import datetime

import numpy as np
from django.utils import timezone

from jiceng.mobilize import calls, services
from jiceng.mobilize.models import Member, Post, RegistrationStatus, Seat, Skill
from jiceng.orgs.services import unit_create
from jiceng.people.models import Person
from jiceng.people.services import people_bulk_create


def load_instance(inst: dict) -> "Call":  # noqa: F821
    # the synthetic generator's skills are bits 0..7 in the same order as the default skill list
    if list(Skill.objects.order_by("bit").values_list("code", flat=True)[:6]) != [
            "medical", "driving", "it", "legal", "psychology", "construction"]:
        raise RuntimeError("the default skill list changed order; the synthetic generator assumes it")
    city = unit_create(actor=None, parent=None, kind="city", code="520100", name="Bench city")
    county = unit_create(actor=None, parent=city, kind="county", code="520102", name="Bench county")
    street = unit_create(actor=None, parent=county, kind="street", code="520102001", name="Bench street")
    community = unit_create(actor=None, parent=street, kind="community", code="520102001001",
                            name="Bench community")
    m = inst["members"]
    n = len(m.id)
    people = [Person(name=f"M{i}", gender="M", unit_path=community.path, is_resident=False) for i in range(n)]
    people_bulk_create(actor=None, people=people, note="bench")
    person_ids = list(Person.objects.filter(unit_path=community.path).order_by("id").values_list("id", flat=True))
    # busy intervals → hours of the week closed in the member's weekly availability
    weekly = {}
    busy = inst["busy"]
    id_pos = {int(x): k for k, x in enumerate(m.id.tolist())}
    for mid, s, e in zip(busy.member_id.tolist(), busy.start.tolist(), busy.end.tolist(), strict=True):
        hours = weekly.setdefault(id_pos[mid], bytearray(b"1" * 168))
        t = s
        while t < e:
            local = timezone.localtime(datetime.datetime.fromtimestamp(t, datetime.UTC))
            hours[local.weekday() * 24 + local.hour] = ord("0")
            t += 3600
    members = [Member(id=int(m.id[k]), person_id=person_ids[k], name=f"M{k}", community=community,
                      unit_path=community.path, employer=f"Agency {k % 300}", skills=int(m.skills[k]),
                      weekly=weekly[k].decode() if k in weekly else "1" * 168, lat=float(m.lat[k]),
                      lng=float(m.lng[k]), status=RegistrationStatus.CONFIRMED) for k in range(n)]
    services.members_bulk_create(actor=None, members=members, note="bench")
    calls.mode_switch(actor=None, unit=street, mode="wartime", reason="bench")
    seats, shifts = inst["seats"], inst["shifts"]
    shift_at = {int(i): (datetime.datetime.fromtimestamp(int(s), datetime.UTC),
                         datetime.datetime.fromtimestamp(int(e), datetime.UTC))
                for i, s, e in zip(shifts.id, shifts.start, shifts.end, strict=True)}
    post_ids, first, counts = np.unique(seats.post_id, return_index=True, return_counts=True)
    bits = {s.bit: s.code for s in Skill.objects.all()}
    posts = []
    for pid, f, c in zip(post_ids.tolist(), first.tolist(), counts.tolist(), strict=True):
        start, end = shift_at[int(seats.shift_id[f])]
        req = int(seats.required[f])
        posts.append({"kind": "checkpoint", "place": f"Post {pid}", "lat": float(seats.lat[f]),
                      "lng": float(seats.lng[f]), "shift_start": start, "shift_end": end, "headcount": int(c),
                      "skills": [bits[b] for b in range(63) if req >> b & 1]})
    call = calls.call_issue(actor=None, unit=street, title="Bench call", posts=posts, respond_minutes=60,
                            max_distance_m=int(inst["max_distance_m"]))
    if (Seat.objects.filter(call=call).count() != len(seats.id)
            or Post.objects.filter(call=call).count() != len(post_ids)):
        raise RuntimeError("the bench call lost seats or posts")
    return call
