"""Demo step: 69,000+ registered in-service members over the communities, agencies with co-building
agreements, the three lists, a year of activities with hours, and one past wartime call."""

import datetime

from django.db import transaction
from django.utils import timezone

from jiceng.core.audit import audit_record
from jiceng.mobilize import calls, services
from jiceng.mobilize.models import (
    Activity,
    AgencyRegistration,
    Assignment,
    AssignmentState,
    Call,
    CallStatus,
    Category,
    MatchedProject,
    Need,
    RegistrationStatus,
    Resource,
)
from jiceng.people.models import PartyMembership, Person
from jiceng.people.services import people_bulk_create

ORDER = 50
MEMBERS = 69_500
AGENCY_KINDS = ("市直机关党委", "区直机关党支部", "国有企业党委", "中学党支部", "医院党总支", "税务局党支部", "供电公司党委")
SKILL_SHARE = (0.08, 0.35, 0.15, 0.04, 0.05, 0.10, 0.20, 0.06)
ALL_WEEK = "1" * 168
WEEKDAY_DAYS = ("0" * 8 + "1" * 16) * 5 + "1" * 48  # not on weekday nights


def _street(path: str) -> str:
    return "/".join(path.split("/")[:4]) + "/"


def build(ctx):
    rng = ctx.rng("mobilize")
    data = ctx.data
    communities = data.get("communities") or []
    if not communities:
        ctx.say("[demo] mobilize: no communities, skipped")
        return
    grids_by_community: dict[int, list] = {}
    for g in data.get("grids", []):
        if g.lat is not None:
            grids_by_community.setdefault(g.parent_id, []).append(g)
    today = ctx.today
    year_start = datetime.date(today.year, 1, 1)
    # Agencies: 2–4 per community, confirmed, one-year agreements.
    agencies = []
    for c in communities:
        for k in range(rng.randint(2, 4)):
            agencies.append(AgencyRegistration(
                name=f"{c.name[:8]}{rng.choice(AGENCY_KINDS)}{k + 1}", community=c, unit_path=c.path,
                agreement_start=year_start, agreement_end=year_start.replace(year=today.year + 1),
                commitments="认领服务项目，每月开展一次共建活动", status=RegistrationStatus.CONFIRMED,
                confirmed_at=timezone.now()))
    services.agencies_bulk_create(actor=None, agencies=agencies, note="demo")
    agencies = list(AgencyRegistration.objects.filter(unit_path__in=[c.path for c in communities]))

    by_code = {c.code: c for c in communities}
    # In-service party members of the demo population register first; the rest are new people.
    total = int(MEMBERS * ctx.scale)
    linked = [m for m in data.get("memberships", []) if m.in_service][:total]
    demo_member = None
    users = data.get("demo_users") or {}
    if "demo-member" in users:
        users["demo-member"].refresh_from_db(fields=["person"])
        demo_member = users["demo-member"].person_id
    people = []  # (person_id, membership_id, name, community)
    for m in linked:
        code = m.person.unit_path.split("/")[4]
        if code in by_code:
            people.append((m.person.pk, m.pk, m.person.name, by_code[code]))
    if demo_member and demo_member not in {p[0] for p in people}:
        person = Person.objects.get(pk=demo_member)
        code = person.unit_path.split("/")[4]
        if code in by_code:
            people.append((person.pk, PartyMembership.objects.filter(person=person).values_list("pk", flat=True)
                           .first(), person.name, by_code[code]))
    extra = max(0, total - len(people))
    weights = [max(1, len(grids_by_community.get(c.pk, []))) for c in communities]
    homes = rng.choices(communities, weights=weights, k=extra)
    surnames, given = "王李张刘陈杨赵黄周吴徐孙马胡郭", "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"
    new_people = [Person(name=rng.choice(surnames) + rng.choice(given) + rng.choice(given),
                         gender=rng.choice("MF"), unit_path=c.path, is_resident=False) for c in homes]
    for i in range(0, len(new_people), 20000):
        people_bulk_create(actor=None, people=new_people[i:i + 20000], note="demo in-service members")
    if new_people and new_people[0].pk is None:
        ids = list(Person.objects.filter(is_resident=False).order_by("-id").values_list("pk", flat=True)[:extra])[::-1]
        for p, pk in zip(new_people, ids, strict=True):
            p.pk = p.id = pk
    people += [(p.pk, None, p.name, c) for p, c in zip(new_people, homes, strict=True)]
    agencies_by_street: dict[str, list] = {}
    for a in agencies:
        agencies_by_street.setdefault(_street(a.unit_path), []).append(a)
    rows = []
    confirmed_at = timezone.now()
    for pid, mid, name, c in people:
        grid = rng.choice(grids_by_community.get(c.pk) or [c])
        lat = (grid.lat or 36.08) + rng.uniform(-0.004, 0.004)
        lng = (grid.lng or 111.52) + rng.uniform(-0.005, 0.005)
        skills = sum(1 << b for b, share in enumerate(SKILL_SHARE) if rng.random() < share)
        agency = rng.choice(agencies_by_street.get(_street(c.path)) or agencies)
        weekly = ALL_WEEK if rng.random() < 0.7 else WEEKDAY_DAYS
        rows.append({"person_id": pid, "membership_id": mid, "name": name, "community_id": c.pk,
                     "unit_path": c.path, "employer": agency.name, "agency_id": agency.pk, "skills": skills,
                     "weekly": weekly, "lat": lat, "lng": lng, "status": RegistrationStatus.CONFIRMED.value,
                     "confirmed_at": confirmed_at})
    member_ids = services.members_bulk_insert(actor=None, rows=rows, note="demo")
    ctx.say(f"[demo] in-service members registered: {len(rows):,} ({len(linked):,} linked to party members)")
    by_community: dict[int, list[int]] = {}
    for pk, r in zip(member_ids, rows, strict=True):
        by_community.setdefault(r["community_id"], []).append(pk)
    _lists(ctx, rng, communities, agencies, today)
    _activities(ctx, rng, communities, by_community, today)
    _past_call(ctx, rng, data, today)


def _lists(ctx, rng, communities, agencies, today):
    cats = Category.values
    needs, resources = [], []
    agency_of = {}
    for a in agencies:
        agency_of.setdefault(a.community_id, []).append(a)
    for c in communities:
        for _k in range(3):
            start = today - datetime.timedelta(days=rng.randint(0, 300))
            needs.append(Need(community=c, unit_path=c.path, title="居民需求", category=rng.choice(cats),
                              source=rng.choice(("resident", "community")), lat=c.lat, lng=c.lng,
                              urgency=rng.randint(1, 3), wanted_from=start,
                              wanted_to=start + datetime.timedelta(days=60)))
        for a in agency_of.get(c.pk, []):
            start = today - datetime.timedelta(days=rng.randint(0, 300))
            resources.append(Resource(community=c, unit_path=c.path, title="共建资源", category=rng.choice(cats),
                                      agency=a, lat=c.lat, lng=c.lng, available_from=start,
                                      available_to=start + datetime.timedelta(days=120),
                                      capacity=rng.randint(1, 20)))
    with transaction.atomic():
        Need.objects.bulk_create(needs, batch_size=5000)
        Resource.objects.bulk_create(resources, batch_size=5000)
        res_by_path: dict[str, list] = {}
        for r in Resource.objects.filter(unit_path__in=[c.path for c in communities]):
            res_by_path.setdefault(r.unit_path, []).append(r)
        projects, links = [], []
        for n in Need.objects.filter(unit_path__in=[c.path for c in communities]).order_by("id")[::2]:
            pool = res_by_path.get(n.unit_path)
            if not pool:
                continue
            best = max(pool, key=lambda r, n=n: services.match_score(n, r)["score"])
            set_at = timezone.make_aware(datetime.datetime.combine(n.wanted_from, datetime.time(9)))
            evaluated = rng.random() < 0.6
            projects.append((MatchedProject(need=n, unit_path=n.unit_path, title=n.title, set_at=set_at,
                                     stage="evaluated" if evaluated else "checked", check_note="已按期落实",
                                     checked_at=set_at + datetime.timedelta(days=20),
                                     evaluated_at=set_at + datetime.timedelta(days=30) if evaluated else None,
                                     score=round(rng.uniform(3.8, 5.0), 1) if evaluated else None), best))
        MatchedProject.objects.bulk_create([p for p, _r in projects], batch_size=2000)
        through = MatchedProject.resources.through
        links = [through(matchedproject_id=p.pk, resource_id=r.pk) for p, r in projects]
        through.objects.bulk_create(links, batch_size=5000)
        audit_record(actor=None, action="lists.bulk_create", object_type="mobilize.matchedproject",
                     changes={"needs": len(needs), "resources": len(resources), "projects": len(projects)})
    ctx.say(f"[demo] three lists: {len(needs):,} needs, {len(resources):,} resources, {len(projects):,} projects")


def _activities(ctx, rng, communities, by_community, today):
    acts = []
    for c in communities:
        for month in range(1, today.month + 1):
            day = datetime.date(today.year, month, min(28, rng.randint(1, 28)))
            if day >= today:
                continue
            start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
            kind = "party_day" if month % 2 else "volunteer"
            acts.append(Activity(community=c, unit_path=c.path, kind=kind,
                                 title="主题党日" if kind == "party_day" else "志愿服务", starts_at=start,
                                 ends_at=start + datetime.timedelta(hours=3), capacity=40, lat=c.lat, lng=c.lng,
                                 code=f"{rng.randint(0, 999999):06d}"))
    with transaction.atomic():
        Activity.objects.bulk_create(acts, batch_size=5000)
        audit_record(actor=None, action="activity.bulk_create", object_type="mobilize.activity",
                     changes={"count": len(acts)})
    if acts and acts[0].pk is None:
        acts = list(Activity.objects.order_by("id"))
    signups = []  # plain rows for the fast path: (activity, member, unit_path, in, out, hours, year)
    for a in acts:
        pool = by_community.get(a.community_id) or []
        for mid in rng.sample(pool, min(len(pool), rng.randint(10, 30))):
            minutes = rng.choice((150, 170, 180, 180))
            signups.append((a.pk, mid, a.unit_path, a.starts_at, a.starts_at + datetime.timedelta(minutes=minutes),
                            round(minutes / 60, 2), a.starts_at.year))
    services.signups_bulk_create(actor=None, signups=signups, note="demo year")
    ctx.say(f"[demo] activities: {len(acts):,}, sign-ups with hours: {len(signups):,}")


def _past_call(ctx, rng, data, today):
    """Last month a street switched to wartime, called 300 seats, members served; then peacetime."""
    street = (data.get("demo_units") or {}).get("street") or data["streets"][0]
    community = (data.get("demo_units") or {}).get("community") or next(
        c for c in data["communities"] if c.parent_id == street.pk)
    when = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=30), datetime.time(6)))
    calls.mode_switch(actor=None, unit=street, mode="wartime", reason="疫情防控演练", now=when)
    grids = [g for g in data.get("grids", []) if g.path.startswith(street.path) and g.lat is not None][:20]
    kinds = ("checkpoint", "screening", "isolation", "supply")
    posts = []
    for k, g in enumerate(grids):
        start = when + datetime.timedelta(hours=2 + 8 * (k % 2))
        posts.append({"kind": kinds[k % 4], "place": f"{g.name}卡口", "lat": g.lat, "lng": g.lng,
                      "shift_start": start, "shift_end": start + datetime.timedelta(hours=8),
                      "headcount": 15, "skills": ["medical"] if k % 5 == 0 else []})
    if not posts:
        return
    call = calls.call_issue(actor=None, unit=street, title=f"{street.name}疫情防控召集令", posts=posts, now=when)
    summary = calls.call_assign(actor=None, call=call, now=when)
    with transaction.atomic():
        rows = list(Assignment.objects.filter(call=call, active=True).values_list("id", "shift_start", "shift_end"))
        declined = {r[0] for r in rng.sample(rows, len(rows) // 20)}
        Assignment.objects.filter(id__in=declined).update(state=AssignmentState.DECLINED, active=False,
                                                          responded_at=when, refilled=True)
        Assignment.objects.filter(call=call, active=True).exclude(id__in=declined).update(
            state=AssignmentState.CHECKED_OUT, responded_at=when, checked_in_at=when + datetime.timedelta(hours=2),
            checked_out_at=when + datetime.timedelta(hours=18))
        Call.objects.filter(pk=call.pk).update(status=CallStatus.CLOSED)
        audit_record(actor=None, action="call.close", obj=call, changes={"demo": True})
    calls.mode_switch(actor=None, unit=street, mode="peacetime", reason="恢复平时",
                      now=when + datetime.timedelta(days=7))
    ctx.say(f"[demo] past call in {street.name}: {summary['filled']}/{summary['seats']} seats "
            f"({community.name} and neighbours)")
