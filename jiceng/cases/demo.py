"""Demo step: a year of cases (100,000 × scale) flowing realistically through the levels, departments
for the whistle, a holiday calendar and the Open311 key `demo-open311-key` (made here only: outside
the demo, start-up refuses a database that holds it). Every write goes through the cases services: the
bulk ones (cases_bulk_create, case_steps_bulk_create, departments_bulk_create, holidays_bulk_create,
whistles_bulk_create: validated, one transaction and one audit event per batch, the rollup filled in
the same transaction) and, for the demo logins' own desk, the same services as real reports.

Publication: most residents agree that their report is published (85 % of phone and Open311 reports),
so the public list (Open311 without a key) shows the published share of those in publishable
categories, as a civic-report site would."""

import datetime
import math

from django.db import connection, transaction
from django.utils import timezone

from jiceng.cases.categories import seed_categories
from jiceng.cases.models import (
    CARD_KIND,
    LEVEL_UP,
    Case,
    Category,
    Department,
    Holiday,
    Rating,
    Status,
    Whistle,
)
from jiceng.cases.services import (
    CODE_ALPHABET,
    DEMO_OPEN311_KEY,
    Step,
    case_act,
    case_ids_by_code,
    case_steps_bulk_create,
    case_submit,
    cases_bulk_create,
    departments_bulk_create,
    holidays_bulk_create,
    open311_key_create,
    whistles_bulk_create,
)
from jiceng.cases.sweeps import sweep_breaches
from jiceng.core.models import SupervisionCard
from jiceng.orgs.models import Unit

ORDER = 40
PUBLISH_CONSENT = 0.85  # share of residents' reports (phone, Open311) whose reporter agrees to publication
CASES_PER_SCALE = 100_000
BATCH = 20_000
ESCALATE = {"grid": 0.22, "community": 0.12, "street": 0.05, "county": 0.15}
DEPARTMENTS = [("城市管理局", "urban"), ("住房和城乡建设局", "urban"), ("市场监督管理局", "governance"),
               ("公安分局", "governance"), ("生态环境分局", "emergency")]
HOLIDAYS_2026 = ["01-01", "01-02", "02-16", "02-17", "02-18", "02-19", "02-20", "04-06", "05-01", "05-04",
                 "05-05", "06-19", "09-25", "10-01", "10-02", "10-05", "10-06", "10-07"]
DESCRIPTIONS = {
    "E01": ["小区门口垃圾堆放", "道路上有积存渣土", "人行道不洁"], "E02": ["电线杆上贴满小广告", "违规户外广告牌"],
    "E03": ["夜间施工噪音扰民", "施工车辆遗撒"], "E04": ["早市占道经营", "楼道口乱堆杂物", "共享单车乱停放"],
    "E05": ["路面出现塌陷", "自来水管破裂漏水"], "E06": ["其他需要处理的问题"], "C01": ["井盖破损", "路灯不亮"],
    "C02": ["交通标志倒了", "护栏损坏"], "C03": ["垃圾箱破损", "公厕卫生差"], "C04": ["绿地被踩踏", "大风刮倒树木"],
    "C05": ["楼顶私搭乱建"], "C06": ["健身器材损坏"], "S01": ["邻里因漏水起纠纷", "家庭矛盾需调解", "拖欠工资"],
    "S02": ["独居老人需要帮扶", "申请养老服务", "开具居住证明"], "S03": ["楼道堆放杂物有消防隐患", "电动车在楼道充电",
                                                                   "老旧房屋墙体开裂"],
    "S04": ["物业不及时维修", "电梯经常停运", "小区停车难"],
}


LEVELS = ["grid", "community", "street", "county", "city"]
ACTORS = {"grid": "网格员", "community": "社区工作者", "street": "街道干部", "county": "区县干部", "city": "市级平台"}
RECEIVERS = {"phone": "居民", "patrol": "网格员", "hotline": "12345热线", "api": "API", "open311": "Open311"}
REASONS = {"grid": "网格处置不了，需社区协调", "community": "涉及多个单位，需街道统筹", "street": "需区县职能部门处置",
           "county": "跨区县事项，需市级协调"}


# Communities' case work: quality tiers (about grade A, B, C, D of the unit score) and how many are in each.
QUALITY_TIERS = [1.0, 0.78, 0.6, 0.45]
QUALITY_WEIGHTS = [22, 55, 18, 5]

def timeline(case, chain: dict, default_level: str, rng, now) -> list[Step]:
    """The case's timeline as it would have been written by the services, consistent with its final
    fields. Sets responded_at to the time of the "register" step."""
    levels = LEVELS[LEVELS.index(default_level):LEVELS.index(case.level) + 1] if case.level in LEVELS else []
    paths = [case.unit_path if lv == "grid" else chain.get(lv, (None, case.handler_path))[1] for lv in levels]
    paths = paths or [case.handler_path]
    status = case.status
    end = case.closed_at or (min(now, case.received_at + datetime.timedelta(hours=rng.uniform(1, 48)))
                             if status in (Status.REJECTED, Status.VOIDED, Status.SUSPENDED) else now)
    span = end - case.received_at
    steps = [("receive", "", Status.RECEIVED, paths[0], "", True, RECEIVERS.get(case.source, "居民"))]
    if status != Status.RECEIVED:
        steps.append(("register", Status.RECEIVED, Status.REGISTERED, paths[0], "", True, ACTORS[levels[0]]
                      if levels else "社区工作者"))
    for below, path in zip(levels, paths[1:], strict=False):
        steps.append(("escalate", Status.REGISTERED, Status.REGISTERED, path, REASONS[below], True, ACTORS[below]))
    here, who = paths[-1], ACTORS.get(case.level, "社区工作者")
    flow = {Status.DISPATCHED: ["dispatch"], Status.IN_PROGRESS: ["dispatch", "start"],
            Status.HANDLED: ["dispatch", "start", "handle"],
            Status.CLOSED: ["dispatch", "start", "handle", "verify", "close"]}.get(status, [])
    after = {"dispatch": Status.DISPATCHED, "start": Status.IN_PROGRESS, "handle": Status.HANDLED,
             "verify": Status.VERIFIED, "close": Status.CLOSED}
    prev = Status.REGISTERED
    for action in flow:
        comment = "已按要求处置完毕，现场已恢复" if action == "handle" else "核查属实，处置到位" if action == "verify" else ""
        steps.append((action, prev, after[action], here, comment, True, who))
        prev = after[action]
    if status == Status.REJECTED:
        steps.append(("reject", Status.REGISTERED, Status.REJECTED, here, "不属于受理范围，已告知上报人", True, who))
    elif status in (Status.VOIDED, Status.SUSPENDED):
        kind = "void" if status == Status.VOIDED else "suspend"
        steps.append((f"request_{kind}", Status.REGISTERED, Status.REGISTERED, here,
                      "重复上报" if kind == "void" else "需等待专项资金，暂时挂账", False, who))
        steps.append(("approve", Status.REGISTERED, status, here, "", False, "上级审批"))
    # times: increasing; a closed case is handled at handled_at, verified in between, closed at closed_at
    if status == Status.CLOSED:
        k = [step[0] for step in steps].index("handle")
        inner = sorted(rng.uniform(0.02, 0.95) for _ in range(k - 1))
        worked = case.handled_at - case.received_at
        times = ([case.received_at] + [case.received_at + worked * f for f in inner]
                 + [case.handled_at, case.handled_at + (case.closed_at - case.handled_at) * rng.uniform(0.2, 0.8),
                    case.closed_at])
    else:
        fractions = sorted(rng.uniform(0.02, 0.9) for _ in steps[1:])
        times = [case.received_at] + [case.received_at + span * f for f in fractions]
    rows = []
    for (action, before, to, path, comment, public, actor), at in zip(steps, times, strict=True):
        if action == "register":
            case.responded_at = at
        rows.append(Step(at, actor, action, before, to, path, comment, public))
    if case.rating and case.rated_at:
        rows.append(Step(case.rated_at, "上报人", "rate", Status.CLOSED, Status.CLOSED, here,
                     {Rating.SATISFIED: "满意", Rating.BASIC: "基本满意", Rating.NOT: "不满意"}[case.rating], True))
    rows.sort(key=lambda r: r[0])
    return rows


def _code(rng, seen):
    while True:
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(10))
        if code not in seen:
            seen.add(code)
            return code


def build(ctx):
    """The cases step, in order: the calendar and the Open311 key, the departments, a year of cases with
    their timelines, the whistles, the demo logins' desk, and the deadline sweep."""
    _sqlite_cache()
    seed_categories(Category)
    _calendar_and_key(ctx)
    grids = list(Unit.objects.filter(kind="grid").exclude(lat=None).values_list("id", "path", "lat", "lng"))
    if not grids:
        ctx.say("[demo] cases: no grids with geometry, nothing to do")
        return
    departments = _departments()
    now = timezone.now().replace(microsecond=0)
    rng = ctx.rng("cases")  # one stream through cases and whistles: the same seed, the same city
    made, events, street_cases = _cases(ctx, rng, grids, now)
    whistles = _whistles(rng, street_cases[:20000], departments, now)
    _demo_desk(ctx, now)
    cards = _sweep()
    ctx.data["cases"] = {"count": made, "events": events + whistles, "cards": cards, "whistles": whistles}
    ctx.say(f"[demo] cases: {made} cases, {events + whistles} timeline steps, {cards} supervision cards, "
            f"{whistles} whistles ({math.ceil(made / max(1, len(grids)))} per grid)")


def _sqlite_cache():
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # index pages of 100,000 rows stay in memory (this connection)
            cursor.execute("PRAGMA cache_size = -262144")


def _calendar_and_key(ctx):
    """This year's public holidays, and the demo Open311 key of the city."""
    city = Unit.objects.filter(kind="city").order_by("path").first()
    if city is not None:
        open311_key_create(actor=None, name="demo", unit=city, key=DEMO_OPEN311_KEY)
    holidays_bulk_create(actor=None, days=[Holiday(date=datetime.date.fromisoformat(f"{ctx.today.year}-{d}"),
                                                   workday=False) for d in HOLIDAYS_2026], note="demo calendar")


def _departments() -> dict[str, list[int]]:
    """The functional departments of every county (once); {county path: [department ids]}."""
    if not Department.objects.exists():
        departments_bulk_create(actor=None, departments=[
            Department(name=f"{c.name}{n}", unit=c, business_line=line)
            for c in Unit.objects.filter(kind="county").order_by("pk") for n, line in DEPARTMENTS],
            note="demo departments")
    by_county: dict[str, list[int]] = {}
    for pk, path in Department.objects.order_by("pk").values_list("pk", "unit_path"):
        by_county.setdefault(path, []).append(pk)
    return by_county


def _chains(grids) -> dict[str, dict]:
    """{grid path: {level: (unit id, path)}} of the units above each grid."""
    upper = {u[1]: (u[0], u[2]) for u in Unit.objects.filter(kind__in=["community", "street", "county", "city"])
             .values_list("id", "path", "kind")}

    def ancestors(path):
        parts = [p for p in path.split("/") if p]
        out = {}
        for i in range(1, len(parts)):
            p = "/" + "/".join(parts[:i]) + "/"
            if p in upper:
                out[upper[p][1]] = (upper[p][0], p)
        return out

    return {g[1]: ancestors(g[1]) for g in grids}


def _cases(ctx, rng, grids, now) -> tuple[int, int, list[Case]]:
    """A year of cases (CASES_PER_SCALE × scale) in batches, each batch and its timelines through the
    bulk services in one transaction. Returns (cases, timeline steps, some street- and county-level
    cases for the whistles)."""
    consent = ctx.rng("cases.publish")  # its own stream: the city's cases stay those of the seed
    chains = _chains(grids)
    # How well each community works its cases, so that grades spread as a real city's do (mostly B and A,
    # some C, a few D) instead of every unit scoring A: one draw per community, its own stream.
    tiers = ctx.rng("cases.quality")
    quality = {}
    for _gid, gpath, _lat, _lng in grids:
        key = chains[gpath].get("community", (None, gpath))[1]
        if key not in quality:
            quality[key] = min(1.0, tiers.choices(QUALITY_TIERS, QUALITY_WEIGHTS)[0] + tiers.uniform(-0.04, 0.04))
    leaves = list(Category.objects.filter(parent__isnull=False).select_related("parent"))
    weights = [6 if c.default_level == "grid" else 3 if c.default_level == "community" else 1 for c in leaves]
    total = int(CASES_PER_SCALE * ctx.scale)
    start = now - datetime.timedelta(days=365)
    seen = set(Case.objects.values_list("code", flat=True))
    bar = ctx.progress(total, "cases")
    made = events = 0
    street_cases = []
    while made < total:
        batch, timelines = [], []
        for _ in range(min(BATCH, total - made)):
            gid, gpath, glat, glng = grids[rng.randrange(len(grids))]
            cat = rng.choices(leaves, weights)[0]
            q = quality[chains[gpath].get("community", (None, gpath))[1]]
            case = _new_case(rng, consent, (gid, gpath, glat, glng), chains[gpath], cat, seen, start, now, q)
            if case.level in ("street", "county") and rng.random() < 0.3:
                street_cases.append(case)
            default = cat.default_level if cat.default_level in chains[gpath] or cat.default_level == "grid" else "grid"
            timelines.append((case, timeline(case, chains[gpath], default, rng, now)))
            batch.append(case)
        with transaction.atomic():
            cases_bulk_create(cases=batch, events=False, note="demo city")
            ids = case_ids_by_code([c.code for c in batch])
            for c in batch:
                c.pk = c.id = ids[c.code]
            events += case_steps_bulk_create(actor=None, timelines=timelines, note="demo city", now=now)
        made += len(batch)
        bar.update(len(batch))
    bar.close()
    return made, events, street_cases


def _new_case(rng, consent, grid, chain, cat, seen, start, now, quality: float = 1.0) -> Case:
    """One case of the year: where, what, when, at which level it ended up, and its outcome so far
    (`quality` 0.5–1: how well the community works its cases)."""
    gid, gpath, glat, glng = grid
    # More cases in summer, fewer at the Spring Festival; uniform enough for measures.
    received = start + datetime.timedelta(seconds=rng.random() * 365 * 86400)
    level = cat.default_level
    while level in ESCALATE and rng.random() < ESCALATE[level] and LEVEL_UP[level] in chain:
        level = LEVEL_UP[level]
    hid, hpath = (gid, gpath) if level == "grid" else chain.get(level, (gid, gpath))
    level = level if hpath != gpath else "grid"
    deadline = received + datetime.timedelta(hours=cat.deadline_hours * (1.4 if cat.deadline_kind == "working"
                                                                         else 1))
    responded = rng.random() < 0.80 + 0.17 * quality
    case = Case(code=_code(rng, seen), category=cat, source=rng.choices(
        ["phone", "patrol", "hotline", "api", "open311"], [30, 45, 20, 3, 2])[0],
        description=rng.choice(DESCRIPTIONS[cat.parent.code]), lat=glat + rng.uniform(-0.0008, 0.0008),
        lng=glng + rng.uniform(-0.0008, 0.0008), grid_id=gid, unit_path=gpath, handler_id=hid,
        handler_path=hpath, level=level, anonymous=rng.random() < 0.3, received_at=received,
        responded_at=received + datetime.timedelta(minutes=rng.randint(5, 90 if responded else 3000)),
        responded_on_time=responded, deadline_at=deadline,
        warn_at=received + (deadline - received) * 0.75,
        escalations=max(0, LEVELS.index(level) - LEVELS.index(cat.default_level)))
    case.publish_consent = case.source in ("phone", "open311") and consent.random() < PUBLISH_CONSENT
    _outcome(rng, case, cat, now, quality)
    return case


def _outcome(rng, case, cat, now, quality: float = 1.0):
    """Where the case stands now: old cases are mostly closed (some late, most rated), recent ones open."""
    received, deadline = case.received_at, case.deadline_at
    age_h = (now - received).total_seconds() / 3600
    r = rng.random()
    if age_h > 24 * 10 or (age_h > cat.deadline_hours * 1.5 and r < 0.9):
        if r < 0.03:
            case.status = Status.REJECTED
        elif r < 0.04:
            case.status = Status.VOIDED
        elif r < 0.05:
            case.status = Status.SUSPENDED
        elif rng.random() < 0.4 * (1 - quality):  # a weaker community leaves more old cases open
            case.status = Status.IN_PROGRESS
            case.overdue = case.warned = now > deadline
        else:
            case.status = Status.CLOSED
            late = rng.random() < 0.1 + 0.3 * (1 - quality)
            case.closed_at = min(now, deadline + datetime.timedelta(hours=rng.uniform(1, 48)) if late else
                                 received + (deadline - received) * rng.uniform(0.2, 0.98))
            case.handled_at = max(received + (case.closed_at - received) * 0.5,
                                  case.closed_at - datetime.timedelta(minutes=rng.randint(10, 300)))
            case.overdue = late
            case.closed_on_time = not late
            case.reworks = 1 if rng.random() < 0.05 else 0
            case.settled_level = case.level
            case.warned = late or rng.random() < 0.2
            if rng.random() < 0.7:
                case.rating = rng.choices([Rating.SATISFIED, Rating.BASIC, Rating.NOT],
                                          [82 * quality ** 2, 14, 4 + 30 * (1 - quality)])[0]
                case.rated_at = min(now, case.closed_at + datetime.timedelta(hours=rng.uniform(1, 48)))
                case.reopened = case.rating == Rating.NOT and rng.random() < 0.5
    else:
        case.status = rng.choice([Status.RECEIVED, Status.REGISTERED, Status.DISPATCHED, Status.IN_PROGRESS,
                                  Status.HANDLED])
        if case.status == Status.RECEIVED and case.escalations:  # escalated cases were registered first
            case.status = Status.REGISTERED
        if case.status == Status.RECEIVED:
            case.responded_at, case.responded_on_time = None, False
        if deadline < now or case.warn_at < now:  # past the deadline: the sweep at the end of the step finds it
            case.warned = True


def _whistles(rng, street_cases, departments, now) -> int:
    """Whistles on street- and county-level cases (two hours after receipt, or now for the newest), most
    departments reporting in, through the bulk service (with their timeline steps). Returns the count."""
    whistles = []
    for c in street_cases:
        options = departments.get("/".join(c.unit_path.split("/")[:3]) + "/")
        if not options:
            continue
        called = min(now, c.received_at + datetime.timedelta(hours=2))
        reported = rng.random() < 0.9
        w = Whistle(case=c, department_id=rng.choice(options), called_at=called,
                    report_in_by=called + datetime.timedelta(hours=24),
                    reported_in_at=called + datetime.timedelta(hours=rng.uniform(1, 30)) if reported else None,
                    part="联合处置" if reported else "", score=rng.randint(3, 5) if reported else None)
        if w.reported_in_at is not None and w.reported_in_at > now:  # not yet: the department is still due
            w.reported_in_at, w.part, w.score = None, "", None
        whistles.append(w)
    return len(whistles_bulk_create(actor=None, whistles=whistles, comment="街道吹哨，职能部门报到",
                                    label=ACTORS["street"], note="demo city", now=now))


def _sweep() -> int:
    """The deadline sweep itself raises the supervision cards of the open overdue cases and reports them
    up, as it does every minute in production. Returns the cases' cards."""
    while sweep_breaches(timezone.now()):
        pass
    return SupervisionCard.objects.filter(kind=CARD_KIND).count()


# The demo logins' own Monday morning: fresh work in the demo grid and its community, made through the
# same services as real reports (timeline, audit, notifications, rollup), so that the grid worker's
# queue and the community desk are not empty. (category, source, hours ago, steps taken since, comment)
DESK = [
    ("E0101", "phone", 0.7, [], "小区东门垃圾桶满溢，垃圾堆在路边"),
    ("E0403", "patrol", 2, ["register", "dispatch"], "单元门口共享单车堵住消防通道"),
    ("S0302", "hotline", 20, ["register", "dispatch", "start"], "3号楼楼道里有人给电动车充电"),
    ("S0101", "phone", 50, ["register", "dispatch", "start"], "楼上漏水到楼下，两家协商不成"),
    ("E0402", "patrol", 30, ["register"], "楼后空地堆放建筑材料"),  # past its 24 h: the sweep reports it up
    ("C0301", "phone", 26, ["register", "dispatch", "start", "handle"], "垃圾箱盖子坏了"),  # for the community
    ("S0403", "hotline", 5, ["register", "escalate"], "小区停车位被长期占用，网格协调不了"),
]


def _demo_desk(ctx, now):
    units, users = ctx.data.get("demo_units") or {}, ctx.data.get("demo_users") or {}
    grid, worker = units.get("grid"), users.get("demo-grid")
    if grid is None or worker is None or grid.lat is None:
        return
    grid.refresh_from_db()
    for code, source, hours_ago, steps, text in DESK:
        at = now - datetime.timedelta(hours=hours_ago)
        case, _ = case_submit(actor=worker if source in ("patrol", "hotline") else None,
                              category=Category.objects.get(code=code), description=text, source=source,
                              lat=grid.lat, lng=grid.lng, reporter_phone="13900001234" if source == "phone" else "",
                              publish=source == "phone", now=at)
        for n, action in enumerate(steps, start=1):
            comment = {"handle": "已更换新垃圾箱盖", "escalate": "涉及多个楼栋，需社区协调物业"}.get(action, "")
            case = case_act(actor=worker, case=case, action=action, version=case.version, comment=comment,
                            now=at + datetime.timedelta(minutes=20 * n))
