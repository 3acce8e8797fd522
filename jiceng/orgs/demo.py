"""Demo step 10: Linfen's structure — 17 counties, 20 streets, 209 communities, 1,910 grids tiling
them, compounds, buildings and households; the party organization chain with 1,166 grid party
organizations; 209 community and 20 street big committees with 870+ part-time members."""

import datetime

import numpy as np
import shapely
from shapely.geometry import MultiPoint

from jiceng.core.audit import audit_record
from jiceng.core.geo.distance import offset_deg
from jiceng.core.geo.tiling import allocate_counts, split_polygon
from jiceng.demo.names import COMMUNITY_ROOTS, COMPOUND_ROOTS, COMPOUND_SUFFIX, ROADS, person_name
from jiceng.orgs import services
from jiceng.orgs.models import BigCommittee, CommitteeLevel, PartTimeMember, PartyOrg, Unit
from jiceng.people.demo import create_demo_users

ORDER = 10

CITY = ("141000", "临汾市")
# (code, name, seat lat, seat lng, streets, urban radius km). The three urban ones hold the 20 streets.
COUNTIES = [
    ("141002", "尧都区", 36.088, 111.519, 12, 7.5),
    ("141021", "曲沃县", 35.641, 111.475, 0, 0), ("141022", "翼城县", 35.738, 111.718, 0, 0),
    ("141023", "襄汾县", 35.876, 111.442, 0, 0), ("141024", "洪洞县", 36.254, 111.675, 0, 0),
    ("141025", "古县", 36.267, 111.920, 0, 0), ("141026", "安泽县", 36.148, 112.250, 0, 0),
    ("141027", "浮山县", 35.968, 111.848, 0, 0), ("141028", "吉县", 36.098, 110.682, 0, 0),
    ("141029", "乡宁县", 35.970, 110.847, 0, 0), ("141030", "大宁县", 36.465, 110.752, 0, 0),
    ("141031", "隰县", 36.693, 110.940, 0, 0), ("141032", "永和县", 36.760, 110.632, 0, 0),
    ("141033", "蒲县", 36.412, 111.097, 0, 0), ("141034", "汾西县", 36.653, 111.568, 0, 0),
    ("141081", "侯马市", 35.619, 111.372, 5, 4.0), ("141082", "霍州市", 36.569, 111.723, 3, 3.5),
]
STREET_NAMES = {
    "141002": ["解放路街道", "鼓楼南街道", "鼓楼北街道", "水塔街道", "南街街道", "车站街道", "铁路东街道", "乡贤街街道",
               "辛寺街街道", "汾河街道", "尧庙街道", "屯里街道"],
    "141081": ["浍滨街道", "路西街道", "上马街道", "张村街道", "新田街道"],
    "141082": ["鼓楼街道", "北环路街道", "南环路街道"],
}
COMMUNITIES = 209
GRIDS = 1910
GRID_PARTY_ORGS = 1166
PART_TIME_TARGET = 905


def _circle(lat, lng, radius_km, n=72):
    ang = np.linspace(0, 2 * np.pi, n, endpoint=False)
    dlat, dlng = offset_deg(lat, radius_km * 1000 * np.sin(ang), radius_km * 1000 * np.cos(ang))
    return shapely.Polygon(np.column_stack([lng + dlng, lat + dlat]))


def _county_polygons():
    seats = MultiPoint([(c[3], c[2]) for c in COUNTIES])
    outline = seats.convex_hull.buffer(0.3, quad_segs=4)
    cells = shapely.voronoi_polygons(seats, extend_to=outline, ordered=True)
    return [shapely.intersection(cell, outline) for cell in shapely.get_parts(cells)], outline


def _poly(geom):
    geom = shapely.make_valid(geom)
    if geom.geom_type == "Polygon":
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"]
    return max(parts, key=lambda g: g.area)


def build(ctx):
    rng = ctx.rng("orgs")
    seed = ctx.seed
    bar = ctx.progress(8, "structure")
    county_polys, outline = _county_polygons()
    city = services.unit_create(actor=None, parent=None, kind="city", code=CITY[0], name=CITY[1], geometry=outline)
    counties = []
    for (code, name, *_rest), poly in zip(COUNTIES, county_polys, strict=True):
        counties.append(Unit(kind="county", code=code, name=name, parent=city, **services._geometry_fields(_poly(poly))))
    services.units_bulk_create(actor=None, units=counties, note="demo counties")
    bar.update(1)

    # Streets tile each urban county's core; communities tile streets; grids tile communities.
    streets, street_polys = [], []
    for county, (code, _n, lat, lng, n_streets, radius), poly in zip(counties, COUNTIES, county_polys, strict=True):
        if not n_streets:
            continue
        core = _poly(shapely.intersection(_circle(lat, lng, radius), poly))
        for i, piece in enumerate(split_polygon(core, n_streets, seed + int(code))):
            streets.append(Unit(kind="street", code=f"{code}{i + 1:03d}", name=STREET_NAMES[code][i], parent=county,
                                **services._geometry_fields(piece)))
            street_polys.append(piece)
    services.units_bulk_create(actor=None, units=streets, note="demo streets")
    bar.update(1)

    comm_counts = allocate_counts(COMMUNITIES, [p.area ** 0.7 for p in street_polys])
    communities, community_polys = [], []
    for s_i, (street, poly, k) in enumerate(zip(streets, street_polys, comm_counts, strict=True)):
        roots = rng.sample(COMMUNITY_ROOTS, k)
        for i, piece in enumerate(split_polygon(poly, k, seed + 1000 + s_i)):
            communities.append(Unit(kind="community", code=f"{street.code}{i + 1:03d}", name=f"{roots[i]}社区",
                                    parent=street, **services._geometry_fields(piece)))
            community_polys.append(piece)
    services.units_bulk_create(actor=None, units=communities, note="demo communities")
    bar.update(1)

    grid_counts = allocate_counts(GRIDS, [rng.uniform(0.6, 1.4) for _ in communities])
    grids, grid_polys = [], []
    for c_i, (community, poly, k) in enumerate(zip(communities, community_polys, grid_counts, strict=True)):
        for i, piece in enumerate(split_polygon(poly, k, seed + 5000 + c_i)):
            grids.append(Unit(kind="grid", code=f"{community.code}{i + 1:03d}", name=f"{community.name[:-2]}第{i + 1}网格",
                              parent=community, **services._geometry_fields(piece)))
            grid_polys.append(piece)
    services.units_bulk_create(actor=None, units=grids, note="demo grids")
    bar.update(1)

    # Compounds: 1–2 per grid, each a shrunken piece of its grid; buildings are points inside.
    compounds, compound_polys = [], []
    next_number = dict.fromkeys(ROADS, 0)  # door numbers rise along each road: every address is unique
    for g_i, (grid, poly) in enumerate(zip(grids, grid_polys, strict=True)):
        k = 1 if rng.random() < 0.5 else 2
        pieces = split_polygon(poly, k, seed + 20000 + g_i) if k > 1 else [poly]
        for i, piece in enumerate(pieces):
            shrunk = piece.buffer(-0.0004) if piece.buffer(-0.0004).area > piece.area * 0.2 else piece
            shrunk = _poly(shrunk)
            name = rng.choice(COMPOUND_ROOTS) + rng.choice(COMPOUND_SUFFIX)
            road = rng.choice(ROADS)
            next_number[road] += rng.randint(1, 4)
            compounds.append(Unit(kind="compound", code=f"{grid.code}{i + 1:03d}", name=name, parent=grid,
                                  address=f"{road}{next_number[road]}号{name}",
                                  **services._geometry_fields(shrunk)))
            compound_polys.append(shrunk)
    services.units_bulk_create(actor=None, units=compounds, note="demo compounds")
    bar.update(1)

    buildings = []
    np_rng = np.random.default_rng(seed)
    for compound, poly in zip(compounds, compound_polys, strict=True):
        n = rng.randint(2, 7)
        minx, miny, maxx, maxy = poly.bounds
        pts = []
        while len(pts) < n:
            xs, ys = np_rng.uniform(minx, maxx, 4 * n), np_rng.uniform(miny, maxy, 4 * n)
            inside = shapely.contains_xy(poly, xs, ys)
            pts.extend(zip(xs[inside], ys[inside], strict=True))
        for i in range(n):
            x, y = pts[i]
            buildings.append(Unit(kind="building", code=f"{compound.code}{i + 1:03d}", name=f"{i + 1}号楼",
                                  parent=compound, address=f"{compound.address}{i + 1}号楼", lat=y, lng=x))
    services.units_bulk_create(actor=None, units=buildings, note="demo buildings")
    bar.update(1)

    # Households scale with the city: 200,000 residents at scale 1 at about 2.6 a household.
    target_households = int(200_000 * ctx.scale / 2.6)
    per_building = allocate_counts(target_households, [rng.uniform(0.5, 1.5) for _ in buildings])
    households = []
    for building, n in zip(buildings, per_building, strict=True):
        per_entrance = max(1, (n + 2) // 3)
        for i in range(n):
            entrance, room = i // per_entrance + 1, i % per_entrance
            floor, door = room // 2 + 1, room % 2 + 1
            label = f"{entrance}单元{floor}{door:02d}室"
            households.append(Unit(kind="household", code=f"{building.code}{i + 1:04d}", name=label, parent=building,
                                   address=f"{building.address}{label}"))
    for start in range(0, len(households), 20000):
        services.units_bulk_create(actor=None, units=households[start:start + 20000], note="demo households")
    bar.update(1)

    ctx.data.update(city=city, counties=counties, streets=streets, communities=communities, grids=grids,
                    compounds=compounds, buildings=buildings, households=households)
    create_demo_users(ctx)
    _party_orgs_and_committees(ctx, rng, city, counties, streets, communities, grids, buildings)
    bar.update(1)
    bar.close()
    ctx.say(f"[demo] units: {1 + len(counties) + len(streets) + len(communities) + len(grids) + len(compounds) + len(buildings) + len(households):,}")


def _bulk_orgs(orgs, note):
    from django.db import transaction

    with transaction.atomic():
        PartyOrg.objects.bulk_create(orgs, batch_size=2000)
        audit_record(actor=None, action="party_org.bulk_create", object_type="orgs.partyorg",
                     changes={"count": len(orgs), "note": note})
    return orgs


def _party_orgs_and_committees(ctx, rng, city, counties, streets, communities, grids, buildings):
    city_org = services.party_org_create(actor=None, unit=city, kind="city_committee", name="中共临汾市委员会",
                                         established_on=datetime.date(1949, 5, 1))
    county_orgs = _bulk_orgs([PartyOrg(kind="county_committee", name=f"中共{c.name}委员会", unit=c, unit_path=c.path,
                                       parent=city_org) for c in counties], "demo county committees")
    by_county = {o.unit_id: o for o in county_orgs}
    street_orgs = _bulk_orgs([PartyOrg(kind="street_working_committee", name=f"中共{s.name}工作委员会", unit=s,
                                       unit_path=s.path, parent=by_county[s.parent_id]) for s in streets],
                             "demo street working committees")
    by_street = {o.unit_id: o for o in street_orgs}
    community_orgs = []
    for c in communities:
        roll = rng.random()
        kind, word = (("community_committee", "委员会") if roll < 0.55 else
                      ("community_general_branch", "总支部委员会") if roll < 0.85 else ("community_branch", "支部委员会"))
        community_orgs.append(PartyOrg(kind=kind, name=f"中共{c.name}{word}", unit=c, unit_path=c.path,
                                       parent=by_street[c.parent_id]))
    _bulk_orgs(community_orgs, "demo community party organizations")
    by_community = {o.unit_id: o for o in community_orgs}
    with_org = sorted(rng.sample(range(len(grids)), GRID_PARTY_ORGS))
    grid_orgs = []
    for i in with_org:
        g = grids[i]
        kind, word = ("grid_branch", "党支部") if rng.random() < 0.6 else ("grid_group", "党小组")
        grid_orgs.append(PartyOrg(kind=kind, name=f"{g.name}{word}", unit=g, unit_path=g.path,
                                  parent=by_community[g.parent_id]))
    _bulk_orgs(grid_orgs, "demo grid party organizations")
    by_grid = {o.unit_id: o for o in grid_orgs}
    building_groups = []
    for b in rng.sample(buildings, len(buildings) // 8):
        parent = by_grid.get(b.parent.parent_id) or by_community.get(b.parent.parent.parent_id)
        building_groups.append(PartyOrg(kind="building_group", name=f"{b.parent.name}{b.name}党小组", unit=b,
                                        unit_path=b.path, parent=parent))
    _bulk_orgs(building_groups, "demo building party groups")

    # Big committees: one per community (4–5 part-time members) and per street (6–8).
    start, end = datetime.date(2024, 1, 1), datetime.date(2028, 12, 31)
    committees = [BigCommittee(unit=u, unit_path=u.path, level=CommitteeLevel(u.kind), term_start=start, term_end=end,
                               established_on=start) for u in communities + streets]
    from django.db import transaction

    sources = [("police", "派出所"), ("owners_committee", "业主委员会"), ("property_company", "物业服务有限公司"),
               ("unit_party_org", "机关党支部")]
    members = []
    with transaction.atomic():
        BigCommittee.objects.bulk_create(committees)
        extra = PART_TIME_TARGET - 4 * len(communities)
        bonus = set(rng.sample(range(len(communities)), max(0, extra)))
        for i, committee in enumerate(committees):
            n = (4 + (i in bonus)) if committee.level == "community" else rng.randint(6, 8)
            for j in range(n):
                source, org_word = sources[j % len(sources)]
                place = committee.unit.name[:-2]  # "五一路社区" -> "五一路", "解放路街道" -> "解放路"
                members.append(PartTimeMember(committee=committee, unit_path=committee.unit_path,
                                              name=person_name(rng), source=source, source_org=f"{place}{org_word}",
                                              position="兼职委员"))
        PartTimeMember.objects.bulk_create(members, batch_size=2000)
        audit_record(actor=None, action="big_committee.bulk_create", object_type="orgs.bigcommittee",
                     changes={"committees": len(committees), "part_time_members": len(members)})
    ctx.data.update(city_org=city_org, county_orgs=county_orgs, street_orgs=street_orgs, community_orgs=community_orgs,
                    grid_orgs=grid_orgs, building_groups=building_groups)
