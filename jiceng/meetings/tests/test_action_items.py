import datetime

import pytest
from django.utils import timezone

from jiceng.core.errors import Conflict, ValidationFailed
from jiceng.core.models import SupervisionCard
from jiceng.meetings import services, sweeps
from jiceng.meetings.tests.conftest import YEAR, day


def test_a_resolution_becomes_action_items_tracked_to_done(system, members, city):
    meeting = services.meeting_record(actor=None, system=system, held_on=day(3), title="三月联席会议",
                                      present_member_ids=[m.pk for m in members], today=day(12))
    res = services.resolution_add(actor=None, meeting=meeting, text="整治幸福小区停车乱象", actions=[
        {"title": "施划停车位", "owner_name": "物业经理", "deadline": day(4, 10), "owner_unit": city.grid}])
    item = res.actions.get()
    assert item.unit_path == city.grid.path and item.status == "open"
    # Overdue: a supervision prompt card, raised once.
    assert sweeps.sweep(timezone.make_aware(datetime.datetime(YEAR, 4, 12, 8)))["actions_overdue"] == 1
    card = SupervisionCard.objects.get(kind="action_overdue")
    assert card.resolved_at is None
    services.action_item_complete(actor=city.users["grid_worker"], item=item, note="已施划", today=day(4, 20))
    item.refresh_from_db()
    card.refresh_from_db()
    assert item.status == "done" and card.resolved_at is not None
    with pytest.raises(Conflict):
        services.action_item_complete(actor=None, item=item)


def test_an_action_item_needs_owner_and_deadline_not_before_the_meeting(system, members):
    meeting = services.meeting_record(actor=None, system=system, held_on=day(3), title="会议", today=day(12))
    with pytest.raises(ValidationFailed):
        services.resolution_add(actor=None, meeting=meeting, text="r",
                                actions=[{"title": "a", "owner_name": "", "deadline": day(4)}])
    with pytest.raises(ValidationFailed):
        services.resolution_add(actor=None, meeting=meeting, text="r",
                                actions=[{"title": "a", "owner_name": "o", "deadline": day(2)}])
    assert not meeting.resolutions.exists()
