"""PostgreSQL plan guard: no list page reads a whole big table.

The small test city is grown to tens of thousands of people, households and cases (bulk rows, then
ANALYZE, so the planner sees a table of that size), each list page is opened as the city administrator
and as a street official, and every SELECT it ran is EXPLAINed: a Seq Scan on people, units or cases
fails the test (a page over a million residents would read them all). Skipped on SQLite.
"""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

BIG_TABLES = {"people_person", "orgs_unit", "cases_case"}
PEOPLE, HOUSEHOLDS, CASES = 30_000, 3_000, 30_000

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's")


@pytest.fixture
def big_city(city):
    from jiceng.cases.models import Case, Category
    from jiceng.orgs.models import Unit
    from jiceng.people.models import Person

    b = city.building
    Unit.objects.bulk_create([Unit(kind="household", code=f"{b.code}{i:05d}", name=f"{i}室", parent=b,
                                   path=f"{b.path}{b.code}{i:05d}/", depth=b.depth + 1)
                              for i in range(HOUSEHOLDS)], batch_size=2000)
    households = list(Unit.objects.filter(parent=b, kind="household").values_list("id", "path"))
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


def _seq_scans(plan) -> set[str]:
    found = set()
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in BIG_TABLES:
        found.add(plan["Relation Name"])
    for child in plan.get("Plans", []):
        found |= _seq_scans(child)
    return found


LIST_PAGES = [
    "/people/",
    "/people/?unit={street}",
    "/cases/desk/",
    "/cases/queue/",
    "/network/integrity/{city_code}/",
    "/network/integrity/{street}/",
    "/units/{city_code}/",
    "/units/{street}/",
    "/units/{building}/",
]


def test_no_list_page_scans_a_whole_big_table(big_city, client_for):
    """One test over every page and persona: the grown city is built once."""
    scans = []
    for persona in ("city_admin", "street_official"):
        client = client_for(persona)
        for url in LIST_PAGES:
            url = url.format(street=big_city.street.code, city_code=big_city.city.code,
                             building=big_city.building.code)
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            if persona == "street_official" and big_city.city.code + "/" in url:
                assert response.status_code == 404, url
                continue
            assert response.status_code == 200, url
            with connection.cursor() as cursor:
                for query in ctx.captured_queries:
                    sql = query["sql"]
                    if not sql.lstrip().upper().startswith("SELECT"):
                        continue
                    cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
                    plan = cursor.fetchone()[0]
                    plan = json.loads(plan) if isinstance(plan, str) else plan
                    tables = _seq_scans(plan[0]["Plan"])
                    if tables:
                        scans.append(f"{url} as {persona}: {sorted(tables)}: {sql[:400]}")
    assert not scans, "list pages that scan a whole table:\n" + "\n".join(scans)
