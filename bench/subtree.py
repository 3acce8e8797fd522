"""Residents under one street counted, on PostgreSQL with a 1,000,000-resident city (target p50 ≤ 20 ms).

`p50_ms` is what the platform does (the street's tally row, kept current by every write);
`direct_count_p50_ms` counts the rows themselves (index-only scan of the partial path index)."""

from _common import ensure_city, report, setup_database, timed

setup_database("city", keep=True)
ensure_city(residents=1_000_000, steps=["orgs", "people"])

from django.db import connection  # noqa: E402

from jiceng.orgs.models import Unit  # noqa: E402
from jiceng.orgs.selectors import residents_count, residents_count_direct  # noqa: E402
from jiceng.people.models import Person  # noqa: E402

streets = list(Unit.objects.filter(kind="street"))
biggest = max(streets, key=lambda s: residents_count(s))
count = residents_count(biggest)
if count != residents_count_direct(biggest):
    raise RuntimeError("the tally disagrees with the rows")
samples = timed(lambda: residents_count(biggest), repeat=100)
direct = sorted(timed(lambda: residents_count_direct(biggest), repeat=50))
report("subtree", samples, direct_count_p50_ms=round(direct[len(direct) // 2], 2), residents_in_street=count,
       street=biggest.name,
       city_residents=Person.objects.count(), database=connection.vendor, target_p50_ms=20)
