"""Demo step 20: residents in every household (200,000 at scale 1), party members in the grid and
community organizations, secretaries, central households, and the demo logins."""

import datetime

from django.db import transaction

from jiceng.accounts.models import User
from jiceng.accounts.services import grant_create, user_create
from jiceng.core import crypto
from jiceng.core.audit import audit_record
from jiceng.core.pii import id_check_digit, mask_id_number, mask_phone
from jiceng.core.roles import Role
from jiceng.demo.names import person_name, phone
from jiceng.orgs.models import PartyOrg
from jiceng.people.models import CentralHousehold, PartyMembership, Person
from jiceng.people.services import people_bulk_create

ORDER = 20
PARTY_SHARE = 0.08
DEMO_USERS = [  # username (= password), role, which unit
    ("demo-admin", Role.CITY_ADMIN, "city"),
    ("demo-county", Role.COUNTY_OFFICIAL, "county"),
    ("demo-street", Role.STREET_OFFICIAL, "street"),
    ("demo-community", Role.COMMUNITY_WORKER, "community"),
    ("demo-grid", Role.GRID_WORKER, "grid"),
    ("demo-member", Role.PARTY_MEMBER, "community"),
    ("demo-resident", Role.RESIDENT, "household"),
]
# The names the pages show for them (a timeline reads "网格员 张晓东", never the login name).
DEMO_NAMES = {"demo-admin": "赵立群", "demo-county": "孙志刚", "demo-street": "李红梅", "demo-community": "王丽萍",
              "demo-grid": "张晓东", "demo-member": "刘卫东", "demo-resident": "陈淑芬"}


def _id_number(rng, region: str, birth: datetime.date, used: set) -> str:
    while True:
        body = f"{region}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
        number = body + id_check_digit(body)
        if number not in used:
            used.add(number)
            return number


def build(ctx):
    rng = ctx.rng("people")
    households = ctx.data["households"]
    today = ctx.today
    used_ids: set[str] = set()
    people: list[Person] = []
    encrypt, lookup = crypto.encrypt, crypto.lookup_hash
    bar = ctx.progress(len(households), "residents")
    batch = []
    for i, household in enumerate(households):
        size = rng.choices((1, 2, 3, 4, 5), weights=(14, 33, 30, 16, 7))[0]
        for _ in range(size):
            age = min(95, max(0, int(rng.gauss(41, 20))))
            birth = today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
            number = _id_number(rng, household.code[:6], birth, used_ids)
            gender = "M" if int(number[16]) % 2 else "F"
            tel = phone(rng) if age >= 16 else ""
            batch.append(Person(
                name=person_name(rng), gender=gender, birth_date=birth,
                id_number_enc=encrypt(number), id_number_hash=lookup(number), id_number_masked=mask_id_number(number),
                phone_enc=encrypt(tel) if tel else "", phone_hash=lookup(tel) if tel else "",
                phone_masked=mask_phone(tel), household=household, unit_path=household.path, is_resident=True))
        if len(batch) >= 20000 or i == len(households) - 1:
            people_bulk_create(actor=None, people=batch, note="demo residents")
            people.extend(batch)
            batch = []
        if i % 2000 == 0:
            bar.update(min(2000, len(households) - i))
    bar.close()
    ctx.data["people"] = people
    ctx.say(f"[demo] residents: {len(people):,}")
    _party(ctx, rng, people)
    _link_demo_users(ctx, people)


def _party(ctx, rng, people):
    data = ctx.data
    grid_org = {o.unit.code: o for o in data["grid_orgs"]}
    community_org = {o.unit.code: o for o in data["community_orgs"]}
    adults = [p for p in people if p.birth_date and (ctx.today - p.birth_date).days > 18 * 365]
    members = rng.sample(adults, int(len(adults) * PARTY_SHARE))
    memberships = []
    for p in members:
        org = grid_org.get(p.unit_path.split("/")[5]) or community_org[p.unit_path.split("/")[4]]
        memberships.append(PartyMembership(person=p, org=org, unit_path=org.unit_path,
                                           joined_on=p.birth_date + datetime.timedelta(days=365 * rng.randint(19, 40)),
                                           in_service=rng.random() < 0.45,
                                           employer=rng.choice(("市直机关", "区直机关", "国有企业", "学校", "医院", ""))))
    with transaction.atomic():
        PartyMembership.objects.bulk_create(memberships, batch_size=5000)
        audit_record(actor=None, action="party_membership.bulk_create", object_type="people.partymembership",
                     changes={"count": len(memberships)})
    # Secretaries: a member from the organization's own area (or any resident there for the upper levels).
    by_prefix: dict[str, list] = {}
    for m in memberships:
        by_prefix.setdefault(m.unit_path, []).append(m.person)
    orgs = data["street_orgs"] + data["community_orgs"] + data["grid_orgs"] + data["county_orgs"] + [data["city_org"]]
    residents_by_county: dict[str, list] = {}
    for p in rng.sample(people, min(len(people), 5000)):
        residents_by_county.setdefault(p.unit_path[:15], []).append(p)
    for org in orgs:
        pool = by_prefix.get(org.unit_path) or residents_by_county.get(org.unit_path[:15]) or people[:100]
        org.secretary = rng.choice(pool)
    with transaction.atomic():
        PartyOrg.objects.bulk_update(orgs, ["secretary"], batch_size=2000)
        audit_record(actor=None, action="party_org.bulk_set_secretary", object_type="orgs.partyorg",
                     changes={"count": len(orgs)})
    # Central households: two per grid party organization, each looking after 8–12 neighbouring households.
    households_by_grid: dict[str, list] = {}
    for h in ctx.data["households"]:
        households_by_grid.setdefault(h.code[:15], []).append(h)
    members_by_org: dict[int, list] = {}
    for m in memberships:
        members_by_org.setdefault(m.org_id, []).append(m)
    centrals, links = [], []
    for org in data["grid_orgs"]:
        hh = households_by_grid.get(org.unit.code, [])
        for m in (members_by_org.get(org.pk) or [])[:2]:
            start = rng.randint(0, max(0, len(hh) - 12))
            centrals.append((CentralHousehold(member=m, grid=org.unit, unit_path=org.unit_path),
                             hh[start:start + rng.randint(8, 12)]))
    with transaction.atomic():
        CentralHousehold.objects.bulk_create([c for c, _ in centrals], batch_size=2000)
        through = CentralHousehold.households.through
        for c, hh in centrals:
            links.extend(through(centralhousehold_id=c.pk, unit_id=h.pk) for h in hh)
        through.objects.bulk_create(links, batch_size=5000)
        audit_record(actor=None, action="central_household.bulk_create", object_type="people.centralhousehold",
                     changes={"count": len(centrals), "households": len(links)})
    ctx.data["memberships"] = memberships
    ctx.say(f"[demo] party members: {len(memberships):,}; central households: {len(centrals):,}")


def create_demo_users(ctx):
    """Demo logins, password = username; they exist only in a database built by the demo builder.

    Called by the orgs step as soon as the units exist, so that logging in works while the rest of
    the city is still being built."""
    data = ctx.data
    first_street = data["streets"][0]
    community = next(c for c in data["communities"] if c.parent_id == first_street.pk)
    grid = next(g for g in data["grids"] if g.parent_id == community.pk)
    household = next(h for h in data["households"] if h.path.startswith(grid.path))
    units = {"city": data["city"], "county": first_street.parent, "street": first_street, "community": community,
             "grid": grid, "household": household}
    users = {}
    for username, role, kind in DEMO_USERS:
        user = user_create(actor=None, username=username, password=username, display_name=DEMO_NAMES[username],
                           is_staff=role == Role.CITY_ADMIN)
        if role == Role.CITY_ADMIN:
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
        grant_create(actor=None, user=user, role=role, unit=units[kind])
        users[username] = user
    data["demo_units"], data["demo_users"] = units, users


def _link_demo_users(ctx, people):
    units, users = ctx.data["demo_units"], ctx.data["demo_users"]
    resident = next(p for p in people if p.household_id == units["household"].pk)
    member = next((m.person for m in ctx.data["memberships"] if m.unit_path.startswith(units["community"].path)),
                  resident)
    with transaction.atomic():
        for username, person in (("demo-resident", resident), ("demo-member", member)):
            User.objects.filter(pk=users[username].pk).update(person=person, display_name=person.name[:60])
            audit_record(actor=None, action="user.link_person", obj=users[username], changes={"person": person.pk, "display_name": person.name[:60]})
