"""Residents under one street counted, on PostgreSQL with a 1,000,000-resident city (target p50 ≤ 20 ms)."""

from _common import ensure_city, report, setup_django, timed

setup_django("jiceng_bench_city")
ensure_city(residents=1_000_000, steps=["orgs", "people"])

from django.db import connection  # noqa: E402

from jiceng.orgs.models import Unit  # noqa: E402
from jiceng.orgs.selectors import residents_count  # noqa: E402
from jiceng.people.models import Person  # noqa: E402

streets = list(Unit.objects.filter(kind="street"))
biggest = max(streets, key=lambda s: residents_count(s))
count = residents_count(biggest)
samples = timed(lambda: residents_count(biggest), repeat=100)
report("subtree", samples, residents_in_street=count, street=biggest.name,
       city_residents=Person.objects.count(), database=connection.vendor, target_p50_ms=20)
