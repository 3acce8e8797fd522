import pytest

from jiceng.core.errors import ValidationFailed
from jiceng.meetings import services
from jiceng.meetings.models import MeetingPeriod


def test_each_level_gets_its_default_cadence(city):
    assert services.system_configure(actor=None, unit=city.city).cadence == "half_year"
    assert services.system_configure(actor=None, unit=city.county).cadence == "quarter"
    assert services.system_configure(actor=None, unit=city.street).cadence == "quarter"
    assert services.system_configure(actor=None, unit=city.community).cadence == "month"


def test_a_street_may_configure_its_cadence_but_a_community_may_not(city):
    assert services.system_configure(actor=None, unit=city.street, cadence="two_months").cadence == "two_months"
    with pytest.raises(ValidationFailed):
        services.system_configure(actor=None, unit=city.community, cadence="quarter")


def test_the_schedule_has_one_period_per_cadence_step_and_is_idempotent(city):
    for unit, n in [(city.city, 2), (city.county, 4), (city.community, 12)]:
        s = services.system_configure(actor=None, unit=unit)
        assert services.schedule_generate(actor=None, system=s, year=2026) == n
        assert services.schedule_generate(actor=None, system=s, year=2026) == 0
    periods = list(MeetingPeriod.objects.filter(system__unit=city.county).order_by("index"))
    assert [(p.starts_on.month, p.ends_on.month, p.ends_on.day) for p in periods] == [
        (1, 3, 31), (4, 6, 30), (7, 9, 30), (10, 12, 31)]


def test_grid_units_hold_no_joint_meeting(city):
    with pytest.raises(ValidationFailed):
        services.system_configure(actor=None, unit=city.grid)


def test_the_sweep_generates_the_new_years_schedule_once(city):
    import datetime

    from django.utils import timezone

    from jiceng.meetings import sweeps

    services.system_configure(actor=None, unit=city.community)
    now = timezone.make_aware(datetime.datetime(2031, 1, 2, 8))
    assert sweeps.sweep(now)["scheduled"] == 1
    assert MeetingPeriod.objects.filter(year=2031).count() == 12
    assert sweeps.sweep(now)["scheduled"] == 0


def test_a_street_changing_its_cadence_reschedules_only_periods_not_yet_begun(city, monkeypatch):
    import datetime

    from django.utils import timezone

    s = services.system_configure(actor=None, unit=city.street)  # quarterly
    services.schedule_generate(actor=None, system=s, year=2026)
    monkeypatch.setattr(timezone, "localdate", lambda *a: datetime.date(2026, 5, 10))
    services.system_configure(actor=None, unit=city.street, cadence="month")
    periods = list(MeetingPeriod.objects.filter(system=s, year=2026).order_by("starts_on"))
    # Q1 and Q2 (begun) stay quarterly; from July on, one period a month.
    assert [(p.starts_on.month, p.ends_on.month) for p in periods] == [(1, 3), (4, 6)] + [(m, m) for m in range(7, 13)]
    assert sorted(p.index for p in periods) == list(range(1, 9))
