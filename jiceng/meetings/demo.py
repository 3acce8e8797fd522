"""Demo step: joint-meeting systems at every level with last year's and this year's schedules, the
meetings held so far (some periods missed, some meetings without quorum), leaders attending at their
contact points, resolutions with action items (most done, some overdue), and the sweep's prompt cards."""

import datetime

from django.utils import timezone

from jiceng.demo.names import person_name
from jiceng.meetings import services, sweeps
from jiceng.meetings.models import ActionStatus, ContactPoint, MeetingPeriod, SystemMember
from jiceng.orgs.models import PartTimeMember

ORDER = 60
MISS_SHARE = 0.08  # periods with no meeting
NO_QUORUM_SHARE = 0.04
TOPICS = ["老旧小区改造推进", "物业服务质量问题", "停车难问题协调", "矛盾纠纷排查化解", "安全隐患整治", "为民办实事项目",
          "在职党员报到服务", "垃圾分类推进", "网格化管理运行", "民生项目资金使用"]
ACTIONS = ["制定整改方案", "协调物业公司落实", "开展入户走访", "组织专项排查", "报街道协调解决", "召开居民议事会"]
POSITIONS = ["书记", "副书记", "兼职委员", "派出所民警", "业委会主任", "物业项目经理", "驻区单位党组织书记"]


def build(ctx):
    rng = ctx.rng("meetings")
    today = ctx.today
    year = today.year
    d = ctx.data
    units = [d["city"]] + list(d["counties"]) + list(d["streets"]) + list(d["communities"])
    # City and county meetings keep a list of members; a street's or community's meeting takes those due from
    # its big committee's roster (orgs' demo step set one up for each).
    members = {u.pk: [person_name(rng) for _ in range(rng.randint(5, 7))] for u in units
               if u.kind in ("city", "county")}
    systems = services.systems_bulk_setup(actor=None, units=units, years=[year - 1, year], members_per_unit=members,
                                          note="demo city")
    by_system: dict = {}
    for m in SystemMember.objects.filter(system__in=systems).order_by("id"):
        by_system.setdefault(m.system_id, []).append(m)
    roster: dict = {}
    for m in PartTimeMember.objects.filter(committee__unit__in=[u for u in units if u.kind in ("street", "community")],
                                           committee__term_start__lte=datetime.date(year - 1, 1, 1),
                                           committee__term_end__gte=today, active=True).select_related("committee"):
        roster.setdefault(m.committee.unit_id, []).append(m)
    for s in systems:
        if s.unit_id in roster:
            by_system[s.pk] = roster[s.unit_id]
    # Contact points: each city leader at one county and one community; each county leader at a community.
    counties = list(d["counties"])
    communities = list(d["communities"])
    by_county = {}
    for c in communities:
        by_county.setdefault(c.path.split("/")[2], []).append(c)
    points = []
    for i in range(4):
        county = counties[i]
        points.append(ContactPoint(leader_name=person_name(rng), leader_unit=d["city"], unit=county))
        if by_county.get(county.code):
            points.append(ContactPoint(leader_name=points[-1].leader_name, leader_unit=d["city"],
                                       unit=rng.choice(by_county[county.code])))
    for county in counties:
        for c in rng.sample(by_county.get(county.code, []), min(2, len(by_county.get(county.code, [])))):
            points.append(ContactPoint(leader_name=person_name(rng), leader_unit=county, unit=c))
    services.contact_points_bulk_create(actor=None, points=points, note="demo city")
    points_at: dict = {}
    for p in points:
        points_at.setdefault(p.unit_id, []).append(p)

    periods = list(MeetingPeriod.objects.filter(system__in=systems, starts_on__lte=today).order_by("id"))
    system_by_id = {s.pk: s for s in systems}
    rows = []
    bar = ctx.progress(len(periods), "meetings")
    for p in periods:
        bar.update(1)
        s = system_by_id[p.system_id]
        if p.ends_on < today and rng.random() < MISS_SHARE:
            continue  # missed: the sweep raises its prompt card
        last = min(p.ends_on, today - datetime.timedelta(days=1))
        if last < p.starts_on:
            continue
        held_on = p.starts_on + datetime.timedelta(days=rng.randint(0, (last - p.starts_on).days))
        ms = by_system.get(s.pk) or []
        if not ms:
            continue  # a street or community without a big committee in office: nobody is due
        n_present = len(ms) if rng.random() > 0.3 else len(ms) - 1
        if rng.random() < NO_QUORUM_SHARE:
            n_present = max(1, len(ms) // 2 - 1)
        topic = rng.choice(TOPICS)
        acts = []
        for _ in range(rng.randint(1, 2)):
            deadline = held_on + datetime.timedelta(days=rng.randint(10, 45))
            done = deadline < today and rng.random() < 0.85
            acts.append({"title": rng.choice(ACTIONS), "owner_name": person_name(rng), "deadline": deadline,
                         "status": ActionStatus.DONE if done else ActionStatus.OPEN,
                         "done_on": deadline - datetime.timedelta(days=rng.randint(0, 8)) if done else None})
        leaders = [c for c in points_at.get(s.unit_id, []) if rng.random() < 0.5]
        this_year = p.year == year  # last year's meetings: attendance only (they feed last year's compliance)
        rows.append({"system": s, "held_on": held_on, "title": f"{s.name}（{p.year}年第{p.index}次）",
                     "minutes": f"会议研究了{topic}等事项，形成决议。", "present": ms[:n_present], "absent": ms[n_present:],
                     "leaders": leaders, "agenda": [topic, rng.choice(TOPICS)] if this_year else [topic],
                     "resolution": (f"关于{topic}的决议", acts) if this_year or rng.random() < 0.3 else None})
    bar.close()
    services.meetings_bulk_record(actor=None, rows=rows, note="demo city", today=today)
    now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(8)))
    swept = sweeps.sweep(now)
    d["meeting_systems"] = systems
    ctx.say(f"[demo] meetings: {len(systems)} systems, {len(rows):,} meetings, {len(points)} contact points, "
            f"{swept['missed']} periods missed, {swept['actions_overdue']} overdue action items")
