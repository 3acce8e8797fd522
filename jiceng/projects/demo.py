"""Demo step: the 2+1+N policy framework with county plans (some items uncovered), this year's key task
list with backward-scheduled milestones and monthly reports, 19/55/190 secretary-led projects, the
prompt-card rules and their cards, and last year's published year-end assessment."""

import datetime

from django.conf import settings
from django.utils import timezone, translation

from jiceng.projects import assessment as a_svc
from jiceng.projects import services, sweeps
from jiceng.projects.models import (
    Indicator,
    IndicatorEntry,
    KeyTask,
    Milestone,
    ProgressReport,
    Project,
    Rater,
    RubricCriterion,
    SecretaryReport,
)

ORDER = 65
COUNTS = {"county": 19, "street": 55, "community": 190}
PROJECTS = [
    ("老旧小区加装电梯", "老旧小区无电梯，老人上下楼难", "完成加装电梯并投入使用"),
    ("停车难综合治理", "小区停车位不足、乱停乱放", "新增停车位，规范停车秩序"),
    ("三无小区兜底管理", "无物业、无业委会、无主管单位", "全部落实托管或自治管理"),
    ("一刻钟便民生活圈", "居民日常服务网点不足", "补齐便民服务网点"),
    ("矛盾纠纷多元化解", "邻里纠纷反复发生", "建立调解队伍，小事不出小区"),
    ("社区食堂", "老年人就餐难", "建成社区食堂并运营"),
    ("背街小巷整治", "背街小巷环境脏乱差", "完成路面硬化和环境整治"),
    ("新就业群体关爱", "快递员外卖员缺少落脚点", "建成爱心驿站"),
    ("红色物业创建", "物业服务质量不高", "物业党组织覆盖，服务满意率提升"),
    ("智慧网格建设", "网格事件处置不及时", "网格事件线上流转，按期办结"),
]
MILESTONE_STEPS = ["调研摸底", "方案制定", "组织实施", "验收评估"]
TASKS = ["街道“五办一站两中心”标准化建设", "社区大党委兼职委员履职", "网格党组织全覆盖", "三无小区清零",
         "两新组织党建覆盖", "在职党员双报到", "党群服务阵地提档升级", "社区工作者队伍建设", "接诉即办满意率提升",
         "民生项目按期交付", "基层减负", "城市基层治理示范创建"]
POLICY = [("measure", "M1", "关于加强党建引领城市基层治理的若干措施"), ("measure", "M2", "关于深化街道管理体制改革的实施意见"),
          ("task_list", "T1", "党建引领城市基层治理重点任务清单"),
          ("system", "N1", "联席会议制度"), ("system", "N2", "书记领办项目制度"), ("system", "N3", "双报到双服务制度"),
          ("system", "N4", "网格化管理制度"), ("system", "N5", "社区工作者管理办法"), ("system", "N6", "督查考核办法")]


def _milestones(rng, today, start, deadline, steps):
    span = (deadline - start).days
    out = []
    for i, title in enumerate(steps):
        due = start + datetime.timedelta(days=round(span * (i + 1) / len(steps)))
        if due < today:
            progress = 100.0 if rng.random() < 0.85 else float(rng.choice([30, 50, 60, 80]))
        elif i == 0 or out[-1].progress >= 100:
            progress = float(rng.choice([0, 20, 40, 60]))
        else:
            progress = 0.0
        out.append(Milestone(title=title, due=due, weight=float(rng.choice([1, 1, 2])), progress=progress,
                             done_on=due if progress >= 100 else None))
    return out


def build(ctx):
    rng = ctx.rng("projects")
    today = ctx.today
    year = today.year
    d = ctx.data
    city, counties, streets, communities = d["city"], list(d["counties"]), list(d["streets"]), list(d["communities"])
    orgs = {o.unit_id: o for o in list(d["county_orgs"]) + list(d["street_orgs"]) + list(d["community_orgs"])}

    # F1: the 2+1+N framework and each county's plan.
    items = [services.policy_item_create(actor=None, unit=city, kind=k, code=c, title=t) for k, c, t in POLICY]
    for county in counties:
        chosen = [i for i in items if i.kind != "system" or rng.random() < 0.8]
        services.plan_set(actor=None, unit=county, year=year, title=f"{county.name}党建引领城市基层治理实施方案",
                          items=chosen)

    # F2: secretary-led projects, led by each unit's party secretary.
    def pick(units, n):
        chosen = rng.sample(units, min(n, len(units)))
        while len(chosen) < n:
            chosen.append(rng.choice(units))
        return sorted(chosen, key=lambda u: u.code)

    projects, milestones = [], {}
    for level, units in (("county", counties), ("street", streets), ("community", communities)):
        for unit in pick(units, COUNTS[level]):
            title, problem, goals = rng.choice(PROJECTS)
            org = orgs.get(unit.pk)
            secretary = getattr(org, "secretary", None)
            deadline = datetime.date(year, 12, rng.randint(10, 31))
            start = datetime.date(year, rng.randint(1, 3), 1)
            projects.append(Project(unit=unit, year=year, title=f"{unit.name}{title}", problem=problem, goals=goals,
                                    party_org=org, leader=secretary,
                                    leader_name=secretary.name if secretary else "书记",
                                    deadline=deadline, public=rng.random() < 0.3))
            milestones[len(projects) - 1] = _milestones(rng, today, start, deadline,
                                                        MILESTONE_STEPS[:rng.randint(3, 4)])
    services.projects_bulk_create(actor=None, projects=projects, milestones=milestones, note="demo city")

    # F3: the key task list, scheduled backwards, with monthly reports.
    tasks = []
    for i, title in enumerate(TASKS * 2):
        unit = counties[i % len(counties)] if i < len(counties) else rng.choice(streets)
        deadline = datetime.date(year, rng.choice([6, 9, 10, 11, 12]), 28)
        tasks.append(KeyTask(issuer=city, unit=unit, year=year, title=title, measures="对照清单，倒排工期，按月调度",
                             starts_on=datetime.date(year, 1, 1), deadline=deadline, published=True,
                             policy_item=items[2]))
    services.key_tasks_bulk_create(actor=None, tasks=tasks, note="demo city")
    rows = []
    for t in tasks:
        for m in _milestones(rng, today, t.starts_on, t.deadline, MILESTONE_STEPS[:3]):
            m.task = t
            rows.append(m)
    services.milestones_bulk_create(actor=None, milestones=rows, note="demo city")
    by_task: dict = {}
    for m in rows:
        by_task.setdefault(m.task_id, []).append(m)
    reports = []
    for t in tasks:
        ms = by_task[t.pk]
        t.progress = round(sum(m.weight * m.progress for m in ms) / sum(m.weight for m in ms), 2)
        t.done_on = t.deadline if t.progress >= 100 else None
        for month in range(1, min(today.month, t.deadline.month + 1)):
            reports.append(ProgressReport(task=t, month=datetime.date(year, month, 1),
                                          progress=round(t.progress * month / max(today.month - 1, 1), 1),
                                          note="按计划推进"))
    services.task_progress_set_bulk(actor=None, tasks=tasks, note="demo city")
    services.progress_reports_bulk(actor=None, reports=reports, note="demo city")
    services.prompt_rule_set(actor=None, unit=city, kind="milestone_missed", threshold=3)
    services.prompt_rule_set(actor=None, unit=city, kind="behind_schedule", threshold=25)
    swept = sweeps.sweep(timezone.make_aware(datetime.datetime.combine(today, datetime.time(8))))

    # F4: last year's assessment, computed and published (indicator and rubric titles in the UI language).
    with translation.override(settings.LANGUAGE_CODE):
        last = _last_year_assessment(ctx, rng, city, counties, streets, communities, year - 1)
    ctx.say(f"[demo] projects: {len(projects)} secretary-led, {len(tasks)} key tasks, {swept} prompt cards; "
            f"{last} assessment results for {year - 1} published")


def _last_year_assessment(ctx, rng, city, counties, streets, communities, year):
    users = ctx.data.get("demo_users", {})
    a = a_svc.assessment_create(actor=None, unit=city, year=year, title=f"{year}年度党建引领城市基层治理目标责任考核")
    levels = {"county": counties, "street": streets, "community": communities}
    for level in levels:
        a_svc.indicator_tree_set(actor=None, assessment=a, level=level, tree=a_svc.standard_tree(with_projects=False))
        a_svc.rubric_set(actor=None, assessment=a, level=level, criteria=a_svc.standard_rubric())
    raters_by_level = {"county": ["demo-admin"], "street": ["demo-admin", "demo-county"],
                       "community": ["demo-county", "demo-street"]}
    own = ctx.data.get("demo_units", {})
    raters = {}
    for level, names in raters_by_level.items():
        for name in names:
            if name in users:
                unit = own[{"demo-admin": "city", "demo-county": "county", "demo-street": "street"}[name]]
                raters.setdefault(level, []).append(
                    a_svc.rater_add(actor=None, assessment=a, level=level, user=users[name], own_unit=unit))
    reports = [SecretaryReport(unit=u, secretary_name="书记", text=f"{u.name}{year}年度抓基层党建工作述职报告")
               for units in levels.values() for u in units]
    a_svc.reports_bulk_submit(actor=None, assessment=a, reports=reports)
    criteria = {}
    for c in RubricCriterion.objects.filter(assessment=a):
        criteria.setdefault(c.level, []).append(c)
    rater_rows = {lv: list(Rater.objects.filter(assessment=a, level=lv).select_related("own_unit")) for lv in levels}
    scores = []
    for r in SecretaryReport.objects.filter(assessment=a).select_related("unit"):
        quality = rng.uniform(0.6, 1.0)
        for rater in rater_rows[r.unit.kind]:
            if rater.own_unit.path.startswith(r.unit_path):
                continue
            for c in criteria[r.unit.kind]:
                scores.append((r, rater, c, round(c.max_score * min(1.0, quality + rng.uniform(-0.05, 0.05)), 1)))
    a_svc.review_scores_bulk(actor=None, assessment=a, rows=scores)
    entries = []
    for ind in Indicator.objects.filter(assessment=a, source="", children__isnull=True).select_related("assessment"):
        for u in levels[ind.level]:
            entries.append(IndicatorEntry(indicator=ind, unit=u, value=round(rng.uniform(0.7, 1.0), 2),
                                          evidence="年度党建工作台账、考核组现场检查记录"))
    a_svc.indicator_entries_bulk(actor=None, entries=entries)
    n = a_svc.assessment_compute(actor=None, assessment=a)
    a_svc.assessment_publish(actor=None, assessment=a,
                             when=timezone.make_aware(datetime.datetime(year + 1, 1, 20, 10)))
    return n
