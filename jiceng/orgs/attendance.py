"""Joint-meeting attendance of a big committee's roster, as orgs shows it on the committee page.

The monthly joint meeting lives in the meetings app, which sits above orgs (docs/architecture.md). Its
attendance is taken from the committee's roster (orgs.PartTimeMember); the committee page shows each
member's and each source's attendance rate through the function meetings registers here at start-up
(`MeetingsConfig.ready`), so that orgs imports nothing of meetings.
"""

from collections.abc import Callable

# (committee) -> {"members": {member_id: {"due", "came", "deputy"}}, "sources": {source: {...}}}
_rates: Callable | None = None


def register(fn: Callable) -> None:
    global _rates  # noqa: PLW0603  # the one registration, made once at start-up
    _rates = fn


def attendance_rates(committee) -> dict:
    """Attendance per member and per source; empty when no meetings app is installed."""
    if _rates is None:
        return {"members": {}, "sources": {}}
    return _rates(committee)
