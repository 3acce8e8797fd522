"""Demo step of consult (called by demo.build): "one core, many parties" and a year of deliberation.

Owners' committees in most compounds (chaired by a party member where one lives there), property
companies registered by each street serving several of its compounds with a project manager each,
instructors sent by the communities, this year's report-ins (some missing, so the community lists them),
and in the demo community a big-committee cross-appointment, a volunteer team and a year of deliberation:
matters from joint meeting resolutions decided by consensus or vote, plus disputes from open cases reported
up, left open for the desk (one overdue)."""

import datetime

from jiceng.consult import deliberation, stakeholders
from jiceng.consult.models.stakeholders import (
    Instructor,
    OwnersCommittee,
    PropertyCompany,
    PropertyService,
    ReportIn,
)
from jiceng.core import codes
from jiceng.core.scope import subtree_q
from jiceng.orgs.models import Unit
from jiceng.people.models import PartyMembership, Person

COMMITTEE_SHARE = 0.8  # compounds with an owners' committee
COMPOUNDS_PER_COMPANY = 4
COMPANY_NAMES = ["康居", "恒安", "金鼎", "华宇", "润泽", "和顺", "鸿运", "嘉禾", "安泰", "祥和", "锦绣", "瑞丰"]


def _credit_code(n: int) -> str:
    return codes.make("91", "141002", f"MB{n:06X}")


def build(ctx):
    rng = ctx.rng("consult_onecore")
    today = ctx.today
    compounds = list(Unit.objects.filter(kind="compound").order_by("code"))
    residents: dict = {}
    for pid, path in Person.objects.filter(unit_path__contains="/").values_list("id", "unit_path").iterator():
        parts = path.strip("/").split("/")
        if len(parts) >= 6:
            key = "/" + "/".join(parts[:6]) + "/"
            if len(residents.setdefault(key, [])) < 12:
                residents[key].append(pid)
    members = set(PartyMembership.objects.values_list("person_id", flat=True))
    people = Person.objects.in_bulk([p for ps in residents.values() for p in ps])
    by_community_org: dict = {}
    for pid, org_path in PartyMembership.objects.filter(org__kind="community_committee").values_list(
            "person_id", "org__unit_path")[:20000]:
        by_community_org.setdefault(org_path, []).append(pid)
    cadres = Person.objects.in_bulk([p for ps in by_community_org.values() for p in ps[:3]])
    term = (datetime.date(today.year - 1, 6, 1), datetime.date(today.year + 4, 5, 31))
    committees, companies, services, instructors, report_ins = [], [], [], [], []
    street_companies: dict = {}
    has_committee = set(OwnersCommittee.objects.filter(active=True).values_list("compound_id", flat=True))
    has_service = set(PropertyService.objects.filter(active=True).values_list("compound_id", flat=True))
    unit_pk = dict(Unit.objects.filter(kind__in=("street", "community")).values_list("path", "pk"))
    for compound in compounds:
        pids = residents.get(compound.path, [])
        if len(pids) >= 3 and compound.pk not in has_committee and rng.random() < COMMITTEE_SHARE:
            chosen = rng.sample(pids, min(5, len(pids)))
            chair = next((p for p in chosen if p in members), chosen[0])
            committees.append((OwnersCommittee(compound=compound, name=f"{compound.name}业主委员会",
                                               elected_on=term[0] - datetime.timedelta(days=20), term_start=term[0],
                                               term_end=term[1]),
                               [(people[p], "chair" if p == chair else "member") for p in chosen]))
        if not pids or compound.pk in has_service:
            continue
        street_path = "/" + "/".join(compound.path.strip("/").split("/")[:3]) + "/"
        pool = street_companies.setdefault(street_path, [])
        if not pool or len(pool[-1][1]) >= COMPOUNDS_PER_COMPANY:
            company = PropertyCompany(unit_id=unit_pk[street_path], unit_path=street_path, licence_code=_credit_code(len(companies) + 1),
                                      name=f"{COMPANY_NAMES[len(companies) % len(COMPANY_NAMES)]}物业服务有限公司"
                                           f"（{len(companies) + 1}）")
            companies.append(company)
            pool.append((company, []))
        company, served = pool[-1]
        served.append(compound)
        service = PropertyService(company=company, compound=compound, manager=people[rng.choice(pids)],
                                  started_on=term[0] - datetime.timedelta(days=rng.randint(30, 900)))
        services.append(service)
        if rng.random() < 0.75:
            report_ins.append(ReportIn(service=service, year=today.year, to="community",
                                       reported_on=datetime.date(today.year, 1, 1) + datetime.timedelta(
                                           days=rng.randint(0, 80))))
            report_ins.append(ReportIn(service=service, year=today.year, to="grid",
                                       reported_on=datetime.date(today.year, 1, 1) + datetime.timedelta(
                                           days=rng.randint(0, 80))))
        community_path = "/" + "/".join(compound.path.strip("/").split("/")[:4]) + "/"
        cadre_ids = by_community_org.get(community_path, [])[:3]
        if cadre_ids and len(served) == 1 and rng.random() < 0.7:
            instructors.append(Instructor(person=cadres[rng.choice(cadre_ids)], company=company,
                                          unit=Unit(pk=unit_pk[community_path], path=community_path), term_start=term[0],
                                          term_end=term[1]))
    made = stakeholders.onecore_bulk_create(actor=None, companies=companies, committees=committees,
                                            services=services, instructors=instructors, report_ins=report_ins,
                                            note="demo city")
    _demo_community(ctx, rng)
    ctx.say(f"[demo] consult: {made['committees']:,} owners' committees, {made['companies']:,} property companies "
            f"serving {made['services']:,} compounds, {made['instructors']:,} instructors")
    return made


def _model_compound(community, today, grid=None):
    """The demo community's model compound: the first of its compounds (in the demo grid if it can) with an
    owners' committee, a property company and a party member living there, made complete through the services (a party member chairs the
    re-elected committee and sits on the big party committee, the community sends an instructor to the
    company, the project manager has reported in this year, a volunteer team serves it)."""
    term = (today - datetime.timedelta(days=100), today + datetime.timedelta(days=1000))
    candidates = []
    for compound in Unit.objects.filter(subtree_q(community.path, "path"), kind="compound").order_by("code"):
        oc = OwnersCommittee.objects.filter(compound=compound, active=True).first()
        service = PropertyService.objects.filter(compound=compound, active=True).select_related("company").first()
        if oc and service:
            member = (PartyMembership.objects.filter(person__unit_path__startswith=compound.path)
                      .select_related("person").order_by("id").first())
            outside = grid is not None and not compound.path.startswith(grid.path)
            candidates.append(((outside, member is None), compound, oc, service, member))
            if member is not None and not outside:
                break
    if not candidates:
        return None, None, None
    _none, compound, oc, service, member = min(candidates, key=lambda c: c[0])
    if member is None:  # a small demo city: the chair joins the branch that covers the compound
        from jiceng.people.services import party_membership_set

        branch = stakeholders.compound_branch(compound)
        if branch is None:
            return None, None, None
        chair = oc.members.select_related("person").order_by("id").first().person
        party_membership_set(actor=None, person=chair, org=branch)
        member = PartyMembership.objects.select_related("person").get(person=chair)
    seated = [m.person for m in oc.members.select_related("person").order_by("id") if m.person_id != member.person_id]
    oc = stakeholders.owners_committee_create(
        actor=None, compound=compound, name=oc.name, elected_on=term[0], term_start=term[0], term_end=term[1],
        members=[(member.person, "chair")] + [(p, "member") for p in seated[:4]])
    if stakeholders._big_committee_of(community.path, today) is not None:
        stakeholders.cross_appointment_create(actor=None, kind="big_committee", compound=compound,
                                              person=member.person, term_start=term[0], term_end=term[1],
                                              position="兼职委员", today=today)
    cadre = (PartyMembership.objects.filter(org__unit_path__startswith=community.path).exclude(person=member.person)
             .select_related("person").order_by("-org__unit_path", "id").first())
    if cadre and not Instructor.objects.filter(company=service.company, term_end__gte=today).exists():
        stakeholders.instructor_assign(actor=None, community=community, person=cadre.person, company=service.company,
                                       term_start=term[0], term_end=term[1])
    done = set(ReportIn.objects.filter(service=service, year=today.year).values_list("to", flat=True))
    for to in ("community", "grid"):
        if to not in done:
            stakeholders.report_in_record(actor=None, service=service, to=to,
                                          reported_on=max(datetime.date(today.year, 1, 15), term[0]), today=today)
    stakeholders.volunteer_team_create(actor=None, unit=compound, name=f"{compound.name}红色志愿服务队",
                                       members=[m.person for m in oc.members.select_related("person").order_by("id")[:4]])
    return compound, oc, service


def _demo_community(ctx, rng):
    """The demo community: a complete one core in its model compound and a year of deliberation."""
    from jiceng.cases.models import Case
    from jiceng.meetings.models import Resolution

    community = (ctx.data.get("demo_units") or {}).get("community")
    if community is None:
        return
    today = ctx.today
    compound, oc, service = _model_compound(community, today, (ctx.data.get("demo_units") or {}).get("grid"))
    parties = []
    if oc:
        parties.append({"kind": "owners_committee", "owners_committee": oc})
    if service:
        parties.append({"kind": "property_company", "property_company": service.company})
    parties.append({"kind": "residents", "name": "居民代表"})
    # A year of matters from the community's joint meeting resolutions.
    for res in Resolution.objects.filter(unit_path=community.path).order_by("id")[:8]:
        opened = min(res.meeting.held_on + datetime.timedelta(days=3), today)
        m = deliberation.matter_open(actor=None, unit=community, kind="resolution", resolution=res,
                                     title=res.text[:60], decide_by=opened + datetime.timedelta(days=30),
                                     parties=parties, today=opened)
        held = min(opened + datetime.timedelta(days=rng.randint(3, 20)), today)
        session = deliberation.session_record(
            actor=None, matter=m, held_on=held, minutes="各方就落实决议协商，形成一致意见。", today=today,
            attendance=[{"party": p, "name": p.name[:20] + "代表"} for p in m.parties.all()])
        vote = rng.random() < 0.4
        deliberation.matter_decide(actor=None, matter=m, session=session, method="vote" if vote else "consensus",
                                   votes=(3, 0, 0) if vote else None, text="按决议分工落实，物业牵头、业委会监督。",
                                   public=rng.random() < 0.7, today=held,
                                   actions=[{"title": "落实决议事项", "owner_name": "物业项目负责人",
                                             "deadline": held + datetime.timedelta(days=30)}])
    # Disputes from open cases reported up to the community, left open for the desk (the first one overdue).
    cases = list(Case.objects.filter(handler=community, status__in=["registered", "dispatched", "in_progress"])
                 .order_by("id")[:3])
    for i, case in enumerate(cases):
        opened = today - datetime.timedelta(days=20 if i == 0 else 2)
        deliberation.matter_open(actor=None, unit=community, kind="case", case=case, title=f"案件{case.code}纠纷协商",
                                 decide_by=opened + datetime.timedelta(days=10), parties=parties, today=opened)
    # Neighbours' disputes in the model compound, reported up by its grid worker to the community, waiting
    # on the community desk for deliberation.
    if compound is not None:
        _disputes_reported_up(ctx, compound)


def _disputes_reported_up(ctx, compound, n: int = 3):
    from jiceng.cases import services as cases
    from jiceng.cases.models import Category

    grid_worker = (ctx.data.get("demo_users") or {}).get("demo-grid")
    category = Category.objects.filter(code="S0101").first()
    grid = (ctx.data.get("demo_units") or {}).get("grid")
    if category is None or compound.lat is None or grid_worker is None or not compound.path.startswith(grid.path):
        return
    texts = ["楼道堆放杂物，邻里多次争执", "楼上漏水殃及楼下，双方协商未果", "公共绿地被占用种菜，邻居意见大"]
    for i in range(n):
        case, _created = cases.case_submit(actor=None, category=category, source="hotline",
                                           description=f"{compound.name}{texts[i % len(texts)]}",
                                           lat=float(compound.lat), lng=float(compound.lng))
        case = cases.case_act(actor=grid_worker, case=case, action="register", version=None)
        case = cases.case_act(actor=grid_worker, case=case, action="escalate", version=None,
                              comment="需社区组织业委会、物业多方协商")
