"""Joint-meeting figures (E1) for a unit and everything under it."""

from jiceng.meetings.selectors import on_time_rate


def figures(unit, *, today) -> dict:
    rate = on_time_rate(unit, today.year, today)
    return {"joint_meetings_on_time_rate": round(rate, 4) if rate is not None else None}
