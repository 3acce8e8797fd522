"""The cockpit page runs a fixed number of queries: more units below or more cases add none."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jiceng.cockpit.registry import compute_figures
from jiceng.cockpit.tests.conftest import G1_POINT, G2_POINT, GB_POINT, cockpit_data
from jiceng.core.testing import assert_queries
from jiceng.orgs.services import unit_create

pytestmark = pytest.mark.django_db

# Besides the figures (each capability's figures.py, pinned by its own tests):
#  1. the session's user   2. the user's grants   3. the shown unit (scope-filtered)
#  4. the units below, scope-filtered            5. case measures of each, one rollup query grouped by path
#  6. residents of each, one query over their kept tallies
#  7. the ancestors for the crumbs               8. the monthly series, one rollup query grouped by month
PAGE_QUERIES = 9  # (with the server-side session)


def figure_queries(unit) -> int:
    with CaptureQueriesContext(connection) as ctx:
        compute_figures(unit, today=timezone.localdate())
    return len(ctx.captured_queries)


def _box(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def test_the_county_page_query_count_is_pinned_and_does_not_grow(client_for, city, submit, close_case):
    client = client_for("city_admin")
    url = f"/cockpit/?unit={city.county.code}&measure=residents"
    client.get(url)  # (warm the session)
    expected = PAGE_QUERIES + figure_queries(city.county)
    with assert_queries(expected, label="cockpit, a county with 2 streets and no case"):
        client.get(url)
    # Grow: a third street with two communities and a grid, and cases in every street.
    street3 = unit_create(actor=None, parent=city.county, kind="street", code="141002003", name="第三街道",
                          geometry=_box(111.6, 36.0, 111.7, 36.2))
    for i in range(2):
        community = unit_create(actor=None, parent=street3, kind="community", code=f"14100200300{i + 1}",
                                name=f"新社区{i + 1}", geometry=_box(111.6 + i * 0.05, 36.0, 111.65 + i * 0.05, 36.1))
    unit_create(actor=None, parent=community, kind="grid", code=f"{community.code}001", name="新网格",
                geometry=_box(111.65, 36.0, 111.7, 36.1))
    for point in (G1_POINT, GB_POINT, G2_POINT, G2_POINT, (36.05, 111.67)):
        submit(point=point)
    close_case(submit())
    assert figure_queries(city.county) == expected - PAGE_QUERIES
    with assert_queries(expected, label="cockpit, a county with 3 streets and 6 cases"):
        response = client.get(url)
    assert len(cockpit_data(response)["map"]["features"]) == 3
    assert sum(cockpit_data(response)["months"]["received"]) == 6


def test_the_city_page_does_not_grow_with_counties(client_for, city):
    client = client_for("city_admin")
    client.get("/cockpit/")
    # At the city there are no ancestors: the crumbs query is skipped.
    expected = PAGE_QUERIES - 1 + figure_queries(city.city)
    with assert_queries(expected, label="cockpit, a city with 1 county"):
        client.get("/cockpit/")
    for i in range(3):
        unit_create(actor=None, parent=city.city, kind="county", code=f"14102{i + 1}", name=f"新县{i + 1}",
                    geometry=_box(111.6 + i * 0.1, 36.2, 111.7 + i * 0.1, 36.3))
    with assert_queries(expected, label="cockpit, a city with 4 counties"):
        response = client.get("/cockpit/")
    assert len(cockpit_data(response)["bars"]["names"]) == 4
