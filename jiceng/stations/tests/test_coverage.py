"""Coverage is recomputed by the background task when a position opens, closes or moves; the cockpit
figure follows with its as_of."""

import pytest

from jiceng.stations import coverage, figures
from jiceng.stations.models import BuildingCoverage
from jiceng.stations.services import position_create, position_update
from jiceng.stations.tests.conftest import ALL_WEEK, offset


def test_closing_a_station_lowers_the_share_and_opening_it_raises_it(placed, django_capture_on_commit_callbacks):
    city = placed.city
    lat, lng = offset(0, 800)  # 100 m west of the far building, 800 m east of the first
    with django_capture_on_commit_callbacks(execute=True):
        p = position_create(actor=city.users["community_worker"], unit=city.compound, level="station", name="驿站",
                            lat=lat, lng=lng, address="五一路", hours=ALL_WEEK)
    run1 = coverage.latest_run()
    rows = {b.building_id: b for b in BuildingCoverage.objects.all()}
    # 800 m east on the lattice from the centre, 100 m to the far building
    assert rows[city.building.pk].walk_s == pytest.approx(800 / 1.2, rel=1e-3)
    assert rows[placed.far.pk].walk_s == pytest.approx(100 / 1.2, rel=1e-3)
    f1 = figures.figures(city.city, today=run1.as_of.date())
    assert f1["residents_within_15min_share"] == 1.0
    assert f1["compound_stations"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        position_update(actor=city.users["community_worker"], position=p, state="closed")
    f2 = figures.figures(city.city, today=run1.as_of.date())
    assert f2["residents_within_15min_share"] == 0.0
    assert f2["residents_within_15min_share_as_of"] > f1["residents_within_15min_share_as_of"] or coverage.latest_run().pk != run1.pk
    assert f2["compound_stations"] == 0

    # moved 1.5 km west while open again: the far building (3 residents of 5 + 2) drops out
    far_lat, far_lng = offset(0, -700)
    with django_capture_on_commit_callbacks(execute=True):
        position_update(actor=city.users["community_worker"], position=p, state="open", lat=far_lat, lng=far_lng)
    s = coverage.shares(city.compound.path)
    assert s["residents"] == 5 and s["residents_within"] == 2  # (the small city's household has 2 residents)
    assert s["compounds_share"] == 0.0  # not all of the compound's buildings are within 15 minutes


def test_the_isochrone_grows_with_the_minutes(placed):
    city = placed.city
    p = position_create(actor=None, unit=city.compound, level="station", name="驿站", lat=36.05, lng=111.42,
                        address="五一路", hours=ALL_WEEK)
    fc = coverage.isochrone(p)
    by = {f["properties"]["minutes"]: f["properties"]["nodes"] for f in fc["features"]}
    assert by[5] < by[10] < by[15]
    # 15 min = 1,080 m on a 100 m lattice: the nodes within Manhattan distance 10 steps (+ 0.8 of a step)
    assert by[15] == 1 + sum(4 * k for k in range(1, 11))


def test_coverage_page_and_buildings_map(placed, client_for):
    city = placed.city
    lat, lng = offset(0, -300)  # 300 m from the first building, 1,200 m from the far one
    position_create(actor=None, unit=city.compound, level="station", name="驿站", lat=lat, lng=lng,
                    address="五一路", hours=ALL_WEEK)
    coverage.coverage_compute()
    c = client_for("community_worker")
    assert c.get(f"/stations/coverage/?unit={city.community.code}").status_code == 200
    fc = c.get(f"/api/v1/stations/coverage/buildings?unit={city.community.code}").json()
    covered = {f["properties"]["name"]: f["properties"]["covered"] for f in fc["features"]}
    assert sorted(covered.values()) == [False, True]
    assert c.get(f"/api/v1/stations/coverage?unit={city.community.code}").json()["residents_share"] == 0.4
