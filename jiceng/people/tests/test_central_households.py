"""Party-member central households (A2): a member living in the grid looks after neighbouring households of
the same grid, chosen on a list; visits are logged; coverage per grid is households looked after / households."""

import datetime

import pytest

from jiceng.core.errors import Conflict, ValidationFailed
from jiceng.orgs.services import unit_create
from jiceng.people import services
from jiceng.people.models import CentralHousehold, CentralHouseholdVisit


@pytest.fixture
def neighbours(city):
    return [unit_create(actor=None, parent=city.building, kind="household", code=f"{city.building.code}{i + 2:02d}01",
                        name=f"1单元10{i + 2}室") for i in range(3)]


def test_a_central_household_looks_after_neighbours_and_coverage_is_counted_per_grid(city, neighbours, client_for):
    membership = city.member_person.party_membership
    ch = services.central_household_create(actor=city.users["grid_worker"], member=membership, grid=city.grid,
                                           households=[city.household, neighbours[0]])
    r = client_for("community_worker").get(f"/api/v1/central-households?grid={city.grid.code}").json()
    assert r["coverage"] == [{"grid": city.grid.code, "covered": 2, "households": 4, "share": 0.5}]
    assert sorted(r["results"][0]["households"]) == sorted([city.household.code, neighbours[0].code])
    page = client_for("community_worker").get(f"/units/{city.community.code}/").content.decode()
    assert "central-coverage" in page and "50%" in page
    services.central_household_set_households(actor=None, ch=ch, households=[city.household] + neighbours)
    r = client_for("grid_worker").get(f"/api/v1/central-households?grid={city.grid.code}").json()
    assert r["coverage"][0]["covered"] == 4 and r["coverage"][0]["share"] == 1.0


def test_households_outside_the_grid_and_members_living_elsewhere_are_refused(city):
    membership = city.member_person.party_membership
    with pytest.raises(ValidationFailed) as exc:
        services.central_household_create(actor=None, member=membership, grid=city.grid,
                                          households=[city.household2])
    assert exc.value.field == "households"
    with pytest.raises(ValidationFailed) as exc:
        services.central_household_create(actor=None, member=membership, grid=city.grid_b, households=[])
    assert exc.value.field == "member"
    services.central_household_create(actor=None, member=membership, grid=city.grid, households=[])
    with pytest.raises(Conflict):
        services.central_household_create(actor=None, member=membership, grid=city.grid, households=[])


def test_visits_are_logged_only_to_households_looked_after(city, neighbours, client_for):
    ch = services.central_household_create(actor=None, member=city.member_person.party_membership, grid=city.grid,
                                           households=[city.household])
    client = client_for("grid_worker")
    r = client.post(f"/api/v1/central-households/{ch.pk}/visits",
                    {"household": neighbours[0].code, "visited_on": "2026-01-05"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "household"
    r = client.post(f"/api/v1/central-households/{ch.pk}/visits",
                    {"household": city.household.code, "visited_on": "2999-01-05"}, content_type="application/json")
    assert r.status_code == 422
    r = client.post(f"/people/central-households/{ch.pk}/visits/",
                    {"household": city.household.pk, "visited_on": "2026-01-05", "note": "了解老人情况"})
    assert r.status_code == 302
    visit = CentralHouseholdVisit.objects.get()
    assert visit.visited_on == datetime.date(2026, 1, 5) and visit.unit_path == city.household.path
    assert "了解老人情况" in client.get(f"/people/central-households/{ch.pk}/").content.decode()


def test_a_grid_worker_outside_the_grid_and_another_street_get_404(city, client_for):
    ch = services.central_household_create(actor=None, member=city.member_person.party_membership, grid=city.grid,
                                           households=[city.household])
    other = unit_create(actor=None, parent=city.community, kind="grid", code="141002001001003", name="第三网格")
    r = client_for("grid_worker").get(f"/people/central-households/?grid={city.grid_b.code}")
    assert r.status_code == 404
    r = client_for("grid_worker").put(f"/api/v1/central-households/{ch.pk}/households",
                                      {"households": [city.household2.code]}, content_type="application/json")
    assert r.status_code == 404  # a household of another street is unknown to a grid worker
    r = client_for("outsider").get(f"/api/v1/central-households/{ch.pk}")
    assert r.status_code == 404
    r = client_for("outsider").post(f"/people/central-households/{ch.pk}/visits/",
                                    {"household": city.household.pk, "visited_on": "2026-01-05"})
    assert r.status_code == 404
    r = client_for("party_member").post(f"/api/v1/central-households/{ch.pk}/visits",
                                        {"household": city.household.code, "visited_on": "2026-01-05"},
                                        content_type="application/json")
    assert r.status_code == 403
    assert other.kind == "grid" and not CentralHouseholdVisit.objects.exists()
    assert list(CentralHousehold.objects.get().households.all()) == [city.household]


def test_bad_input_is_a_422_and_nothing_is_written(city, client_for):
    client = client_for("community_worker")
    r = client.post("/api/v1/central-households", {"grid": city.grid.code, "person_id": city.resident_person.pk},
                    content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "person_id"  # 张伟 is not a party member
    r = client.post("/api/v1/central-households", {"grid": city.grid.code, "person_id": 0},
                    content_type="application/json")
    assert r.status_code == 422
    r = client.post(f"/people/central-households/?grid={city.grid.code}", {"member": "x"})
    assert r.status_code == 422
    assert not CentralHousehold.objects.exists()


def test_the_central_households_page_runs_a_fixed_number_of_queries(city, neighbours, client_for):
    from jiceng.core.testing import assert_queries

    services.central_household_create(actor=None, member=city.member_person.party_membership, grid=city.grid,
                                      households=[city.household])
    client = client_for("grid_worker")
    url = f"/people/central-households/?grid={city.grid.code}"
    # session, user, grants; grid; rows; coverage (grids, covered); the map's household and building points;
    # the form's members and households
    with assert_queries(11, label="people:central_households") as first:
        assert client.get(url).status_code == 200
    for i, h in enumerate(neighbours):
        person = services.person_create(actor=None, household=h, name=f"党员{i}", gender="M")
        m = services.party_membership_set(actor=None, person=person, org=city.org_grid)
        services.central_household_create(actor=None, member=m, grid=city.grid, households=[h])
    with assert_queries(len(first.captured_queries), label="people:central_households, more rows"):
        assert client.get(url).status_code == 200


def test_the_map_places_households_without_a_point_at_their_building(city, neighbours):
    from jiceng.orgs.models import Unit
    from jiceng.people.selectors import grid_household_points

    Unit.objects.filter(pk=city.building.pk).update(lat=36.081, lng=111.501)
    Unit.objects.filter(pk=neighbours[0].pk).update(lat=36.082, lng=111.502)
    dots = {(d["lat"], d["lng"]): sorted(d["ids"]) for d in grid_household_points(city.grid)}
    assert dots == {(36.082, 111.502): [neighbours[0].pk],
                    (36.081, 111.501): sorted([city.household.pk, neighbours[1].pk, neighbours[2].pk])}
