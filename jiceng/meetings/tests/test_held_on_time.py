import datetime

import pytest
from django.utils import timezone

from jiceng.core.errors import ValidationFailed
from jiceng.core.models import SupervisionCard
from jiceng.meetings import services, sweeps
from jiceng.meetings.figures import figures
from jiceng.meetings.models import MeetingPeriod
from jiceng.meetings.tests.conftest import YEAR, day


def _record(system, members, held_on, present):
    return services.meeting_record(actor=None, system=system, held_on=held_on, title="月度联席会议",
                                   present_member_ids=[m.pk for m in members[:present]],
                                   today=datetime.date(YEAR, 12, 31))


def test_a_quorate_meeting_inside_its_period_is_held_on_time(system, members):
    m = _record(system, members, day(3), present=3)
    assert m.quorate
    period = MeetingPeriod.objects.get(system=system, index=3)
    assert period.status == "held" and period.meeting_id == m.pk


def test_a_meeting_without_quorum_does_not_count(system, members):
    m = _record(system, members, day(3), present=1)
    assert not m.quorate
    assert MeetingPeriod.objects.get(system=system, index=3).status == "open"


def test_a_meeting_cannot_be_recorded_before_it_is_held(system, members):
    with pytest.raises(ValidationFailed):
        services.meeting_record(actor=None, system=system, held_on=datetime.date(YEAR, 5, 2), title="x",
                                today=datetime.date(YEAR, 5, 1))


def test_a_period_that_ends_without_a_meeting_is_missed_with_a_prompt_card_and_lowers_the_rate(system, members, city):
    _record(system, members, day(1), present=4)
    _record(system, members, day(2), present=4)
    now = timezone.make_aware(datetime.datetime(YEAR, 4, 10, 9))
    result = sweeps.sweep(now)
    assert result["missed"] == 1
    card = SupervisionCard.objects.get(kind="meeting_missed")
    assert card.unit_path == city.community.path
    assert sweeps.sweep(now)["missed"] == 0  # idempotent
    assert figures(city.street, today=datetime.date(YEAR, 4, 10))["joint_meetings_on_time_rate"] == pytest.approx(2 / 3, abs=1e-4)


def test_a_reminder_card_comes_before_the_period_ends_and_resolves_when_the_meeting_is_held(system, members):
    now = timezone.make_aware(datetime.datetime(YEAR, 1, 27, 9))
    assert sweeps.sweep(now)["reminded"] == 1
    _record(system, members, datetime.date(YEAR, 1, 28), present=4)
    assert SupervisionCard.objects.get(kind="meeting_due").resolved_at is not None


def test_agenda_items_link_to_records_in_the_units_area_only(system, city):
    from jiceng.projects.services import project_create

    project = project_create(actor=None, unit=city.community, title="加装电梯", problem="老旧小区上下楼难",
                             goals="年内加装4部", deadline=datetime.date(YEAR, 12, 1), leader_name="书记", year=YEAR)
    other = project_create(actor=None, unit=city.street2, title="其他", problem="p", goals="g",
                           deadline=datetime.date(YEAR, 12, 1), leader_name="书记", year=YEAR)
    m = services.meeting_record(actor=None, system=system, held_on=day(2), title="会议", today=day(12),
                                agenda=[{"title": "电梯", "ref_type": "projects.project", "ref_id": project.pk}])
    assert m.agenda.get().ref_id == str(project.pk)
    with pytest.raises(ValidationFailed):
        services.meeting_record(actor=None, system=system, held_on=day(2), title="会议", today=day(12),
                                agenda=[{"title": "x", "ref_type": "projects.project", "ref_id": other.pk}])
    with pytest.raises(ValidationFailed):
        services.meeting_record(actor=None, system=system, held_on=day(2), title="会议", today=day(12),
                                agenda=[{"title": "x", "ref_type": "auth.user", "ref_id": 1}])
