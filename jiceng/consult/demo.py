"""Demo step: one street-wide participatory budget in the demo street, open, with 20,000 household votes
(scaled); a survey and a proposal round in the demo community.

A street of the demo city has about 3,900 households (200,000 residents in 20 streets); the issue asks for
a street-wide ballot of 20,000 households, the size of a large real street. So the step first adds the
missing households to the demo street, as new buildings of 48 flats in its compounds (a newly built
estate whose residents are not registered yet), through orgs.units_bulk_create, and then casts every
household's vote through consult.voting.ballots_bulk_cast (checked like single votes, one audit event
per batch)."""

import datetime

from django.utils import timezone

from jiceng.consult import services, voting
from jiceng.core.scope import subtree_q
from jiceng.orgs.models import Unit
from jiceng.orgs.services import units_bulk_create

ORDER = 76
OPTIONS = [("背街小巷路灯改造", 180_000), ("老旧小区加装扶手", 60_000), ("社区食堂提档", 150_000), ("口袋公园", 220_000),
           ("电动车集中充电棚", 90_000), ("健身步道", 120_000), ("垃圾分类亭", 50_000), ("儿童游乐场地", 110_000)]


FLATS = 48  # a new building: 4 entrances, 6 floors, 2 flats a landing


def _grow_street(street, wanted: int, rng) -> int:
    """Add households to the street (new buildings in its compounds) until it has `wanted`. Returns how
    many were added."""
    have = Unit.objects.filter(subtree_q(street.path), kind="household").count()
    missing = wanted - have
    if missing <= 0:
        return 0
    compounds = list(Unit.objects.filter(subtree_q(street.path), kind="compound").order_by("code"))
    last = {}
    for b in Unit.objects.filter(subtree_q(street.path), kind="building").only("code", "parent_id", "lat", "lng",
                                                                                 "address"):
        prev = last.get(b.parent_id)
        if prev is None or b.code > prev[0]:
            last[b.parent_id] = (b.code, b)
    buildings, k = [], 0
    while len(buildings) * FLATS < missing:
        compound = compounds[k % len(compounds)]
        k += 1
        code, sibling = last.get(compound.pk, (f"{compound.code}000", None))
        number = int(code[-3:]) + 1
        if number > 999:
            continue
        jitter = rng.uniform(-0.0004, 0.0004)
        building = Unit(kind="building", code=f"{compound.code}{number:03d}", name=f"{number}号楼", parent=compound,
                        address=f"{compound.address}{number}号楼",
                        lat=sibling.lat + jitter if sibling and sibling.lat else None,
                        lng=sibling.lng - jitter if sibling and sibling.lng else None)
        last[compound.pk] = (building.code, sibling)
        buildings.append(building)
    units_bulk_create(actor=None, units=buildings, note="demo: new buildings for the street-wide ballot")
    homes = []
    for building in buildings:
        for i in range(min(FLATS, missing - len(homes))):
            entrance, room = i // 12 + 1, i % 12
            label = f"{entrance}单元{room // 2 + 1}{room % 2 + 1:02d}室"
            homes.append(Unit(kind="household", code=f"{building.code}{i + 1:04d}", name=label, parent=building,
                              address=f"{building.address}{label}"))
    for start in range(0, len(homes), 20000):
        units_bulk_create(actor=None, units=homes[start:start + 20000], note="demo: new households")
    return len(homes)


def build(ctx):
    rng = ctx.rng("consult")
    units = ctx.data.get("demo_units") or {}
    street = units.get("street") or ctx.data["streets"][0]
    community = units.get("community") or Unit.objects.filter(subtree_q(street.path), kind="community").first()
    ballot = voting.ballot_create(actor=None, unit=street, title=f"{street.name}{ctx.today.year}年民生微实事居民投票",
                                  budget="500000", closes_at=timezone.now() + datetime.timedelta(days=5),
                                  description="每户可在 50 万元预算内选择若干项目，按得票多少依次入选，直到预算用完。")
    options = [voting.ballot_option_add(actor=None, ballot=ballot, title=t, cost=c) for t, c in OPTIONS]
    voting.ballot_open(actor=None, ballot=ballot)
    wanted = int(20_000 * ctx.scale)
    # A turnout of 80 %: the street has a quarter more households than votes, and the households that have
    # not voted yet are spread over the whole street (the demo resident's among them), so that its residents
    # can still vote on the demo city.
    added = _grow_street(street, wanted * 5 // 4, rng)
    everyone = list(Unit.objects.filter(subtree_q(street.path), kind="household").only("pk", "path")
                    .order_by("code"))
    keep_free = units.get("household")
    households = rng.sample([h for h in everyone if keep_free is None or h.pk != keep_free.pk], wanted)
    weights = [rng.uniform(0.3, 1.0) for _ in options]
    votes = []
    for h in households:
        chosen, total = [], 0
        for o, _w in sorted(zip(options, weights, strict=True), key=lambda ow: -ow[1] * rng.random()):
            if rng.random() < 0.45 and total + int(o.cost) <= 500_000:
                chosen.append(o.pk)
                total += int(o.cost)
        votes.append((h, chosen or [options[rng.randrange(len(options))].pk]))
    for start in range(0, len(votes), 5000):
        voting.ballots_bulk_cast(ballot=ballot, votes=votes[start:start + 5000])
    today = ctx.today
    services.survey_create(actor=None, unit=community, title="小区停车管理意见征集", closes_on=today + datetime.timedelta(days=14),
                           questions=[{"kind": "single", "text": "您家是否有私家车？", "options": ["有", "没有"]},
                                      {"kind": "multiple", "text": "您支持哪些措施？",
                                       "options": ["施划停车位", "错峰共享停车", "建设立体车库"]},
                                      {"kind": "rating", "text": "对目前停车秩序的满意度"},
                                      {"kind": "text", "text": "其他建议", "required": False}], today=today)
    rnd = services.round_create(actor=None, unit=community, title="民生微心愿征集", today=today,
                                closes_on=today + datetime.timedelta(days=21))
    for title, cost in (("楼道加装扶手", "8000"), ("小区入口无障碍坡道", "15000"), ("增设便民座椅", "3000")):
        services.proposal_submit(actor=None, round=rnd, title=title, estimated_cost=cost, today=today)
    ctx.data["consult"] = {"ballot": ballot.pk, "votes": len(votes)}
    ctx.say(f"[demo] consult: ballot in {street.name} with {len(votes):,} household votes "
            f"({added:,} households added to the street for it)")
    from jiceng.consult import demo_onecore

    demo_onecore.build(ctx)
