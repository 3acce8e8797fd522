"""Demo step: budgets for last year and this year for every street and community (a few short of the
standards this year, with a reminder letter outstanding to their county), this year's spending (a few
beyond budget awaiting approval), 1,100+ livelihood projects at every step, and last year closed.

The consult step (ORDER 76) adds the street-wide participatory budget."""

import datetime
from decimal import Decimal

from jiceng.funds import selectors, services
from jiceng.funds.models import Budget, Expenditure, LivelihoodProject

ORDER = 75
TITLES = ["加装路灯", "修缮凉亭", "更新健身器材", "垃圾分类亭", "楼道加装扶手", "老旧管网改造", "停车位划线", "小区绿化补植",
          "无障碍坡道", "社区食堂餐桌", "儿童游乐设施", "雨污分流", "防盗门更换", "电动车充电桩", "便民休息座椅", "监控补盲",
          "屋面防水", "道路硬化", "公共晾衣架", "快递驿站遮阳棚"]
PURPOSES = ["办公用品", "党群活动", "志愿服务物资", "网格员培训", "场地水电", "便民服务", "节日慰问", "宣传资料印制",
            "小区环境整治", "应急物资储备"]
# Share of this year's projects at each step (the rest are "rated").
STEPS = [("proposed", 0.07), ("feasible", 0.05), ("infeasible", 0.02), ("chosen", 0.12), ("funded", 0.16),
         ("built", 0.16), ("accepted", 0.18)]


def _y(amount) -> Decimal:
    return Decimal(int(amount))


def build(ctx):
    rng = ctx.rng("funds")
    today = ctx.today
    this, last = today.year, today.year - 1
    types = {t.code: t for t in selectors.fund_types()}
    streets, communities, city = ctx.data["streets"], ctx.data["communities"], ctx.data["city"]
    demo_street = (ctx.data.get("demo_units") or {}).get("street")

    # Budgets: every unit meets the standards last year; this year two streets and five communities fall short,
    # all in one county (not the demo street's), which gets a reminder letter.
    counties = sorted({s.path.split("/")[2] for s in streets})
    short_county = next((c for c in counties if not demo_street or f"/{c}/" not in demo_street.path), counties[0])
    short_streets = [s for s in streets if f"/{short_county}/" in s.path][:2]
    short_communities = [c for c in communities if f"/{short_county}/" in c.path][:5]
    rows = []
    for year in (last, this):
        for s in streets:
            county = rng.randrange(550_000, 700_000, 10_000)
            city_part = rng.randrange(150_000, 300_000, 10_000)
            if year == this and s in short_streets:
                city_part = 0
                county = rng.randrange(560_000, 760_000, 10_000)
            else:
                city_part = max(city_part, 800_000 - county)
            rows += [{"unit": s, "year": year, "fund_type": types["street_running"], "source": "county",
                      "amount": _y(county)},
                     {"unit": s, "year": year, "fund_type": types["street_running"], "source": "city",
                      "amount": _y(city_part)}]
        for c in communities:
            work = rng.randrange(100_000, 130_000, 1_000)
            service = rng.randrange(100_000, 140_000, 1_000)
            if year == this and c in short_communities:
                work = rng.randrange(70_000, 99_000, 1_000)
            rows += [{"unit": c, "year": year, "fund_type": types["community_work"], "source": "county",
                      "amount": _y(work * 0.6)},
                     {"unit": c, "year": year, "fund_type": types["community_work"], "source": "street",
                      "amount": _y(work) - _y(work * 0.6)},
                     {"unit": c, "year": year, "fund_type": types["community_service"], "source": "city",
                      "amount": _y(service)}]
    services.budgets_bulk_set(actor=None, rows=rows, audit_unit=city)
    county_unit = next(s.parent for s in short_streets) if short_streets else None
    if county_unit is not None:
        services.reminder_letter_send(actor=None, county=county_unit, year=this,
                                      deadline=today + datetime.timedelta(days=30),
                                      body="请于期限内补足街道运转经费和社区工作经费。", today=today)

    budgets = {(b.unit_id, b.year, b.fund_type_id): b for b in Budget.objects.filter(year=this, source__in=(
        "city", "county"))}
    totals: dict = {}
    for r in rows:
        key = (r["unit"].pk, r["year"], r["fund_type"].pk)
        totals[key] = totals.get(key, Decimal("0")) + r["amount"]

    # Livelihood projects: this year's at every step, a few from last year, in communities.
    projects = []
    day_span = max(1, (today - datetime.date(this, 1, 1)).days)
    n_this = int(1_100 * ctx.scale) or 20
    tied: dict = {}
    for i in range(n_this + int(200 * ctx.scale)):
        year = this if i < n_this else last
        c = communities[rng.randrange(len(communities))]
        r = rng.random()
        status, acc = "rated", 0.0
        for name, share in STEPS:
            acc += share
            if r < acc:
                status = name
                break
        if year == last:
            status = rng.choice(["accepted", "rated"])
        cost = _y(rng.randrange(3_000, 15_000, 500))
        p = LivelihoodProject(unit=c, unit_path=c.path, year=year, title=rng.choice(TITLES), source=rng.choice(
            ["proposal", "community", "community"]), estimated_cost=cost, status=status)
        order = ["proposed", "feasible", "chosen", "funded", "built", "accepted", "rated"]
        reached = order.index(status) if status in order else 1
        if status == "infeasible":
            p.feasibility_note = "选址不具备条件"
        elif reached >= 1:
            p.feasibility_note = "经论证可行"
        base = datetime.date(year, 1, 1) if year == this else datetime.date(year, 3, 1)
        span = day_span if year == this else 240
        if reached >= 2:
            p.chosen_by = rng.choice(["joint_meeting", "vote"])
            p.chosen_on = base + datetime.timedelta(days=rng.randrange(0, max(1, span // 2)))
        if reached >= 3 and year == this:
            line = budgets.get((c.pk, this, types["community_service"].pk))
            if line is not None and tied.get(line.pk, Decimal("0")) + cost <= line.amount:
                p.budget, p.funded_amount = line, cost
                tied[line.pk] = tied.get(line.pk, Decimal("0")) + cost
            else:
                p.status, reached = "chosen", 2
        elif reached >= 3:
            p.funded_amount = cost
        if reached >= 4:
            p.built_on = min(today, p.chosen_on + datetime.timedelta(days=rng.randrange(20, 90)))
        if reached >= 5:
            p.accepted_on = min(today, p.built_on + datetime.timedelta(days=rng.randrange(3, 20)))
            p.acceptance_note = "验收合格"
        if reached >= 6:
            p.rating_count = rng.randrange(3, 40)
            p.rating_sum = sum(rng.choice([3, 4, 4, 5, 5]) for _ in range(p.rating_count))
        projects.append(p)
    services.livelihood_projects_bulk_create(rows=projects, audit_unit=city)

    # This year's spending: a dozen expenditures per unit within budget, a few communities beyond it.
    made = {p.pk: p for p in LivelihoodProject.objects.filter(year=this, status__in=("funded", "built", "accepted",
                                                                                    "rated")).only("pk", "unit_id")}
    by_unit: dict = {}
    for p in made.values():
        by_unit.setdefault(p.unit_id, []).append(p)
    spending = []
    for unit in list(streets) + list(communities):
        codes = ["street_running"] if unit.kind == "street" else ["community_work", "community_service"]
        for code in codes:
            ft = types[code]
            budget = totals.get((unit.pk, this, ft.pk), Decimal("0"))
            share = Decimal(str(rng.uniform(0.55, 0.92)))
            n = rng.randrange(4, 9)
            for k in range(n):
                amount = (budget * share / n).quantize(Decimal("1"))
                project = None
                if code == "community_service" and by_unit.get(unit.pk) and k < len(by_unit[unit.pk]):
                    project = by_unit[unit.pk][k]
                spending.append(Expenditure(
                    unit=unit, unit_path=unit.path, year=this, fund_type=ft, amount=amount,
                    spent_on=datetime.date(this, 1, 1) + datetime.timedelta(days=rng.randrange(day_span)),
                    purpose=rng.choice(PURPOSES) if project is None else "民生项目建设", project=project,
                    status="recorded"))
    for unit in communities[:6]:
        ft = types["community_work"]
        budget = totals.get((unit.pk, this, ft.pk), Decimal("0"))
        spent = sum((e.amount for e in spending if e.unit is unit and e.fund_type is ft), Decimal("0"))
        amount = (budget * Decimal("0.5")).quantize(Decimal("1"))
        spending.append(Expenditure(unit=unit, unit_path=unit.path, year=this, fund_type=ft, amount=amount,
                                    spent_on=today, purpose="应急物资储备（超预算）", status="pending",
                                    over_by=max(Decimal("0"), spent + amount - budget)))
    services.expenditures_bulk_record(rows=spending, audit_unit=city)
    services.year_close(actor=None, unit=city, year=last)
    ctx.data["funds"] = {"budgets": len(rows), "projects": len(projects), "spending": len(spending)}
    ctx.say(f"[demo] funds: {len(rows)} budget lines, {len(projects)} livelihood projects, "
            f"{len(spending)} expenditures")
