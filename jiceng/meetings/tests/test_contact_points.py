import pytest

from jiceng.core.errors import ValidationFailed
from jiceng.meetings import selectors, services
from jiceng.meetings.tests.conftest import YEAR, day


def test_higher_leaders_attend_at_their_contact_points_and_are_counted(system, members, city):
    point = services.contact_point_create(actor=None, leader_name="县委书记", leader_unit=city.county,
                                          unit=city.community)
    for month in (1, 2, 3):
        services.meeting_record(actor=None, system=system, held_on=day(month), title="会议", today=day(12),
                                present_member_ids=[m.pk for m in members],
                                leader_contact_point_ids=[point.pk] if month != 2 else [])
    stats = selectors.contact_point_stats(user=city.users["city_admin"], unit=city.county, year=YEAR)
    assert [(s["point"].pk, s["meetings"], s["attended"]) for s in stats] == [(point.pk, 3, 2)]


def test_a_contact_point_is_below_the_leaders_unit(city):
    with pytest.raises(ValidationFailed):
        services.contact_point_create(actor=None, leader_name="x", leader_unit=city.community, unit=city.street)


def test_a_leader_attends_only_at_a_contact_point_of_this_unit(system, city):
    other = services.contact_point_create(actor=None, leader_name="x", leader_unit=city.county, unit=city.community2)
    with pytest.raises(ValidationFailed):
        services.meeting_record(actor=None, system=system, held_on=day(1), title="会议", today=day(12),
                                leader_contact_point_ids=[other.pk])
