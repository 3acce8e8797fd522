"""The case state machine (B4): every action, the states it leaves from, the state it reaches and the
roles that may take it. Services consult this table and nothing else; docs and tests read it too.

Who: an action is allowed when the actor holds a grant with one of the action's roles on a unit that
contains the case's handling unit ("handler"), or, for approvals, on a unit strictly above it
("above"). Actions on a case the actor cannot see are 404; visible but not allowed are 403.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from jiceng.cases.models import Status as S

HANDLERS = frozenset({"grid_worker", "community_worker", "street_official", "county_official", "city_admin"})
SUPERVISORS = frozenset({"community_worker", "street_official", "county_official", "city_admin"})
STREET_UP = frozenset({"street_official", "county_official", "city_admin"})
OPEN_WORK = (S.RECEIVED, S.REGISTERED, S.DISPATCHED, S.IN_PROGRESS, S.REWORK)


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: tuple
    target: str | None  # None: the status does not change (extend, report up keeps work going)
    roles: frozenset
    where: str = "handler"  # "handler": on or above the handling unit; "above": strictly above it
    needs_comment: bool = False


ACTIONS = {a.name: a for a in [
    Action("register", _("Register"), (S.RECEIVED,), S.REGISTERED, HANDLERS),
    Action("reject", _("Reject"), (S.RECEIVED, S.REGISTERED), S.REJECTED, HANDLERS, needs_comment=True),
    Action("dispatch", _("Dispatch"), (S.REGISTERED,), S.DISPATCHED, HANDLERS),
    Action("start", _("Start handling"), (S.DISPATCHED, S.REWORK), S.IN_PROGRESS, HANDLERS),
    Action("handle", _("Report handled"), (S.IN_PROGRESS,), S.HANDLED, HANDLERS, needs_comment=True),
    Action("rework", _("Return for rework"), (S.HANDLED,), S.REWORK, SUPERVISORS, needs_comment=True),
    Action("verify", _("Verify"), (S.HANDLED,), S.VERIFIED, SUPERVISORS),
    Action("close", _("Close"), (S.VERIFIED,), S.CLOSED, SUPERVISORS),
    Action("escalate", _("Report up"), OPEN_WORK, S.REGISTERED, HANDLERS, needs_comment=True),
    Action("request_suspend", _("Ask to suspend"), OPEN_WORK, None, HANDLERS, needs_comment=True),
    Action("request_extend", _("Ask for more time"), OPEN_WORK, None, HANDLERS, needs_comment=True),
    Action("request_void", _("Ask to void"), OPEN_WORK, None, HANDLERS, needs_comment=True),
    Action("approve", _("Approve the request"), OPEN_WORK, None, SUPERVISORS, where="above"),
    Action("deny", _("Deny the request"), OPEN_WORK, None, SUPERVISORS, where="above", needs_comment=True),
    Action("resume", _("Resume"), (S.SUSPENDED,), S.IN_PROGRESS, HANDLERS),
]}

# Statuses reachable at all, for invariants in tests.
ALL_STATUSES = {s.value for s in S}


def allowed_transitions() -> dict[str, set[str]]:
    """{status: {statuses reachable from it by one action}} for docs and property tests."""
    out: dict[str, set[str]] = {}
    for action in ACTIONS.values():
        for src in action.sources:
            out.setdefault(src, set()).add(action.target or src)
    out.setdefault(S.CLOSED, set()).add(S.REGISTERED)  # reopen after "not satisfied"
    for src in OPEN_WORK:
        out.setdefault(src, set()).update({S.SUSPENDED, S.VOIDED, S.MERGED})
    return out
