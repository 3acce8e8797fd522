"""The case state machine (B4) as data: every action, the states it leaves from, the state it reaches,
the roles that may take it, what it does to the case (its handler) and its effects (flags: first
response, rollup counts, deadline, a public timeline step, a notification, supervision cards resolved).
`services.case_act` checks the rules and dispatches here; docs and tests read the table too.

Who: an action is allowed when the actor holds a grant with one of the action's roles on a unit that
contains the case's handling unit ("handler"), or, for approvals, on a unit strictly above it
("above"). Actions on a case the actor cannot see are 404; visible but not allowed are 403.

Handlers only change the case in memory and note rollup deltas on the `Step`; the service saves, writes
the timeline, the rollup, the notification and the audit log. This module imports no cases model."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jiceng.cases.states import LEVEL_ORDER, Level
from jiceng.cases.states import Status as S
from jiceng.core.errors import ValidationFailed
from jiceng.core.text import checked_text
from jiceng.orgs.models import Unit

HANDLERS = frozenset({"grid_worker", "community_worker", "street_official", "county_official", "city_admin"})
SUPERVISORS = frozenset({"community_worker", "street_official", "county_official", "city_admin"})
STREET_UP = frozenset({"street_official", "county_official", "city_admin"})
OPEN_WORK = (S.RECEIVED, S.REGISTERED, S.DISPATCHED, S.IN_PROGRESS, S.REWORK)

# Deadline flags: what the service does with the case's deadline after the handler ran.
RESTART = "restart"  # a new deadline from now, the category's hours (a new handling level)
RESUME = "resume"  # the time that was left when the case was suspended, from now


@dataclass
class Step:
    """One action being taken: the locked case, the action's input, and what the handler noted."""

    case: object
    now: datetime.datetime
    comment: str = ""
    hours: int = 0
    to_unit: object = None  # dispatch: the unit below the handler that takes the case (None: stays)
    to_department: object = None  # dispatch: the department that takes part (None: none)
    changes: dict = field(default_factory=dict)  # for the audit event
    rollup: dict = field(default_factory=dict)  # deltas of the case's monthly rollup row

    def bump(self, **deltas) -> None:
        for k, v in deltas.items():
            self.rollup[k] = self.rollup.get(k, 0) + v


def close_counts(case, sign: int = 1) -> dict:
    """The rollup counters a closed case adds (sign -1: takes back, on reopening)."""
    return {
        "closed": sign,
        "closed_on_time": sign if case.closed_on_time else 0,
        "rework": sign if case.reworks else 0,
        "settled_grid": sign if case.settled_level == Level.GRID else 0,
        "settled_community": sign if case.settled_level in (Level.GRID, Level.COMMUNITY) else 0,
    }


def escalate_one_level(case) -> None:
    """Hand the case to the parent of its handling unit (the caller restarts the deadline)."""
    handler = case.handler
    if handler.kind == Level.CITY or handler.parent_id is None:
        raise ValidationFailed(gettext("The city is the top level; this case cannot be reported further up."),
                               code="top_level")
    parent = Unit.objects.get(pk=handler.parent_id)
    case.handler, case.handler_path, case.level = parent, parent.path, parent.kind
    case.status = S.REGISTERED
    case.escalations += 1
    case.pending_action = ""


# ------------------------------------------------------------------------------------------------
# Handlers: one per kind of action


def _to_target(step: Step, action: "Action") -> None:
    step.case.status = action.target


def _reject(step: Step, action: "Action") -> None:
    step.case.status = action.target
    step.bump(accepted=-1)


def _dispatch(step: Step, action: "Action") -> None:
    """派遣: the case goes to a unit between its handling unit and its grid (a community to one of its
    grids), and/or to a department serving the area (a unit above the handler or inside it); with
    neither, the handling unit's own staff take it."""
    case, unit, dept = step.case, step.to_unit, step.to_department
    if unit is not None and unit.pk != case.handler_id:
        if not (case.unit_path.startswith(unit.path) and unit.path.startswith(case.handler_path)) \
                or unit.kind not in LEVEL_ORDER:
            raise ValidationFailed(gettext("A case is dispatched to a unit below its handling unit, on the way "
                                           "to the case's grid."), field="to_unit")
        case.handler, case.handler_path, case.level = unit, unit.path, unit.kind
        step.changes["handler"] = unit.code
    if dept is not None:
        if not (case.handler_path.startswith(dept.unit_path) or dept.unit_path.startswith(case.handler_path)):
            raise ValidationFailed(gettext("The department %(d)s does not serve this area.") % {"d": dept.name},
                                   field="to_department")
        case.department = dept
        step.changes["department"] = dept.pk
    case.status = action.target


def _handle(step: Step, action: "Action") -> None:
    step.case.status = action.target
    step.case.handled_at = step.now


def _rework(step: Step, action: "Action") -> None:
    step.case.status = action.target
    step.case.reworks += 1


def _close(step: Step, action: "Action") -> None:
    case, now = step.case, step.now
    case.status = action.target
    case.closed_at = now
    case.settled_level = case.level
    case.closed_on_time = not case.overdue and (case.deadline_at is None or now <= case.deadline_at)
    step.bump(**close_counts(case))


def _escalate(step: Step, action: "Action") -> None:
    escalate_one_level(step.case)
    step.changes["handler"] = step.case.handler.code


def _request(step: Step, action: "Action") -> None:
    case = step.case
    if case.pending_action:
        raise ValidationFailed(gettext("A request is already waiting for the level above."), code="pending")
    extend = action.name == "request_extend"
    if extend and not (1 <= step.hours <= 24 * 90):
        raise ValidationFailed(gettext("Ask for between 1 hour and 90 days more."), field="hours")
    case.pending_action = action.name.removeprefix("request_")
    case.pending_reason = checked_text(step.comment, "comment", 400)
    case.pending_hours = step.hours if extend else 0


def _decide(step: Step, action: "Action") -> None:
    case, now = step.case, step.now
    if not case.pending_action:
        raise ValidationFailed(gettext("There is no request to decide on."), code="no_request")
    step.changes["request"] = case.pending_action
    if action.name == "approve":
        if case.pending_action == "suspend":
            case.status = S.SUSPENDED
        elif case.pending_action == "extend":
            case.deadline_at = max(case.deadline_at or now, now) + datetime.timedelta(hours=case.pending_hours)
            case.warn_at = case.deadline_at - datetime.timedelta(hours=case.pending_hours * 0.25)
            case.warned = False
        elif case.pending_action == "void":
            case.status = S.VOIDED
            step.bump(accepted=-1)
    case.pending_action, case.pending_reason, case.pending_hours = "", "", 0


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: tuple
    target: str | None  # None: the status does not change (extend, report up keeps work going)
    roles: frozenset
    where: str = "handler"  # "handler": on or above the handling unit; "above": strictly above it
    needs_comment: bool = False
    handler: Callable[[Step, "Action"], None] = _to_target
    responds: bool = False  # the first response to the report (on time or not: the "responded" count)
    deadline: str = ""  # RESTART, RESUME or "" (unchanged, or the handler sets it)
    public: bool = True  # the timeline step is shown on the reporter's follow page
    notifies: bool = False  # the reporter and the handling desk hear of the new status
    resolves_cards: bool = False  # open supervision cards of the case are resolved

    def apply(self, step: Step) -> None:
        self.handler(step, self)


ACTIONS = {a.name: a for a in [
    Action("register", _("Register"), (S.RECEIVED,), S.REGISTERED, HANDLERS, responds=True, notifies=True),
    Action("reject", _("Reject"), (S.RECEIVED, S.REGISTERED), S.REJECTED, HANDLERS, needs_comment=True,
           handler=_reject, responds=True, notifies=True),
    Action("dispatch", _("Dispatch"), (S.REGISTERED,), S.DISPATCHED, HANDLERS, handler=_dispatch),
    Action("start", _("Start handling"), (S.DISPATCHED, S.REWORK), S.IN_PROGRESS, HANDLERS),
    Action("handle", _("Report handled"), (S.IN_PROGRESS,), S.HANDLED, HANDLERS, needs_comment=True,
           handler=_handle, notifies=True),
    Action("rework", _("Return for rework"), (S.HANDLED,), S.REWORK, SUPERVISORS, needs_comment=True,
           handler=_rework),
    Action("verify", _("Verify"), (S.HANDLED,), S.VERIFIED, SUPERVISORS),
    Action("close", _("Close"), (S.VERIFIED,), S.CLOSED, SUPERVISORS, handler=_close, notifies=True,
           resolves_cards=True),
    Action("escalate", _("Report up"), OPEN_WORK, S.REGISTERED, HANDLERS, needs_comment=True, handler=_escalate,
           deadline=RESTART, notifies=True),
    Action("request_suspend", _("Ask to suspend"), OPEN_WORK, None, HANDLERS, needs_comment=True,
           handler=_request, public=False),
    Action("request_extend", _("Ask for more time"), OPEN_WORK, None, HANDLERS, needs_comment=True,
           handler=_request, public=False),
    Action("request_void", _("Ask to void"), OPEN_WORK, None, HANDLERS, needs_comment=True, handler=_request,
           public=False),
    Action("approve", _("Approve the request"), OPEN_WORK, None, SUPERVISORS, where="above", handler=_decide,
           public=False),
    Action("deny", _("Deny the request"), OPEN_WORK, None, SUPERVISORS, where="above", needs_comment=True,
           handler=_decide, public=False),
    Action("resume", _("Resume"), (S.SUSPENDED,), S.IN_PROGRESS, HANDLERS, deadline=RESUME),
]}

# Timeline steps that are not workflow actions (intake, whistles, rating, the deadline sweep).
EVENT_LABELS = {
    "receive": _("Received"), "whistle": _("Whistle blown"), "report_in": _("Department reported in"),
    "merge": _("Merged into another case"), "absorb": _("Duplicate merged in"), "rate": _("Rated"),
    "reopen": _("Reopened after “not satisfied”"), "warning": _("Deadline warning"),
    "auto_escalate": _("Overdue: reported up automatically"), "supervise": _("Supervision card raised"),
    "deadline": _("Deadline changed"), "chase": _("Chased up"),
}

# The next step of each status, offered as the one primary button of the case page (the other allowed
# actions are behind "more actions"). A decision on a pending request comes first for the level above.
NEXT_ACTION = {S.RECEIVED: "register", S.REGISTERED: "dispatch", S.DISPATCHED: "start", S.REWORK: "start",
               S.IN_PROGRESS: "handle", S.HANDLED: "verify", S.VERIFIED: "close", S.SUSPENDED: "resume"}


def primary_action(status: str, allowed: list, pending: bool = False):
    """The one primary action among `allowed` (Action objects the viewer may take now), or None."""
    names = {a.name: a for a in allowed}
    if pending and "approve" in names:
        return names["approve"]
    return names.get(NEXT_ACTION.get(status, ""))


def step_label(action: str) -> str:
    """The label of a timeline step: a workflow action's or another step's."""
    spec = ACTIONS.get(action)
    return str(spec.label if spec else EVENT_LABELS.get(action, action))


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
