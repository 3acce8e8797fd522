"""Demo step: 1,200+ professional community workers over the communities (three channels, three posts,
grades from the engine), the two committees of this term and the previous one (average age 36.68,
one-shoulder 100 %, 106 professional secretaries, 569 professionals on the committees), evaluations of
every past year, twelve approved monthly payrolls per street with attendance, every street's standard
configuration, and Houma's five devolved powers."""

import datetime
from decimal import Decimal

from jiceng.core import crypto
from jiceng.core.pii import id_check_digit, mask_id_number, mask_phone
from jiceng.demo.names import person_name, phone
from jiceng.people.models import Person
from jiceng.people.services import people_bulk_create
from jiceng.workforce import grades, services
from jiceng.workforce.models import Attendance, CommitteeSeat, ConfigItem, Evaluation, StreetConfig

ORDER = 70
WORKERS = 1232
PROFESSIONAL_SECRETARIES = 106
PROFESSIONALS_ON_COMMITTEES = 569
AVERAGE_AGE = 36.68
PILOT_COUNTY = "侯马市"
POWERS = [
    ("城市管理领域部分行政处罚权", "《中华人民共和国行政处罚法》第二十四条", "城市管理局"),
    ("辖区内建设项目规划联合验收参与权", "《山西省街道办事处条例》", "自然资源局"),
    ("辖区内重大事项和重大决策建议权", "《中共中央 国务院关于加强基层治理体系和治理能力现代化建设的意见》", "县委组织部"),
    ("对职能部门派驻机构考核评价权", "《山西省街道办事处条例》", "县委组织部"),
    ("综合执法事项统筹协调指挥权", "《关于推进基层整合审批服务执法力量的实施意见》", "司法局"),
]
EXTRA_POWERS = [("社区公共服务设施规划建设参与权", "《山西省城乡规划条例》", "住房和城乡建设局")]


def _birth(rng, today, age):
    anniversary = grades.add_years(today, -age)
    return anniversary - datetime.timedelta(days=rng.randint(1, 360))


def _scores_for(rng, rating):
    low, high = {"excellent": (90, 98), "competent": (75, 89), "basic": (60, 74), "incompetent": (45, 59)}[rating]
    total = rng.randint(low, high)
    parts = {key: min(top, round(total * top / 100)) for key, top in services.RUBRIC}
    diff = total - sum(parts.values())
    for key, top in services.RUBRIC:
        step = max(-parts[key], min(top - parts[key], diff))
        parts[key] += step
        diff -= step
    return parts


def _rating(rng):
    return rng.choices(["excellent", "competent", "basic", "incompetent"], weights=(22, 68, 8, 2))[0]


def _ages_to_mean(rng, ages: list[int], target: float, low: int, high: int, movable: list[int]):
    """Nudge ages of `movable` positions by one year until the mean is within 0.005 of `target`."""
    goal = round(target * len(ages))
    total = sum(ages)
    guard = 0
    while total != goal and guard < 100000:
        guard += 1
        i = rng.choice(movable)
        if total < goal and ages[i] < high:
            ages[i] += 1
            total += 1
        elif total > goal and ages[i] > low:
            ages[i] -= 1
            total -= 1


def build(ctx):
    rng = ctx.rng("workforce")
    today = ctx.today
    d = ctx.data
    counties, streets, communities = list(d["counties"]), list(d["streets"]), list(d["communities"])
    n_workers = max(len(communities) * 2, round(WORKERS * ctx.scale))

    # Pay tables of every county with streets, this year and last.
    street_counties = {s.parent_id for s in streets}
    for county in counties:
        if county.pk in street_counties:
            for year in (today.year - 1, today.year):
                services.pay_table_set(actor=None, county=county, year=year, base_amount=Decimal("3200.00"))

    # Who holds the secretary-director post: a professional worker in 106 communities.
    n_secretaries = min(len(communities), round(PROFESSIONAL_SECRETARIES * min(1.0, ctx.scale)))
    pro_secretary = set(c.pk for c in rng.sample(communities, n_secretaries))
    per_community = {c.pk: 2 for c in communities}
    for _ in range(n_workers - 2 * len(communities)):
        per_community[rng.choice(communities).pk] += 1
    n_on_committees = min(round(PROFESSIONALS_ON_COMMITTEES * min(1.0, ctx.scale)), sum(per_community.values()))
    on_committees = {c.pk: 2 for c in communities}
    extra = n_on_committees - 2 * len(communities)
    order = list(communities)
    rng.shuffle(order)
    for c in order:
        if extra <= 0:
            break
        if per_community[c.pk] > on_committees[c.pk]:
            on_committees[c.pk] += 1
            extra -= 1

    # Workers (new people of the registry, non-residents registered under their community).
    used: set[str] = set()
    rows, plans = [], []
    for community in communities:
        for i in range(per_community[community.pk]):
            is_secretary = i == 0 and community.pk in pro_secretary
            if is_secretary:
                post, title = "principal", "党委书记、居委会主任"
                channel = rng.choices(["transition", "cadre", "open"], weights=(60, 30, 10))[0]
            elif i < 2:
                post, title = "deputy", rng.choice(["党委副书记", "居委会副主任"])
                channel = rng.choices(["transition", "cadre", "open"], weights=(25, 45, 30))[0]
            else:
                post, title = "other", rng.choice(["党委委员", "居委会委员", "网格员", "社区专干"])
                channel = rng.choices(["transition", "cadre", "open"], weights=(5, 35, 60))[0]
            education = rng.choices(["secondary", "college", "bachelor", "master"], weights=(4, 34, 54, 8))[0]
            qualification = rng.choices(["none", "junior", "intermediate", "senior"], weights=(42, 33, 21, 4))[0]
            hire = today - datetime.timedelta(days=rng.randint(200, 15 * 365))
            ratings = {y: _rating(rng) for y in range(hire.year + (1 if hire.month > 6 else 0), today.year)}
            plans.append({"community": community, "secretary": is_secretary, "on_committee": False})
            rows.append({"community": community, "post": post, "title": title, "channel": channel,
                         "hire_date": hire, "education": education, "qualification": qualification, "grade": None,
                         "ratings": ratings, "bank_account": f"62170{rng.randint(10**13, 10**14 - 1)}"})
    # Committee seats of this term: per community the secretary-director, a deputy secretary, a deputy
    # director and four members; professionals fill `on_committees` of them.
    term_start = datetime.date(today.year - 2, 3, 1)
    term_end = datetime.date(today.year + 3, 2, 28)
    seat_people = []  # (community, roles, plan index or None)
    index = 0
    for community in communities:
        count = per_community[community.pk]
        idx = list(range(index, index + count))
        index += count
        roles = [[("party", "secretary"), ("residents", "director")], [("party", "deputy_secretary")],
                 [("residents", "deputy_director")], [("party", "member")], [("party", "member")],
                 [("residents", "member")], [("residents", "member"), ("party", "member")]]
        holders = idx[:on_committees[community.pk]] if community.pk in pro_secretary else \
            [None] + idx[:on_committees[community.pk]]
        holders = holders + [None] * (len(roles) - len(holders))
        for seat_roles, holder in zip(roles, holders[:len(roles)], strict=True):
            if holder is not None:
                plans[holder]["on_committee"] = True
            seat_people.append((community, seat_roles, holder))
    # Ages: committee members average 36.68; workers 24–55, others 25–62.
    ages = []
    for _community, _roles, holder in seat_people:
        ages.append(min(55, max(24, int(rng.gauss(34, 6)))) if holder is not None
                    else min(62, max(25, int(rng.gauss(39, 7)))))
    _ages_to_mean(rng, ages, AVERAGE_AGE, 24, 55, list(range(len(ages))))
    worker_age = {holder: age for (_c, _r, holder), age in zip(seat_people, ages, strict=True) if holder is not None}

    def make_person(community, age, *, with_id, education=None, gender=None):
        birth = _birth(rng, today, age)
        gender = gender or rng.choice("MF")
        fields = {}
        if with_id:
            while True:
                body = f"{community.code[:6]}{birth:%Y%m%d}{rng.randint(900, 999):03d}"
                seq = int(body[-1])
                if (seq % 2 == 1) != (gender == "M"):
                    continue
                number = body + id_check_digit(body)
                if number not in used:
                    used.add(number)
                    break
            tel = phone(rng)
            fields = {"id_number_enc": crypto.encrypt(number), "id_number_hash": crypto.lookup_hash(number),
                      "id_number_masked": mask_id_number(number), "phone_enc": crypto.encrypt(tel),
                      "phone_hash": crypto.lookup_hash(tel), "phone_masked": mask_phone(tel)}
        return Person(name=person_name(rng), gender=gender, birth_date=birth, household=None,
                      unit_path=community.path, is_resident=False, **fields)

    for i, (row, plan) in enumerate(zip(rows, plans, strict=True)):
        age = worker_age.get(i) or min(55, max(24, int(rng.gauss(38, 8))))
        earliest = grades.add_years(today, -(age - 22))  # hired at 22 at the earliest
        if row["hire_date"] < earliest:
            row["hire_date"] = earliest + datetime.timedelta(days=rng.randint(0, max(1, (today - earliest).days - 30)))
            hire = row["hire_date"]
            row["ratings"] = {y: _rating(rng) for y in range(hire.year + (1 if hire.month > 6 else 0), today.year)}
        row["person"] = make_person(plan["community"], age, with_id=True,
                                    gender=rng.choices("MF", weights=(44, 56))[0])
    # Identity numbers are random: draw again the few that a resident already has.
    while True:
        taken = set(Person.objects.filter(id_number_hash__in=[r["person"].id_number_hash for r in rows])
                    .values_list("id_number_hash", flat=True))
        if not taken:
            break
        for i, row in enumerate(rows):
            if row["person"].id_number_hash in taken:
                row["person"] = make_person(plans[i]["community"], today.year - row["person"].birth_date.year,
                                            with_id=True, gender=row["person"].gender)
    people_bulk_create(actor=None, people=[r["person"] for r in rows], note="demo workers")
    workers = services.workers_bulk_create(actor=None, rows=rows, note="demo workers", today=today)

    # Seats of this term and of the previous one (older, fewer women, degrees and professionals).
    seats = []
    others = []
    for (community, seat_roles, holder), age in zip(seat_people, ages, strict=True):
        if holder is None:
            person = make_person(community, age, with_id=False, gender=rng.choices("MF", weights=(48, 52))[0])
            others.append(person)
            education = rng.choices(["college", "bachelor", "master"], weights=(30, 62, 8))[0]
            seat_people_entry = (person, None, education)
        else:
            w = workers[holder]
            seat_people_entry = (rows[holder]["person"], w, w.education)
        for committee, role in seat_roles:
            seats.append((community, committee, role, seat_people_entry))
    previous_start = datetime.date(today.year - 7, 3, 1)
    previous_end = term_start - datetime.timedelta(days=1)
    previous = []
    by_community: dict[int, list] = {}
    for row, w in zip(rows, workers, strict=True):
        if w.hire_date < previous_start:
            by_community.setdefault(w.community_id, []).append((row["person"], w))
    for community in communities:
        pro = by_community.get(community.pk, [])[:1]
        roles = [[("party", "secretary"), ("residents", "director")], [("party", "deputy_secretary")],
                 [("residents", "deputy_director")], [("party", "member")], [("residents", "member")],
                 [("party", "member")], [("residents", "member")]]
        for i, seat_roles in enumerate(roles):
            if i == 1 and pro:
                entry = (pro[0][0], pro[0][1], pro[0][1].education)
            else:
                age_then = min(64, max(28, int(rng.gauss(45, 8))))
                age_now = age_then + (today - previous_end).days // 365
                person = make_person(community, age_now, with_id=False,
                                     gender=rng.choices("MF", weights=(66, 34))[0])
                others.append(person)
                entry = (person, None, rng.choices(["secondary", "college", "bachelor"], weights=(25, 45, 30))[0])
            for committee, role in seat_roles:
                previous.append((community, committee, role, entry))
    people_bulk_create(actor=None, people=others, note="demo two-committee members")
    seat_rows = [CommitteeSeat(community=c, unit_path=c.path, person_id=p.pk, worker=w, committee=committee, role=role,
                               term_start=term_start, term_end=term_end, education=e)
                 for c, committee, role, (p, w, e) in seats]
    seat_rows += [CommitteeSeat(community=c, unit_path=c.path, person_id=p.pk, worker=w, committee=committee,
                                role=role, term_start=previous_start, term_end=previous_end, education=e)
                  for c, committee, role, (p, w, e) in previous]
    services.seats_bulk_create(actor=None, seats=seat_rows, note="demo two committees")

    # Evaluations of every past year (the grades above were computed from the same ratings).
    evaluations = []
    for row, worker in zip(rows, workers, strict=True):
        for year, rating in row["ratings"].items():
            evaluations.append(Evaluation(worker_id=worker.pk, unit_path=worker.unit_path, year=year,
                                          scores=_scores_for(rng, rating), total=0, rating=rating,
                                          community_opinion="同意街道考核意见"))
    services.evaluations_bulk_create(actor=None, evaluations=evaluations, note="demo evaluations")

    # Attendance and twelve approved monthly payrolls per street (the months before this one).
    this_month = today.replace(day=1)
    months = []
    month = this_month
    for _ in range(12):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        months.append(month)
    months.reverse()
    attendance = []
    for worker in workers:
        for m in months:
            if m < worker.hire_date.replace(day=1):
                continue
            required = rng.choice([20, 21, 22, 23])
            present = required if rng.random() < 0.85 else required - rng.randint(1, 3)
            attendance.append(Attendance(worker_id=worker.pk, unit_path=worker.unit_path, month=m,
                                         days_required=required, days_present=present))
    services.attendance_bulk_create(actor=None, rows=attendance, note="demo attendance")
    runs = 0
    for street in streets:
        runs += len(services.payrolls_bulk_approve(actor=None, street=street, months=months, today=today))

    # Every street's standard configuration; Houma's streets with the five devolved powers.
    heads = {"party_office": "党建办主任", "management_office": "公共管理办主任", "service_office": "公共服务办主任",
             "safety_office": "公共安全办主任", "enforcement_office": "综合行政执法办主任",
             "veterans_station": "站长", "party_centre": "中心主任", "convenience_centre": "中心主任"}
    configs = [StreetConfig(street=s, unit_path=s.path, item=item, present=True,
                            head=f"{person_name(rng)}（{heads[item]}）", staffing=rng.randint(3, 12))
               for s in streets for item in ConfigItem.values]
    services.street_configs_bulk_set(actor=None, rows=configs, note="demo street configuration")
    pilot = next((c for c in counties if c.name == PILOT_COUNTY and c.pk in street_counties),
                 next((c for c in counties if c.pk in street_counties), None))
    granted = 0
    if pilot is not None:
        powers = [services.power_create(actor=None, owner=pilot, name=n, legal_basis=b, department=dep)
                  for n, b, dep in POWERS + EXTRA_POWERS]
        for street in (s for s in streets if s.parent_id == pilot.pk):
            for power in powers[:len(POWERS)]:
                services.power_grant(actor=None, power=power, street=street, granted_on=datetime.date(2022, 7, 1),
                                     document="侯办发〔2022〕18号", today=today)
                granted += 1
    ctx.say(f"[demo] workforce: {len(workers):,} workers, {len(seat_rows):,} two-committee seats, "
            f"{len(evaluations):,} evaluations, {runs} approved payrolls, {granted} devolved powers")

