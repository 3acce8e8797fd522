"""The "should build, build all" gap list of new organizations for the whole city, server time, on PostgreSQL
(target p50 <= 150 ms), with the demo city's units and party organizations and its new-organization registry
at three times the demo's size. Also reports a community's gap list and the city registry page.

    make bench B=coverage-gaps        # DATABASE_URL names the server; the database is jiceng_bench_coverage_gaps
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import build_units, report, setup_database, teardown_database, timed  # noqa: E402

NAME = "coverage_gaps"
SCALE = 3.0


def main():
    url, created = setup_database(NAME)
    try:
        build_units(("orgs",))
        from django.db import connection
        from django.test import Client
        from jiceng.core.roles import Role

        from jiceng.accounts.services import grant_create, user_create
        from jiceng.demo.runner import DemoContext
        from jiceng.neworgs import demo
        from jiceng.neworgs.models import NewOrg
        from jiceng.orgs.models import Unit

        city = Unit.objects.get(kind="city")
        demo.build(DemoContext(quiet=True, scale=SCALE))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        admin = user_create(actor=None, username="bench-admin", password="bench-admin-pass-1")
        grant_create(actor=None, user=admin, role=Role.CITY_ADMIN, unit=city)
        client = Client()
        client.force_login(admin)
        community = (Unit.objects.filter(kind="community", path__in=[
            "/".join(p.split("/")[:5]) + "/" for p in NewOrg.objects.filter(gap=True).values_list("unit_path",
                                                                                                flat=True)[:1]])
            .first())

        def get(path):
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code}")

        samples = timed(lambda: get(f"/neworgs/gaps/?unit={city.code}"), repeat=50)
        community_samples = sorted(timed(lambda: get(f"/neworgs/gaps/?unit={community.code}"), repeat=30))
        registry_samples = sorted(timed(lambda: get(f"/neworgs/?unit={city.code}"), repeat=20))
        report("coverage-gaps", samples, organizations=NewOrg.objects.count(),
               gaps=NewOrg.objects.filter(gap=True).count(), grids=Unit.objects.filter(kind="grid").count(),
               community_p50_ms=round(community_samples[len(community_samples) // 2], 1),
               city_registry_p50_ms=round(registry_samples[len(registry_samples) // 2], 1),
               load_average=[round(x, 2) for x in os.getloadavg()], database=connection.vendor,
               target_p50_ms=150)
    finally:
        teardown_database(url, created)


if __name__ == "__main__":
    main()
