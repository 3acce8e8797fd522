"""Demo step: the five-level service system (1 city, 6 county, 20 street and 209 community centres and
174 compound stations) with hours and amenities, the walking network generated from the city's own
grids and compounds, the 15-minute coverage computed, registered couriers and riders, a few thousand
station visits and volunteer sign-ups."""

import datetime
import time

import shapely
from django.utils import timezone

from jiceng.demo.names import person_name
from jiceng.mobilize.models import Activity
from jiceng.orgs.models import Unit
from jiceng.stations import couriers, coverage, services, walknet

ORDER = 55
STATIONS = 174
COUNTY_CENTRES = 6
CENTRE_HOURS = {0: "08:30-12:00, 14:00-18:00", 1: "08:30-12:00, 14:00-18:00", 2: "08:30-12:00, 14:00-18:00",
                3: "08:30-12:00, 14:00-18:00", 4: "08:30-12:00, 14:00-18:00", 5: "09:00-17:00"}
STATION_HOURS = [{d: "07:00-21:00" for d in range(7)} | {7: "09:00-18:00"},
                 {d: "00:00-24:00" for d in range(8)},
                 {d: "08:00-20:00" for d in range(7)}]
CENTRE_AMENITIES = ["rest", "hot_water", "toilet", "drinking_water", "first_aid", "wifi"]
STATION_AMENITIES = ["rest", "hot_water", "charging", "repair", "toilet", "microwave", "first_aid",
                     "drinking_water", "rain_gear", "wifi"]
PLATFORMS = ["美团", "饿了么", "顺丰速运", "中通快递", "京东物流", "滴滴出行", "曹操出行", "邮政EMS"]


def _network(ctx):
    grids = Unit.objects.filter(kind="grid").exclude(geom=None).order_by("id").values_list("geom", flat=True)
    compounds = Unit.objects.filter(kind="compound").exclude(geom=None).order_by("id").values_list("geom", flat=True)
    rings = [("street", g) for g in shapely.from_wkb([bytes(g) for g in grids])]
    rings += [("compound", g) for g in shapely.from_wkb([bytes(g) for g in compounds])]
    buildings = list(Unit.objects.filter(kind="building", lat__isnull=False).order_by("id").values_list("lat", "lng"))
    arrays = walknet.generated_arrays(rings, buildings)
    return walknet.network_replace(actor=None, source="demo city: streets along grids and compounds, lanes",
                                   arrays=arrays)


def _positions(ctx, rng):
    by_kind = {k: list(Unit.objects.filter(kind=k, lat__isnull=False).order_by("code"))
               for k in ("city", "county", "street", "community")}
    with_streets = {u.path.split("/")[2] for u in by_kind["street"]}
    counties = sorted(by_kind["county"], key=lambda u: (u.code not in with_streets, u.code))[:COUNTY_CENTRES]
    compounds = list(Unit.objects.filter(kind="compound", lat__isnull=False).order_by("code"))
    stations = sorted(rng.sample(compounds, min(STATIONS, len(compounds))), key=lambda u: u.code)
    rows = []

    def centre(level, unit, suffix):
        amen = [a for a in CENTRE_AMENITIES if rng.random() < 0.8] + (["charging"] if rng.random() < 0.5 else [])
        rows.append({"unit": unit, "level": level, "name": f"{unit.name}{suffix}", "lat": unit.lat, "lng": unit.lng,
                     "address": unit.address or f"{unit.name}党群服务中心", "amenities": amen, "hours": CENTRE_HOURS,
                     "services": "党员教育、政务代办、志愿服务、新就业群体服务",
                     "contact_name": person_name(rng), "contact_phone": f"0357-{rng.randint(2000000, 8999999)}"})

    for u in by_kind["city"]:
        centre("city", u, "党群服务中心")
    for u in counties:
        centre("county", u, "党群服务中心")
    for u in by_kind["street"]:
        centre("street", u, "党群服务中心")
    for u in by_kind["community"]:
        centre("community", u, "党群服务中心")
    for i, u in enumerate(stations):
        amen = ["rest", "hot_water"] + [a for a in STATION_AMENITIES[2:] if rng.random() < 0.5]
        if rng.random() < 0.12:
            amen.remove("hot_water")
        rows.append({"unit": u, "level": "station", "name": f"{u.name}党群服务驿站", "lat": u.lat, "lng": u.lng,
                     "address": u.address or u.name, "amenities": amen, "hours": rng.choice(STATION_HOURS),
                     "services": "歇脚、热水、充电、应急药品、便民维修",
                     "state": "construction" if i % 40 == 7 else "open",
                     "contact_name": person_name(rng), "contact_phone": f"13{rng.randint(100000000, 999999999)}"})
    return services.positions_bulk_create(actor=None, rows=rows, note="demo positions", recompute=False)


def _couriers_and_visits(ctx, rng, positions):
    communities = list(Unit.objects.filter(kind="community").order_by("code"))
    n = max(30, int(400 * ctx.scale))
    phones = rng.sample(range(10_000_000, 99_999_999), n)
    rows = [{"kind": rng.choice(("courier", "rider", "rider", "driver")), "name": person_name(rng),
             "phone": f"177{p:08d}", "platform": rng.choice(PLATFORMS), "community": rng.choice(communities)}
            for p in phones]
    riders = couriers.couriers_bulk_create(actor=None, rows=rows, note="demo couriers")
    open_positions = [p for p in positions if p.state == "open"]
    weights = [5 if p.level == "station" else (2 if p.level == "community" else 1) for p in open_positions]
    now = timezone.now()
    visits = []
    for _ in range(int(3000 * max(ctx.scale, 0.2))):
        p = rng.choices(open_positions, weights)[0]
        who = rng.choice(riders) if rng.random() < 0.8 else None
        at = now - datetime.timedelta(days=rng.randint(0, 120), minutes=rng.randint(0, 600))
        visits.append((p, who, at))
    couriers.visits_bulk_create(actor=None, rows=visits, note="demo visits")
    acts = list(Activity.objects.filter(kind="volunteer").order_by("id")[:400])
    if acts:
        signups = {}
        for c in rng.sample(riders, min(len(riders), 150)):
            act = rng.choice(acts)
            hours = round(rng.uniform(1, 3), 1) if act.ends_at < now else 0
            signups[(c.pk, act.pk)] = (c, act, hours)
        couriers.signups_bulk_create(actor=None, rows=list(signups.values()), note="demo volunteer sign-ups")
    return len(riders), len(visits)


def build(ctx):
    rng = ctx.rng("stations")
    t0 = time.perf_counter()
    net = _network(ctx)
    t1 = time.perf_counter()
    positions = _positions(ctx, rng)
    run = coverage.coverage_compute()
    t2 = time.perf_counter()
    riders, visits = _couriers_and_visits(ctx, rng, positions)
    share = coverage.shares(Unit.objects.filter(kind="city").order_by("id").first().path)["residents_share"]
    ctx.say(f"[demo] stations: network {net.nodes:,} nodes / {net.edges:,} edges ({t1 - t0:.1f} s); "
            f"{len(positions)} positions, coverage {share} of residents ({t2 - t1:.1f} s, run {run.seconds} s); "
            f"{riders} couriers, {visits} visits ({time.perf_counter() - t2:.1f} s)")
