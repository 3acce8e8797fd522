"""The year's close of the key task list (F3).

At the end of the year the unit that issued a key task list decides what became of each task: done,
carried over into next year's list (a new task there, linked both ways), or dropped with a reason.
When every task has its outcome the list is closed: the counts are frozen in a `TaskListClosure`, no
task of that list takes reports, milestones or another outcome any more, and the assessment reads the
frozen outcomes (`tasks.done_at_close` in `projects.indicators`).
"""

import calendar
import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core.audit import audit_record
from jiceng.core.errors import Conflict, ValidationFailed
from jiceng.core.scope import require_scope, scope_filter, subtree_q, user_can
from jiceng.orgs.models import Unit
from jiceng.projects.models import KeyTask, Milestone, ProgressReport, TaskListClosure

OUTCOMES = ("done", "carried", "dropped")
REASON_MAX = 500
# A list can be closed from this day of its year on (and any time after the year).
CLOSE_FROM = (12, 1)


def is_closed(*, issuer_id: int, year: int) -> bool:
    return TaskListClosure.objects.filter(issuer_id=issuer_id, year=year).exists()


def require_open(task: KeyTask) -> None:
    """Refuse a change to a task whose list is closed (reports, milestones, outcomes)."""
    if task is not None and is_closed(issuer_id=task.issuer_id, year=task.year):
        raise Conflict(_("The %(y)d key task list is closed; its tasks no longer change.") % {"y": task.year},
                       code="list_closed")


def _next_year_day(day: datetime.date) -> datetime.date:
    year = day.year + 1
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def _check_reason(outcome: str, reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationFailed(_("The reason has at most %(n)d characters.") % {"n": REASON_MAX}, field="reason")
    if outcome == "dropped" and not reason:
        raise ValidationFailed(_("A dropped task needs the reason it was dropped."), field="reason")
    return reason


def key_task_close(*, actor, task: KeyTask, outcome: str, reason: str = "",
                   today: datetime.date | None = None) -> KeyTask:
    """The issuer's decision on one task of the year's list. Carrying over creates the task in next year's
    list (same unit, title and measures, the progress reached so far) and links the two; changing a carried
    task's outcome again removes that copy while nothing has been done on it."""
    require_scope(actor, task.issuer.path, "supervise")
    if outcome not in OUTCOMES:
        raise ValidationFailed(_("Choose done, carried over or dropped."), field="outcome")
    reason = _check_reason(outcome, reason)
    today = today or timezone.localdate()
    with transaction.atomic():
        task = KeyTask.objects.select_for_update(of=("self",)).select_related("issuer", "unit").get(pk=task.pk)
        require_open(task)
        before = task.outcome
        if task.carried_to_id and outcome != "carried":
            copy = task.carried_to
            if (copy.progress > task.progress or copy.outcome or Milestone.objects.filter(task=copy).exists()
                    or ProgressReport.objects.filter(task=copy).exists()):
                raise Conflict(_("The task carried into %(y)d has been worked on there; it stays carried over.")
                               % {"y": copy.year}, code="carried_worked_on")
            task.carried_to = None
            task.save(update_fields=["carried_to"])
            copy.delete()
        fields = ["outcome", "outcome_reason"]
        if outcome == "carried" and not task.carried_to_id:
            if is_closed(issuer_id=task.issuer_id, year=task.year + 1):
                raise Conflict(_("The %(y)d key task list is closed; nothing can be carried into it.")
                               % {"y": task.year + 1}, code="list_closed")
            task.carried_to = KeyTask.objects.create(
                issuer=task.issuer, unit=task.unit, unit_path=task.unit_path, year=task.year + 1, title=task.title,
                measures=task.measures, policy_item=task.policy_item, starts_on=datetime.date(task.year + 1, 1, 1),
                deadline=_next_year_day(task.deadline), published=task.published, progress=task.progress)
            fields.append("carried_to")
        if outcome == "done":
            if task.done_on is None:
                task.done_on = min(today, datetime.date(task.year, 12, 31))
                fields.append("done_on")
            if task.progress < 100:
                task.progress = 100
                fields.append("progress")
        task.outcome, task.outcome_reason = outcome, reason
        task.save(update_fields=fields)
        audit_record(actor=actor, action="key_task.close", obj=task,
                     changes={"outcome": [before, outcome], "reason": reason,
                              "carried_to": task.carried_to_id})
    return task


def task_list_close(*, actor, issuer: Unit, year: int, now=None) -> TaskListClosure:
    """Close and freeze the issuer's list of the year once every task has its outcome."""
    require_scope(actor, issuer.path, "supervise")
    now = now or timezone.now()
    today = timezone.localdate(now)
    if (today.year, today.month, today.day) < (year, *CLOSE_FROM):
        raise ValidationFailed(_("The %(y)d list can be closed from %(m)d December %(y)d on.")
                               % {"y": year, "m": CLOSE_FROM[1]}, field="year", code="too_early")
    with transaction.atomic():
        # The issuer row serialises two closes of the same list.
        Unit.objects.select_for_update(no_key=True).filter(pk=issuer.pk).first()
        if is_closed(issuer_id=issuer.pk, year=year):
            raise Conflict(_("The %(y)d key task list is closed already.") % {"y": year}, code="list_closed")
        counts = KeyTask.objects.filter(issuer=issuer, year=year).aggregate(
            total=Count("id"), done=Count("id", filter=Q(outcome="done")),
            carried=Count("id", filter=Q(outcome="carried")), dropped=Count("id", filter=Q(outcome="dropped")))
        if not counts["total"]:
            raise ValidationFailed(_("%(u)s issued no key tasks for %(y)d.") % {"u": issuer.name, "y": year},
                                   field="year", code="empty_list")
        open_tasks = counts["total"] - counts["done"] - counts["carried"] - counts["dropped"]
        if open_tasks:
            raise ValidationFailed(_("%(n)d tasks still have no outcome; mark each done, carried over or dropped "
                                     "first.") % {"n": open_tasks}, field="year", code="outcomes_missing")
        closure = TaskListClosure.objects.create(
            issuer=issuer, issuer_path=issuer.path, year=year, closed_at=now,
            closed_by=actor if getattr(actor, "pk", None) else None,
            done=counts["done"], carried=counts["carried"], dropped=counts["dropped"])
        audit_record(actor=actor, action="key_task_list.close", obj=closure,
                     changes={"year": year, "done": closure.done, "carried": closure.carried,
                              "dropped": closure.dropped})
    return closure


# ---------------------------------------------------------------- selectors
def lists_status(*, user, tasks: list[KeyTask]) -> tuple[list[dict], set[int]]:
    """For the issuers of these tasks (one page of the list): the outcome counts of the lists the user may
    close, and the ids of the issuers whose list of the tasks' year is closed (whoever may close it). Two
    queries whatever the number of issuers."""
    keys = {(t.issuer_id, t.year) for t in tasks}
    if not keys:
        return [], set()
    issuers = {t.issuer_id: t.issuer for t in tasks}
    years = {y for _i, y in keys}
    closed = {(c.issuer_id, c.year): c for c in TaskListClosure.objects.filter(
        issuer_id__in=issuers, year__in=years)}
    rows = (KeyTask.objects.filter(issuer_id__in=issuers, year__in=years).values("issuer_id", "year")
            .annotate(total=Count("id"), done=Count("id", filter=Q(outcome="done")),
                      carried=Count("id", filter=Q(outcome="carried")),
                      dropped=Count("id", filter=Q(outcome="dropped"))).order_by())
    out = []
    for r in rows:
        key = (r["issuer_id"], r["year"])
        if key not in keys:
            continue
        issuer = issuers[r["issuer_id"]]
        if not user_can(user, issuer.path, "supervise"):
            continue  # counts of a list the user may not decide on are not theirs to see whole
        out.append({"issuer": issuer, "year": r["year"], "total": r["total"], "done": r["done"],
                    "carried": r["carried"], "dropped": r["dropped"],
                    "open": r["total"] - r["done"] - r["carried"] - r["dropped"], "closure": closed.get(key)})
    return sorted(out, key=lambda r: (r["issuer"].path, r["year"])), {i for i, _y in closed}


def closures_in(*, user, unit: Unit, year: int | None = None):
    qs = scope_filter(TaskListClosure.objects.filter(subtree_q(unit.path, "issuer_path")), user, "issuer_path")
    if year:
        qs = qs.filter(year=year)
    return qs.select_related("issuer").order_by("year", "issuer_path")
