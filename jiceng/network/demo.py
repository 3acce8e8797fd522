"""Demo step of the one network: business lines, grid staff for every grid (with four-haves records of the
grid party secretaries), property arrangements for every compound (some three-without, some of those
already arranged) and a gazetteer entry for every building. Units and polygons come from orgs (ORDER 10).
"""

import datetime

from jiceng.core.audit import audit_record
from jiceng.demo.names import person_name
from jiceng.network import integrity, services
from jiceng.network.models import CompoundProfile, FourHavesAssessment, GridStaff
from jiceng.orgs.models import GRID_PARTY_ORG_KINDS, PartyOrg, Unit

ORDER = 30

PROPERTY_COMPANIES = ["临汾宏远物业服务有限公司", "尧都区安居物业管理有限公司", "山西华晋物业服务有限公司",
                      "临汾鑫泰物业有限公司", "平阳物业服务有限公司", "晋南城市服务有限公司", "汾河物业管理有限公司",
                      "临汾市住宅物业服务中心"]
COMPETENT_UNITS = ["临汾市热电公司", "山西焦煤汾西矿业集团", "临汾钢铁有限公司", "临汾市第一中学", "尧都区人民医院",
                   "临汾市供销合作社", "临汾市房产管理中心"]
ARRANGEMENTS = ["社区托管", "街道物业服务中心兜底管理", "居民自治管理小组", "国有物业企业托管"]


def build(ctx):
    rng = ctx.rng("network")
    today = ctx.today
    services.business_lines_ensure(actor=None)

    grids = list(Unit.objects.filter(kind="grid").order_by("code").values_list("id", "path", "code"))
    secretaries_at = {p.split("/")[5] for p in PartyOrg.objects.filter(kind__in=GRID_PARTY_ORG_KINDS)
                      .values_list("unit_path", flat=True) if len(p.split("/")) > 5}
    staff = []
    bar = ctx.progress(4, "network")
    for gid, path, code in grids:
        since = today - datetime.timedelta(days=rng.randint(30, 2500))
        staff.append(GridStaff(grid_id=gid, unit_path=path, role="leader", name=person_name(rng), since=since))
        for _ in range(rng.choice((1, 1, 1, 2))):
            staff.append(GridStaff(grid_id=gid, unit_path=path, role="full_time", name=person_name(rng),
                                   since=today - datetime.timedelta(days=rng.randint(30, 2000)),
                                   on_duty=rng.random() < 0.9))
        for _ in range(rng.choice((0, 1, 1, 2))):
            staff.append(GridStaff(grid_id=gid, unit_path=path, role="part_time", name=person_name(rng),
                                   since=today - datetime.timedelta(days=rng.randint(30, 1500)),
                                   on_duty=rng.random() < 0.6))
        if code in secretaries_at:
            staff.append(GridStaff(grid_id=gid, unit_path=path, role="party_secretary", name=person_name(rng),
                                   since=today - datetime.timedelta(days=rng.randint(60, 1800))))
    # A few full-time workers serve a second, neighbouring grid.
    extra = []
    for i in range(0, len(grids) - 1, 25):
        worker = next((s for s in staff if s.grid_id == grids[i][0] and s.role == "full_time"), None)
        if worker:
            extra.append(GridStaff(grid_id=grids[i + 1][0], unit_path=grids[i + 1][1], role="part_time",
                                   name=worker.name, since=worker.since))
    services.grid_staff_bulk_create(actor=None, rows=staff + extra, note="demo grid staff")
    bar.update(1)

    secretaries = list(GridStaff.objects.filter(role="party_secretary").values_list("id", "unit_path"))
    assessments = []
    for sid, path in secretaries:
        scores = [rng.choice((3, 4, 4, 5, 5)) if rng.random() > 0.04 else 2 for _ in range(4)]
        assessments.append(FourHavesAssessment(
            staff_id=sid, unit_path=path, assessed_on=today - datetime.timedelta(days=rng.randint(10, 300)),
            ability=scores[0], prestige=scores[1], public_spirit=scores[2], enthusiasm=scores[3],
            passed=min(scores) >= 3))
    from django.db import transaction

    with transaction.atomic():
        FourHavesAssessment.objects.bulk_create(assessments, batch_size=2000)
        audit_record(actor=None, action="four_haves.bulk_record", object_type="network.fourhavesassessment",
                     changes={"count": len(assessments), "note": "demo"})
    bar.update(1)

    profiles = []
    three_without = arranged = 0
    for cid, path, name in Unit.objects.filter(kind="compound").order_by("code").values_list("id", "path", "name"):
        roll = rng.random()
        p = CompoundProfile(compound_id=cid, unit_path=path)
        if roll < 0.07:  # three-without: old single buildings, work-unit housing whose unit is gone
            p.three_without_since = today - datetime.timedelta(days=rng.randint(100, 1500))
            three_without += 1
            if rng.random() < 0.45:
                p.arrangement = rng.choice(ARRANGEMENTS)
                p.arranged_since = today - datetime.timedelta(days=rng.randint(5, 90))
                arranged += 1
        else:
            if roll < 0.78:
                p.property_company = rng.choice(PROPERTY_COMPANIES)
                p.project_manager = person_name(rng)
            if rng.random() < 0.35 or roll >= 0.78:
                p.owners_committee = f"{name}业主委员会"  # the committee's name, not the column's heading
            if roll >= 0.9 or (roll >= 0.78 and not p.owners_committee):
                p.competent_unit = rng.choice(COMPETENT_UNITS)
        profiles.append(p)
    services.compound_profiles_bulk_create(actor=None, rows=profiles, note="demo compounds")
    bar.update(1)

    city = Unit.objects.filter(kind="city").order_by("id").first()
    entries = services.gazetteer_rebuild(actor=None, unit=city) if city else 0
    bar.update(1)
    integrity.refresh()  # the integrity report of the new city, checked once (later edits: the sweep)
    bar.close()
    ctx.data["network"] = {"staff": len(staff) + len(extra), "three_without": three_without,
                           "three_without_open": three_without - arranged, "gazetteer_entries": entries}
    ctx.say(f"[demo] network: {len(staff) + len(extra):,} grid staff, {len(profiles):,} compound profiles "
            f"({three_without} three-without, {three_without - arranged} open), {entries:,} gazetteer entries")
