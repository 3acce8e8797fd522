"""Pinned query counts: the unit browser, the people list and the figures endpoint do not grow with the data."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiceng.cockpit.registry import compute_figures
from jiceng.core.testing import assert_queries
from jiceng.orgs.figures import figures as org_figures
from jiceng.orgs.services import unit_create
from jiceng.people.services import person_create


def _grow(city, n):
    for i in range(n):
        grid = unit_create(actor=None, parent=city.community, kind="grid", code=f"141002001001{100 + i}", name=f"g{i}")
        compound = unit_create(actor=None, parent=grid, kind="compound", code=f"{grid.code}001", name="c")
        building = unit_create(actor=None, parent=compound, kind="building", code=f"{compound.code}001", name="b")
        household = unit_create(actor=None, parent=building, kind="household", code=f"{building.code}0001", name="h")
        person_create(actor=None, household=household, name=f"人{i}", gender="M")


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_unit_browser_queries_are_pinned(client_for, city):
    client = client_for("street_official")
    # 1 session user, 2 grants, 3 the unit, 4 its tally, 5 children, 6 the children's tallies,
    # 7 ancestors, 8 party chain, 9 big committees, 10-11 central households' coverage (grids, households
    # looked after per grid)
    with assert_queries(12, label="community page"):  # + the server-side session
        assert client.get(f"/units/{city.community.code}/").status_code == 200
    before = _count(client, f"/units/{city.community.code}/")
    _grow(city, 5)
    assert _count(client, f"/units/{city.community.code}/") == before


def test_people_list_queries_are_pinned(client_for, city):
    client = client_for("community_worker")
    # 1 user, 2 grants, 3 a keyset page of residents with household and party membership joined,
    # 4 the non-residents that fill it (a small city's page holds both), 5 the total (residents and
    # non-residents) from the scope unit's tally row, never a count over the people, 6 the server-side session
    with assert_queries(6, label="people list"):
        assert client.get("/people/").status_code == 200
    _grow(city, 5)
    with assert_queries(6, label="people list after growth"):
        assert client.get("/people/").status_code == 200


def test_structure_figures_are_a_fixed_number_of_queries(city):
    # 1 the unit's tally, 2 grid party orgs, 3 community big committees, 4 part-time members
    with assert_queries(4, label="structure figures"):
        org_figures(city.city, today=__import__("datetime").date(2026, 11, 28))


def test_figures_endpoint_does_not_grow_with_the_data(client_for, city):
    client = client_for("city_admin")
    before = _count(client, "/api/v1/cockpit/figures")
    _grow(city, 4)
    assert _count(client, "/api/v1/cockpit/figures") == before
    assert compute_figures(city.city)["grids"] == 7
