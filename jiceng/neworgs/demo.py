"""Demo step: a few thousand "two new" organizations across the city's grids with realistic coverage — most
with three or more party members have their own or a joint branch, some do not yet (the gap list), small ones
are covered by the grid's branch or an instructor or liaison, and some are not covered at all. A courier
station with 4 party members and no branch sits in the first community's first grid (the Done-when journey)."""

from jiceng.core import codes
from jiceng.demo.names import person_name
from jiceng.neworgs.services import neworgs_bulk_create
from jiceng.orgs.models import GRID_PARTY_ORG_KINDS, PartyOrg, Unit

ORDER = 35
PER_SCALE = 3200
KINDS = [("small_micro", 34, "{s}{t}有限公司", (5, 60)), ("individual", 30, "{s}{t}店", (1, 8)),
         ("commercial_building", 4, "{s}商务大厦", (80, 900)), ("business_district", 3, "{s}商圈", (150, 2000)),
         ("courier_station", 14, "{b}{s}站", (4, 40)), ("enterprise_outlet", 10, "{b}{s}营业网点", (6, 50)),
         ("social_org", 5, "{s}{t}服务中心", (3, 30))]
TRADES = ["餐饮", "便利", "家政", "维修", "文印", "美发", "药品", "建材", "物业", "广告", "电子", "培训"]
BRANDS = ["中通快递", "圆通速递", "顺丰速运", "韵达快递", "京东物流", "邮政EMS", "中国移动", "中国联通", "晋商银行",
          "国家电网"]
DIVISION = "141002"


def _members(rng, employees: int) -> int:
    """Party members among the employees: most small places have none or one, a share have three or more."""
    r = rng.random()
    if r < 0.45:
        n = 0
    elif r < 0.70:
        n = 1
    elif r < 0.80:
        n = 2
    else:
        n = rng.randint(3, max(3, employees // 5 + 3))
    return min(n, employees)


def _coverage(rng, members: int, has_grid_branch: bool) -> tuple[str, str, str]:
    """(org coverage, work coverage): about 82 % of those that should build have built."""
    if members >= 3:
        r = rng.random()
        org = "own" if r < 0.55 else "joint" if r < 0.82 else ("grid" if has_grid_branch and r < 0.9 else "none")
    else:
        r = rng.random()
        org = "joint" if r < 0.15 else "grid" if has_grid_branch and r < 0.55 else "none"
    work = rng.choices(["instructor", "liaison", "none"], [35, 20, 45])[0]
    if org == "none" and members < 3 and rng.random() < 0.5:
        work = rng.choice(["instructor", "liaison"])
    return org, work


def build(ctx):
    rng = ctx.rng("neworgs")
    grids = list(Unit.objects.filter(kind="grid").order_by("code").only("id", "code", "name", "path", "lat", "lng"))
    if not grids:
        return
    branches = set()
    for path in PartyOrg.objects.filter(kind__in=GRID_PARTY_ORG_KINDS).values_list("unit_path", flat=True):
        branches.add("/".join(path.split("/")[:6]) + "/")
    total = max(60, int(PER_SCALE * ctx.scale))
    rows, serial = [], 0

    def code(kind="small_micro"):
        nonlocal serial
        serial += 1
        prefix = {"individual": "92", "social_org": "52"}.get(kind, "91")
        return codes.make(prefix, DIVISION, f"MA{serial:06X}")

    first = grids[0]
    rows.append({"grid": first, "lat": first.lat, "lng": first.lng, "kind": "courier_station",
                 "name": "中通快递五一路站", "credit_code": code(), "address": f"{first.name}五一路18号",
                 "employees": 9, "party_members": 4, "org_coverage": "none", "work_coverage": "none"})
    weights = [k[1] for k in KINDS]
    for i in range(total - 1):
        grid = grids[rng.randrange(len(grids))] if i % 3 else grids[i // 3 % len(grids)]
        kind, _w, pattern, (lo, hi) = rng.choices(KINDS, weights)[0]
        employees = rng.randint(lo, hi)
        members = _members(rng, employees)
        org, work = _coverage(rng, members, grid.path in branches)
        street = grid.name.replace("网格", "")
        name = pattern.format(s=street, t=rng.choice(TRADES), b=rng.choice(BRANDS))
        row = {"grid": grid, "lat": (grid.lat or 0) + rng.uniform(-0.0004, 0.0004) if grid.lat else None,
               "lng": (grid.lng or 0) + rng.uniform(-0.0004, 0.0004) if grid.lng else None,
               "kind": kind, "name": name[:120], "credit_code": code(kind), "address": f"{street}{rng.randint(1, 199)}号",
               "employees": employees, "party_members": members, "org_coverage": org, "work_coverage": work}
        if org == "own":
            row["branch_name"] = f"{name[:100]}党支部"
        elif org == "joint":
            row["branch_name"] = f"{street}{'快递物流' if kind == 'courier_station' else '非公企业'}联合党支部"[:120]
        if org in ("own", "joint"):
            row["branch_since"] = ctx.today.replace(year=ctx.today.year - rng.randint(0, 6), day=1)
        if work != "none":
            row["work_contact"] = person_name(rng)
        rows.append(row)
    created = neworgs_bulk_create(actor=None, rows=rows, note="demo city")
    gaps = sum(1 for o in created if o.gap)
    ctx.data["neworgs_first_station"] = created[0].pk
    ctx.say(f"[demo] neworgs: {len(created):,} new organizations, {gaps:,} on the gap list")
