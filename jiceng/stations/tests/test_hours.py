import datetime

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from jiceng.core.errors import ValidationFailed
from jiceng.stations import hours

T = datetime.time
ROWS = hours.validate_periods({0: [(T(8), T(12)), (T(14), T(18))], 5: [(T(9), T(11))], 7: [(T(10), T(16))]})


def test_weekday_periods_apply_on_an_ordinary_day():
    monday = datetime.date(2026, 12, 7)
    assert hours.is_open(ROWS, datetime.datetime.combine(monday, T(9)), {})
    assert not hours.is_open(ROWS, datetime.datetime.combine(monday, T(13)), {})
    assert not hours.is_open(ROWS, datetime.datetime.combine(monday, T(18)), {})  # closes at 18:00


def test_a_public_holiday_follows_the_holiday_periods():
    monday = datetime.date(2026, 12, 7)
    calendar = {monday: False}
    assert not hours.is_open(ROWS, datetime.datetime.combine(monday, T(9)), calendar)
    assert hours.is_open(ROWS, datetime.datetime.combine(monday, T(15)), calendar)


def test_a_make_up_workday_on_a_weekend_follows_monday():
    saturday = datetime.date(2026, 12, 12)
    assert hours.periods_on(ROWS, saturday, {}) == [(T(9), T(11))]
    assert hours.periods_on(ROWS, saturday, {saturday: True}) == [(T(8), T(12)), (T(14), T(18))]


def test_holiday_table_of_cases_is_used_by_the_public_page(city, client):
    from jiceng.cases.models import Holiday
    from jiceng.stations.services import position_create

    today = timezone.localdate()
    p = position_create(actor=None, unit=city.compound, level="station", name="驿站", lat=36.05, lng=111.42,
                        address="五一路", hours={today.weekday(): "00:00-24:00", 7: ""})
    assert "00:00-23:59" in client.get(f"/stations/p/{p.pk}/").content.decode()
    Holiday.objects.create(date=today, workday=False)
    page = client.get(f"/stations/p/{p.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "00:00-23:59</td>" in page  # the weekly table still lists the weekday …
    assert '<span id="today-hours">休息</span>' in page  # … but today is a holiday: closed


minutes = st.integers(min_value=0, max_value=24 * 60 - 1)


@given(st.lists(st.tuples(minutes, minutes), min_size=1, max_size=5))
def test_accepted_periods_never_overlap_and_always_end_after_they_start(pairs):
    periods = [(T(a // 60, a % 60), T(b // 60, b % 60)) for a, b in pairs]
    try:
        rows = hours.validate_periods({3: periods})
    except ValidationFailed:
        return
    for (_d, o, c) in rows:
        assert c > o
    for (_d1, _o1, c1), (_d2, o2, _c2) in zip(rows, rows[1:], strict=False):
        assert o2 >= c1


@pytest.mark.parametrize("text", ["25:00-26:00", "08:00", "08:00-07:00", "08:00-12:00,09:00-10:00"])
def test_bad_hours_text_is_refused(text):
    with pytest.raises(ValidationFailed):
        hours.validate_periods({0: hours.parse_day(text)})
