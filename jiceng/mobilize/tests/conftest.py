import datetime

import pytest
from django.utils import timezone

from jiceng.mobilize import calls, services
from jiceng.mobilize.models import Member, RegistrationStatus
from jiceng.people.models import Person


@pytest.fixture
def member(city):
    """The party_member persona (李娜) registered and confirmed with community K1."""
    m = services.member_register(actor=city.users["party_member"], community=city.community,
                                 employer="临汾市税务局", skills=["medical", "driving"])
    return services.member_confirm(actor=city.users["community_worker"], member=m)


def make_members(city, n, *, community=None, lat=36.05, lng=111.45, skills=0, step=0.001):
    """n confirmed members with Person rows, spread east of (lat, lng)."""
    community = community or city.community
    people = Person.objects.bulk_create([Person(name=f"成员{i}", gender="M", unit_path=community.path,
                                                is_resident=False) for i in range(n)])
    if not all(p.pk for p in people):
        people = list(Person.objects.filter(name__startswith="成员").order_by("-id")[:n])[::-1]
    members = [Member(person=p, name=p.name, community=community, unit_path=community.path, employer="某单位",
                      skills=skills, lat=lat, lng=lng + step * i, status=RegistrationStatus.CONFIRMED)
               for i, p in enumerate(people)]
    services.members_bulk_create(actor=None, members=members)
    return list(Member.objects.filter(person__in=people).order_by("lng"))


@pytest.fixture
def wartime(city):
    calls.mode_switch(actor=city.users["community_worker"], unit=city.community, mode="wartime", reason="疫情")


def shift(hours_from_now=2, length=8):
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(hours=hours_from_now)
    return start, start + datetime.timedelta(hours=length)


def post(headcount=2, *, lat=36.05, lng=111.45, skills=(), start_end=None, kind="checkpoint"):
    start, end = start_end or shift()
    return {"kind": kind, "place": "五一路卡口", "lat": lat, "lng": lng, "shift_start": start, "shift_end": end,
            "headcount": headcount, "skills": list(skills)}


def generate_community_members(city, n=420, *, seed=7):
    """A realistic community pool: n confirmed in-service members living around the community's grids,
    skills and weekly hours drawn as in the demo city (8 % medics, 30 % not free on weekday nights)."""
    import random

    from jiceng.mobilize.demo import SKILL_SHARE
    from jiceng.orgs.models import Unit
    from jiceng.people.services import people_bulk_create

    rng = random.Random(seed)
    community = city.community
    homes = list(Unit.objects.filter(parent=community, lat__isnull=False).values_list("lat", "lng")) or [(36.05, 111.45)]
    people = [Person(name=f"队员{i}", gender=rng.choice("MF"), unit_path=community.path, is_resident=False)
              for i in range(n)]
    people_bulk_create(actor=None, people=people, note="test community")
    members = []
    for p in people:
        lat, lng = rng.choice(homes)
        members.append(Member(
            person=p, name=p.name, community=community, unit_path=community.path, employer=f"单位{rng.randint(1, 12)}",
            skills=sum(1 << b for b, share in enumerate(SKILL_SHARE) if rng.random() < share),
            weekly="1" * 168 if rng.random() < 0.7 else ("0" * 8 + "1" * 16) * 5 + "1" * 48,
            lat=lat + rng.uniform(-0.01, 0.01), lng=lng + rng.uniform(-0.012, 0.012),
            status=RegistrationStatus.CONFIRMED))
    services.members_bulk_create(actor=None, members=members, note="test community")
    return members
