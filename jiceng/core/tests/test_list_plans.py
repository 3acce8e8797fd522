"""PostgreSQL plan guard: no list page reads a whole big table.

The small test city is grown to tens of thousands of people, households and cases (bulk rows, then
ANALYZE, so the planner sees a table of that size), each list page of the registry (list_pages.py) is
opened as the city administrator and as a street official, and every SELECT it ran is EXPLAINed. It
fails on a plan that reads a whole big table (people, units, cases): a Seq Scan of one, or a Sort under
a Limit over a thousand rows or more of one (every matching row read and sorted to return a page: a
keyset page needs an index in the list's order; sorting the few rows of one parent is fine). A page over a million residents would read them all. Skipped on SQLite.
"""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jiceng.core.tests.list_pages import urls

BIG_TABLES = {"people_person", "orgs_unit", "cases_case"}
PEOPLE, HOUSEHOLDS, CASES = 30_000, 3_000, 30_000
PER_BUILDING = 50
SORT_ROWS = 1000  # rows a Sort under a Limit may read (a parent's children, a case's events)

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's")


@pytest.fixture
def big_city(city):
    from jiceng.cases.models import Case, Category
    from jiceng.orgs.models import Unit
    from jiceng.people.models import Person

    # Households in buildings of PER_BUILDING (the building page lists one building's households): the
    # test city's building B1 and more buildings of its compound.
    b, c = city.building, city.compound
    Unit.objects.bulk_create([Unit(kind="building", code=f"{c.code}{i:03d}", name=f"{i}号楼", parent=c,
                                   path=f"{c.path}{c.code}{i:03d}/", depth=c.depth + 1)
                              for i in range(2, HOUSEHOLDS // PER_BUILDING + 1)])
    buildings = [b, *Unit.objects.filter(parent=c, kind="building").exclude(pk=b.pk).order_by("code")]
    Unit.objects.bulk_create([Unit(kind="household", code=f"{bb.code}{i:04d}", name=f"{i}室", parent=bb,
                                   path=f"{bb.path}{bb.code}{i:04d}/", depth=bb.depth + 1)
                              for bb in buildings for i in range(PER_BUILDING)], batch_size=2000)
    households = list(Unit.objects.filter(path__startswith=c.path, kind="household").values_list("id", "path"))
    Person.objects.bulk_create([Person(name=f"居民{i}", gender="MF"[i % 2], household_id=households[i % len(households)][0],
                                       unit_path=households[i % len(households)][1], is_resident=i % 50 != 0)
                                for i in range(PEOPLE)], batch_size=5000)
    category = Category.objects.filter(parent__isnull=False).first()
    now = timezone.now()
    Case.objects.bulk_create([Case(
        code=f"T{i:09d}", category=category, status="closed" if i % 40 else "dispatched", source="api",
        description="测试", grid=city.grid, unit_path=city.grid.path, handler=city.grid, handler_path=city.grid.path,
        level="grid", received_at=now - datetime.timedelta(minutes=i), closed_at=now if i % 40 else None,
        deadline_at=now + datetime.timedelta(hours=i % 100)) for i in range(CASES)], batch_size=5000)
    with connection.cursor() as cursor:
        for table in BIG_TABLES:
            cursor.execute(f"ANALYZE {table}")
    return city


def _nodes(plan, parents=()):
    yield plan, parents
    for child in plan.get("Plans", []):
        yield from _nodes(child, (*parents, plan))


def plan_problems(plan) -> list[str]:
    """Whole-table reads of a big table in an EXPLAIN (FORMAT JSON) plan."""
    problems = []
    for node, parents in _nodes(plan):
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in BIG_TABLES:
            problems.append(f"Seq Scan on {node['Relation Name']}")
        if node["Node Type"] == "Sort" and node.get("Plan Rows", 0) >= SORT_ROWS \
                and any(p["Node Type"] == "Limit" for p in parents):
            tables = sorted({n.get("Relation Name") for n, _p in _nodes(node)} & BIG_TABLES)
            if tables:
                problems.append(f"Sort ({', '.join(node.get('Sort Key', []))}) of every matching row of "
                                f"{', '.join(tables)} under a Limit")
    return problems


def test_the_guard_sees_a_whole_table_read(big_city):
    """The rules catch the two shapes: no index for the filter, no index for a paged order."""
    from django.db.models.functions import Length

    from jiceng.people.models import Person

    def problems(qs):
        plan = json.loads(qs.explain(format="json"))
        return plan_problems(plan[0]["Plan"])

    assert any("Seq Scan on people_person" in p for p in problems(Person.objects.annotate(n=Length("name"))
                                                                    .filter(n=7)))
    assert any("Sort" in p for p in problems(Person.objects.order_by(Length("name"))[:50]))
    assert problems(Person.objects.filter(pk=1)) == []


def test_no_list_page_scans_a_whole_big_table(big_city, client_for):
    """One test over every page and persona: the grown city is built once."""
    scans = []
    for persona in ("city_admin", "street_official"):
        client = client_for(persona)
        for _name, url in urls(big_city):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            if persona == "street_official" and response.status_code in (403, 404):
                continue  # the city's own pages, or a role the street official does not hold
            assert response.status_code == 200, url
            with connection.cursor() as cursor:
                for query in ctx.captured_queries:
                    sql = query["sql"]
                    if not sql.lstrip().upper().startswith("SELECT"):
                        continue
                    cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
                    plan = cursor.fetchone()[0]
                    plan = json.loads(plan) if isinstance(plan, str) else plan
                    found = plan_problems(plan[0]["Plan"])
                    if found:
                        scans.append(f"{url} as {persona}: {found}: {sql[:400]}")
    assert not scans, "list pages that scan a whole table:\n" + "\n".join(scans)
