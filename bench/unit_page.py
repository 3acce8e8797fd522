"""The unit browser page for a community, server time, on PostgreSQL with a 1,000,000-resident city
(target p50 ≤ 150 ms). Also reports the street and city pages for comparison."""

from _common import ensure_city, report, setup_database, timed

setup_database("city", keep=True)
ensure_city(residents=1_000_000, steps=["orgs", "people"])

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from jiceng.accounts.models import User  # noqa: E402
from jiceng.orgs.models import Unit  # noqa: E402
from jiceng.people.models import Person  # noqa: E402

client = Client()
client.force_login(User.objects.get(username="demo-admin"))
community = Unit.objects.filter(kind="community").order_by("code")[100]
street = Unit.objects.filter(kind="street").order_by("code").first()


def get(unit):
    response = client.get(f"/units/{unit.code}/")
    if response.status_code != 200:
        raise RuntimeError(response.status_code)
    return response


samples = timed(lambda: get(community), repeat=50)
street_samples = sorted(timed(lambda: get(street), repeat=15))
city = Unit.objects.get(kind="city")
city_samples = sorted(timed(lambda: get(city), repeat=5, warmup=1))
report("unit-page", samples, community=community.name, street_p50_ms=round(street_samples[len(street_samples) // 2], 1),
       city_p50_ms=round(city_samples[len(city_samples) // 2], 1), city_residents=Person.objects.count(),
       database=connection.vendor, target_p50_ms=150)
