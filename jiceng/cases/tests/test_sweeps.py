"""Deadlines: a warning at 75 %, a supervision card and automatic escalation at breach."""

import datetime

from jiceng.cases.models import CaseEvent, Status
from jiceng.cases.selectors import supervision_board
from jiceng.cases.sweeps import sweep


def test_an_overdue_case_escalates_by_itself_and_gets_a_supervision_card(submit, city):
    case = submit()  # 4 calendar hours
    t0 = case.received_at
    assert sweep(t0 + datetime.timedelta(hours=2)) == {"warnings": 0, "breaches": 0, "intake_records_purged": 0}
    assert sweep(t0 + datetime.timedelta(hours=3, minutes=1)) == {"warnings": 1, "breaches": 0, "intake_records_purged": 0}
    assert CaseEvent.objects.filter(case=case, action="warning").count() == 1
    assert sweep(t0 + datetime.timedelta(hours=3, minutes=2))["warnings"] == 0  # once only
    result = sweep(t0 + datetime.timedelta(hours=4, minutes=1))
    assert result["breaches"] == 1
    case.refresh_from_db()
    assert case.level == "community" and case.handler == city.community and case.overdue
    assert case.status == Status.REGISTERED
    card = case.cards.get()
    assert card.unit == city.community and card.resolved_at is None
    # Visible to the level above the late grid, not to the grid worker's board.
    assert list(supervision_board(user=city.users["community_worker"])) == [card]
    assert list(supervision_board(user=city.users["grid_worker"])) == []
    assert list(supervision_board(user=city.users["outsider"])) == []
    assert sweep(t0 + datetime.timedelta(hours=4, minutes=2))["breaches"] == 0


def test_working_hour_deadlines_skip_nights_weekends_and_holidays(db):
    import zoneinfo

    from jiceng.cases.deadlines import add_working_hours

    tz = zoneinfo.ZoneInfo("Asia/Shanghai")
    fri = datetime.datetime(2026, 9, 25, 17, 0, tzinfo=tz)  # a Friday, 1 working hour left
    assert add_working_hours(fri, 2, {}) == datetime.datetime(2026, 9, 28, 10, 0, tzinfo=tz)
    holiday = {datetime.date(2026, 9, 28): False, datetime.date(2026, 9, 27): True}  # Sunday is a make-up day
    assert add_working_hours(fri, 2, holiday) == datetime.datetime(2026, 9, 27, 10, 0, tzinfo=tz)
    lunch = datetime.datetime(2026, 9, 24, 11, 30, tzinfo=tz)
    assert add_working_hours(lunch, 1, {}) == datetime.datetime(2026, 9, 24, 13, 30, tzinfo=tz)
