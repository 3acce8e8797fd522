"""Cases per month for the unit and below: one grouped query over the monthly rollup, every month listed."""

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.utils import timezone

from jiceng.cases.measures import monthly_counts
from jiceng.cockpit.selectors import month_series
from jiceng.cockpit.tests.conftest import G1_POINT, G2_POINT, GB_POINT
from jiceng.core.testing import assert_queries

pytestmark = pytest.mark.django_db


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), zoneinfo.ZoneInfo(settings.TIME_ZONE))


def test_monthly_counts_match_a_hand_count_with_empty_months_as_zero(city, submit, close_case):
    # Street S1: two cases in January 2026 (one closed), one in March; street S2: one in January.
    close_case(submit(now=at(datetime.date(2026, 1, 5))))
    submit(point=GB_POINT, now=at(datetime.date(2026, 1, 20)))
    submit(now=at(datetime.date(2026, 3, 31)))
    submit(point=G2_POINT, now=at(datetime.date(2026, 1, 9)))
    with assert_queries(1, label="monthly counts"):
        rows = monthly_counts(city.street.path, datetime.date(2025, 12, 15), datetime.date(2026, 4, 2))
    assert [(r["month"], r["received"], r["closed"]) for r in rows] == [
        (datetime.date(2025, 12, 1), 0, 0), (datetime.date(2026, 1, 1), 2, 1), (datetime.date(2026, 2, 1), 0, 0),
        (datetime.date(2026, 3, 1), 1, 0), (datetime.date(2026, 4, 1), 0, 0)]
    assert rows[1]["rated"] == 1 and rows[1]["satisfied"] == 1
    city_rows = monthly_counts(city.city.path, datetime.date(2026, 1, 1), datetime.date(2026, 1, 31))
    assert [r["received"] for r in city_rows] == [3]


def test_the_cockpit_series_covers_the_last_twelve_months_up_to_this_one(city, submit):
    today = timezone.localdate()
    submit()
    series = month_series(city.city, today=today)
    assert len(series["months"]) == 12 and series["months"][-1] == today.strftime("%Y-%m")
    first = datetime.date(int(series["months"][0][:4]), int(series["months"][0][5:]), 1)
    assert (today.year * 12 + today.month) - (first.year * 12 + first.month) == 11
    assert series["received"][-1] == 1 and sum(series["received"]) == 1 and series["closed"] == [0] * 12


def test_a_year_boundary_does_not_break_the_series(city):
    series = month_series(city.city, today=datetime.date(2026, 1, 31))
    assert series["months"][0] == "2025-02" and series["months"][-1] == "2026-01"


def test_the_page_charts_a_case_received_this_month(client_for, city, submit):
    submit(point=G1_POINT)
    from jiceng.cockpit.tests.conftest import cockpit_data

    data = cockpit_data(client_for("street_official").get("/cockpit/"))
    assert data["months"]["received"][-1] == 1 and data["months"]["closed"][-1] == 0
