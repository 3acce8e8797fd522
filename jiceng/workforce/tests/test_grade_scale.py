import pytest

from jiceng.core.errors import Forbidden, ValidationFailed
from jiceng.workforce import services


def test_a_county_sets_its_scale_and_every_worker_is_regraded(city, wf):
    before = wf.staff.grade
    services.grade_scale_set(actor=city.users["city_admin"], county=city.county, other_low=2, other_high=13)
    wf.staff.refresh_from_db()
    assert wf.staff.grade == before + 1
    assert wf.staff.grade_steps.first().detail["low"] == 2


def test_a_band_outside_1_to_18_is_refused_and_a_street_may_not_set_it(city, wf):
    with pytest.raises(ValidationFailed):
        services.grade_scale_set(actor=None, county=city.county, principal_high=19)
    with pytest.raises(Exception):  # noqa: B017 (the county is outside the street's area: 404)
        services.grade_scale_set(actor=city.users["street_official"], county=city.county, years_per_grade=2)
    with pytest.raises((Forbidden, ValidationFailed)):
        services.grade_scale_set(actor=None, county=city.street, years_per_grade=2)
