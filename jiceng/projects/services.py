"""Writes for the policy framework, secretary-led projects, the key task list, milestones, progress
reports and supervision prompt cards (F1–F3). Each checks scope, validates, runs in a transaction and
writes the audit log. The year-end assessment's writes are in `assessment.py`."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core.audit import audit_record
from jiceng.core.errors import Conflict, ValidationFailed
from jiceng.core.ranges import check_day, check_percent, check_weight
from jiceng.core.scope import require_scope
from jiceng.core.supervision import cards_resolve
from jiceng.core.text import checked_text
from jiceng.core.uploads import clean_document, clean_image
from jiceng.orgs.models import PartyOrg, Unit
from jiceng.projects.closing import require_open
from jiceng.projects.models import (
    PROJECT_LEVELS,
    Evidence,
    ImplementationPlan,
    KeyTask,
    Milestone,
    PolicyItem,
    PolicyItemKind,
    ProgressReport,
    Project,
    ProjectPhoto,
    ProjectStatus,
    PromptRule,
    PromptRuleKind,
)

# The party organization kinds that lead a unit (their secretary leads the unit's projects).
LEADING_ORG_KINDS = {
    "county": ("county_committee",),
    "street": ("street_working_committee",),
    "community": ("community_committee", "community_general_branch", "community_branch"),
}


def _text(value, field, message, max_length=None):
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, field=field)
    if max_length and len(value) > max_length:
        raise ValidationFailed(_("%(field)s has at most %(n)d characters.") % {"field": field, "n": max_length},
                               field=field)
    return value


# ---------------------------------------------------------------- prompt card rules
def prompt_rule_set(*, actor, unit: Unit, kind: str, threshold: float) -> PromptRule:
    require_scope(actor, unit.path, "supervise")
    if kind not in PromptRuleKind.values:
        raise ValidationFailed(_("Unknown prompt rule “%(k)s”.") % {"k": kind}, field="kind")
    if not 0 <= threshold <= 365:
        raise ValidationFailed(_("The threshold is between 0 and 365."), field="threshold")
    with transaction.atomic():
        rule, _created = PromptRule.objects.update_or_create(
            unit=unit, kind=kind, active=True, defaults={"threshold": threshold, "unit_path": unit.path})
        audit_record(actor=actor, action="prompt_rule.set", obj=rule, changes={"kind": kind, "threshold": threshold})
    return rule


# ---------------------------------------------------------------- F1 policy framework
def policy_item_create(*, actor, unit: Unit, kind: str, code: str, title: str, body: str = "",
                       parent: PolicyItem | None = None) -> PolicyItem:
    require_scope(actor, unit.path, "supervise")
    if unit.kind != "city":
        raise ValidationFailed(_("The 2+1+N policy framework is issued by the city."), field="unit")
    if kind not in PolicyItemKind.values:
        raise ValidationFailed(_("Unknown policy item kind “%(k)s”.") % {"k": kind}, field="kind")
    code = _text(code, "code", _("A policy item needs a code."), 20)
    title = _text(title, "title", _("A policy item needs a title."), 200)
    with transaction.atomic():
        if PolicyItem.objects.filter(unit=unit, code=code).exists():
            raise Conflict(_("The code %(code)s is already used.") % {"code": code}, field="code")
        item = PolicyItem.objects.create(unit=unit, unit_path=unit.path, kind=kind, code=code, title=title,
                                         body=body, parent=parent)
        audit_record(actor=actor, action="policy_item.create", obj=item, changes={"code": code, "kind": kind})
    return item


def plan_set(*, actor, unit: Unit, year: int, title: str, items: list[PolicyItem]) -> ImplementationPlan:
    """A county's implementation plan for the year, linked to the city items it implements."""
    require_scope(actor, unit.path, "supervise")
    if unit.kind != "county":
        raise ValidationFailed(_("Implementation plans are made by counties."), field="unit")
    title = _text(title, "title", _("A plan needs a title."), 200)
    if any(not unit.path.startswith(i.unit_path) for i in items):
        raise ValidationFailed(_("A plan implements items of its own city's framework."), field="items")
    with transaction.atomic():
        plan, _created = ImplementationPlan.objects.update_or_create(
            unit=unit, year=year, defaults={"unit_path": unit.path, "title": title})
        plan.items.set(items)
        audit_record(actor=actor, action="plan.set", obj=plan, changes={"year": year, "items": len(items)})
    return plan


# ---------------------------------------------------------------- F2 secretary-led projects
def leading_org(unit: Unit) -> PartyOrg | None:
    kinds = LEADING_ORG_KINDS.get(unit.kind, ())
    return (PartyOrg.objects.filter(unit=unit, kind__in=kinds).select_related("secretary").order_by("id").first()
            if kinds else None)


def _validate_project(unit, title, problem, goals, deadline, year):
    if unit.kind not in PROJECT_LEVELS:
        raise ValidationFailed(_("Secretary-led projects are run by counties, streets and communities."),
                               field="unit")
    title = _text(title, "title", _("A project needs a title."), 200)
    problem = _text(problem, "problem", _("Say which problem the project takes on."))
    goals = _text(goals, "goals", _("Say what the project is to achieve."))
    check_day(deadline, field="deadline")
    if deadline.year < year:
        raise ValidationFailed(_("The deadline must fall in the project's year or later."), field="deadline")
    return title, problem, goals


def project_create(*, actor, unit: Unit, title: str, problem: str, goals: str, deadline: datetime.date,
                   year: int | None = None, leader_name: str = "", public: bool = False) -> Project:
    """A secretary-led project: the leader is the secretary of the unit's leading party organization."""
    require_scope(actor, unit.path, "write")
    year = year or timezone.localdate().year
    title, problem, goals = _validate_project(unit, title, problem, goals, deadline, year)
    org = leading_org(unit)
    if org is None:
        raise ValidationFailed(_("%(unit)s has no party organization on record to lead the project.")
                               % {"unit": unit.name}, field="unit")
    if org.secretary_id:
        leader, leader_name = org.secretary, org.secretary.name
    else:
        leader = None
        leader_name = _text(leader_name, "leader_name",
                            _("No secretary is on record for %(org)s: name the secretary who leads the project.")
                            % {"org": org.name}, 60)
    with transaction.atomic():
        project = Project.objects.create(unit=unit, unit_path=unit.path, level=unit.kind, year=year, title=title,
                                         problem=problem, goals=goals, party_org=org, leader=leader,
                                         leader_name=leader_name, deadline=deadline, public=public)
        audit_record(actor=actor, action="project.create", obj=project,
                     changes={"title": title, "level": unit.kind, "year": year, "deadline": deadline})
    return project


def projects_bulk_create(*, actor, projects: list[Project], milestones: dict[int, list[Milestone]],
                         note: str = "") -> int:
    """Many validated projects with their milestones (demo, imports); one audit event."""
    orgs = {}
    for p in projects:
        require_scope(actor, p.unit.path, "write")
        p.title, p.problem, p.goals = _validate_project(p.unit, p.title, p.problem, p.goals, p.deadline, p.year)
        p.unit_path, p.level = p.unit.path, p.unit.kind
        if not p.leader_name:
            raise ValidationFailed(_("Every project needs its leading secretary."), field="leader_name")
        orgs[p.unit_id] = p.party_org_id
    with transaction.atomic():
        Project.objects.bulk_create(projects, batch_size=500)
        rows = []
        for i, p in enumerate(projects):
            for m in milestones.get(i, []):
                if m.due > p.deadline:
                    raise ValidationFailed(_("A milestone cannot fall after its task's deadline."), field="due")
                m.project, m.unit_path = p, p.unit_path
                rows.append(m)
        Milestone.objects.bulk_create(rows, batch_size=2000)
        for i, p in enumerate(projects):
            ms = milestones.get(i, [])
            if ms:
                p.progress, _values = weighted_rollup([{"id": m.pk, "parent": m.parent_id, "weight": m.weight,
                                                        "progress": m.progress} for m in ms])
                if p.progress >= 100:
                    p.status = ProjectStatus.DONE
        Project.objects.bulk_update(projects, ["progress", "status"], batch_size=500)
        audit_record(actor=actor, action="project.bulk_create", object_type="projects.project",
                     unit_path=min((p.unit_path for p in projects), key=len) if projects else "",
                     changes={"count": len(projects), "milestones": len(rows), "note": note})
    return len(projects)


def project_set_status(*, actor, project: Project, status: str, public: bool | None = None) -> Project:
    require_scope(actor, project.unit_path, "write")
    if status not in ProjectStatus.values:
        raise ValidationFailed(_("Unknown status “%(s)s”.") % {"s": status}, field="status")
    with transaction.atomic():
        old = project.status
        project.status = status
        if public is not None:
            project.public = public
        project.save(update_fields=["status", "public"])
        audit_record(actor=actor, action="project.set_status", obj=project,
                     changes={"status": [old, status], "public": project.public})
    return project


def evidence_add(*, actor, project: Project, title: str, file=None, milestone: Milestone | None = None) -> Evidence:
    require_scope(actor, project.unit_path, "write")
    title = _text(title, "title", _("Evidence needs a title."), 200)
    if milestone is not None and milestone.project_id != project.pk:
        raise ValidationFailed(_("That milestone belongs to another project."), field="milestone")
    if file is not None:  # checked by content, re-encoded if an image, stored under a server-chosen name
        file = clean_document(file, field="file")
    with transaction.atomic():
        ev = Evidence.objects.create(project=project, milestone=milestone, unit_path=project.unit_path, title=title,
                                     uploaded_by=actor if getattr(actor, "pk", None) else None)
        if file is not None:
            ev.file.save(file.name, file.content, save=True)
        audit_record(actor=actor, action="project.evidence_add", obj=project,
                     changes={"evidence": ev.pk, "has_file": file is not None})
    return ev


MAX_SHOWCASE_PHOTOS = 6


def project_photo_add(*, actor, project: Project, upload, caption: str = "") -> ProjectPhoto:
    """A photo for the public showcase: checked and re-encoded (no EXIF, no GPS), at most six a project."""
    require_scope(actor, project.unit_path, "write")
    if upload is None:
        raise ValidationFailed(_("Choose a photo."), field="photo")
    caption = checked_text(caption, "caption", 100, required=False)
    image = clean_image(upload, field="photo")
    with transaction.atomic():
        if ProjectPhoto.objects.select_for_update().filter(project=project).count() >= MAX_SHOWCASE_PHOTOS:
            raise ValidationFailed(_("At most %(n)d photos per project.") % {"n": MAX_SHOWCASE_PHOTOS},
                                   field="photo")
        photo = ProjectPhoto(project=project, unit_path=project.unit_path, caption=caption)
        photo.file.save(image.name, image.content, save=False)
        photo.save()
        audit_record(actor=actor, action="project.photo_add", obj=project, changes={"photo": photo.pk})
    return photo


# ---------------------------------------------------------------- milestones and the roll-up
def _owner(project, task):
    if (project is None) == (task is None):
        raise ValidationFailed(_("A milestone belongs to one project or one key task."))
    return project or task


def milestone_add(*, actor, title: str, due: datetime.date, project: Project | None = None,
                  task: KeyTask | None = None, weight: float = 1.0, parent: Milestone | None = None) -> Milestone:
    owner = _owner(project, task)
    require_scope(actor, owner.unit_path, "write")
    require_open(task)
    title = _text(title, "title", _("A milestone needs a title."), 200)
    if not isinstance(due, datetime.date):
        raise ValidationFailed(_("A milestone needs a due date."), field="due")
    check_day(due, field="due")
    if due > owner.deadline:
        raise ValidationFailed(_("A milestone cannot fall after its task's deadline (%(d)s).")
                               % {"d": owner.deadline.isoformat()}, field="due")
    weight = check_weight(weight)
    if parent is not None and (parent.project_id != getattr(project, "pk", None)
                               or parent.task_id != getattr(task, "pk", None)):
        raise ValidationFailed(_("The parent milestone belongs to another project or task."), field="parent")
    with transaction.atomic():
        m = Milestone.objects.create(project=project, task=task, parent=parent, unit_path=owner.unit_path,
                                     title=title, due=due, weight=weight)
        _rollup(project=project, task=task)
        audit_record(actor=actor, action="milestone.add", obj=m,
                     changes={"owner": f"{owner._meta.label_lower}:{owner.pk}", "due": due, "weight": weight})
    return m


def weighted_rollup(nodes: list[dict]) -> tuple[float, dict]:
    """nodes: [{"id", "parent", "weight", "progress"}]. Each parent's progress is its children's weighted
    mean; returns (the top level's weighted mean, {id: rolled-up progress})."""
    children: dict = {}
    for n in nodes:
        children.setdefault(n["parent"], []).append(n)
    out = {}

    def value(node):
        kids = children.get(node["id"])
        if kids:
            total = sum(k["weight"] for k in kids)
            v = sum(k["weight"] * value(k) for k in kids) / total if total else 0.0
        else:
            v = float(node["progress"])
        out[node["id"]] = v
        return v

    top = children.get(None, [])
    total = sum(n["weight"] for n in top)
    overall = sum(n["weight"] * value(n) for n in top) / total if total else 0.0
    return round(overall, 2), out


def _rollup(*, project=None, task=None):
    owner = project or task
    rows = list(Milestone.objects.filter(project=project, task=task).values("id", "parent", "weight", "progress"))
    if not rows:
        return owner.progress
    overall, values = weighted_rollup(rows)
    for r in rows:
        if abs(values[r["id"]] - r["progress"]) > 1e-9:
            Milestone.objects.filter(pk=r["id"]).update(progress=values[r["id"]])
    owner.progress = overall
    fields = ["progress"]
    if project is not None and overall >= 100 and project.status != ProjectStatus.DONE:
        project.status = ProjectStatus.DONE
        fields.append("status")
    if task is not None and overall >= 100 and task.done_on is None:
        task.done_on = timezone.localdate()
        fields.append("done_on")
    owner.save(update_fields=fields)
    return overall


def milestone_report(*, actor, milestone: Milestone, progress: float, today: datetime.date | None = None) -> Milestone:
    """Report a leaf milestone's progress (0–100); the parents and the project or task roll up."""
    require_scope(actor, milestone.unit_path, "write")
    require_open(milestone.task if milestone.task_id else None)
    progress = check_percent(progress)
    if Milestone.objects.filter(parent=milestone).exists():
        raise ValidationFailed(_("A milestone with sub-milestones takes its progress from them."), field="progress")
    with transaction.atomic():
        old = milestone.progress
        milestone.progress = progress
        milestone.done_on = (today or timezone.localdate()) if progress >= 100 else None
        milestone.save(update_fields=["progress", "done_on"])
        project = Project.objects.get(pk=milestone.project_id) if milestone.project_id else None
        task = KeyTask.objects.get(pk=milestone.task_id) if milestone.task_id else None
        _rollup(project=project, task=task)
        if progress >= 100:
            cards_resolve(kinds=["milestone_missed"], subject_type="projects.milestone",
                                 subject_ids=[milestone.pk])
        audit_record(actor=actor, action="milestone.report", obj=milestone, changes={"progress": [old, progress]})
    return milestone


# ---------------------------------------------------------------- F3 key task list
def _validate_task(issuer, unit, title, starts_on, deadline, year):
    if not unit.path.startswith(issuer.path):
        raise ValidationFailed(_("The responsible unit must be under the issuing unit."), field="unit")
    title = _text(title, "title", _("A task needs a title."), 200)
    check_day(starts_on, field="starts_on")
    check_day(deadline, field="deadline")
    if deadline < starts_on:
        raise ValidationFailed(_("A task's deadline must be after its start."), field="deadline")
    if deadline.year != year:
        raise ValidationFailed(_("A task of the year's list is due within that year."), field="deadline")
    return title


def key_task_create(*, actor, issuer: Unit, unit: Unit, year: int, title: str, measures: str = "",
                    deadline: datetime.date, starts_on: datetime.date | None = None,
                    policy_item: PolicyItem | None = None, publish: bool = True) -> KeyTask:
    require_scope(actor, issuer.path, "supervise")
    starts_on = starts_on or datetime.date(year, 1, 1)
    title = _validate_task(issuer, unit, title, starts_on, deadline, year)
    with transaction.atomic():
        task = KeyTask.objects.create(issuer=issuer, unit=unit, unit_path=unit.path, year=year, title=title,
                                      measures=measures, deadline=deadline, starts_on=starts_on,
                                      policy_item=policy_item, published=publish)
        audit_record(actor=actor, action="key_task.create", obj=task,
                     changes={"year": year, "unit": unit.code, "deadline": deadline})
    return task


def key_tasks_bulk_create(*, actor, tasks: list[KeyTask], note: str = "") -> int:
    for t in tasks:
        require_scope(actor, t.issuer.path, "supervise")
        t.title = _validate_task(t.issuer, t.unit, t.title, t.starts_on, t.deadline, t.year)
        t.unit_path = t.unit.path
    with transaction.atomic():
        KeyTask.objects.bulk_create(tasks, batch_size=1000)
        audit_record(actor=actor, action="key_task.bulk_create", object_type="projects.keytask",
                     unit_path=min((t.issuer.path for t in tasks), key=len) if tasks else "",
                     changes={"count": len(tasks), "note": note})
    return len(tasks)


def backward_dates(starts_on: datetime.date, deadline: datetime.date, steps: int) -> list[datetime.date]:
    """倒排工期: the last step on the deadline, the others evenly spaced backwards toward the start."""
    span = (deadline - starts_on).days
    return [deadline - datetime.timedelta(days=round(span * (steps - 1 - i) / steps)) for i in range(steps)]


def task_schedule_backward(*, actor, task: KeyTask, steps: list[dict]) -> list[Milestone]:
    """Milestones scheduled backwards from the task's deadline: steps [{"title", "weight"}] in order."""
    require_scope(actor, task.unit_path, "write")
    require_open(task)
    if not steps:
        raise ValidationFailed(_("Give at least one step to schedule."), field="steps")
    for s in steps:
        _text(s.get("title"), "steps", _("Every step needs a title."), 200)
        check_weight(s.get("weight", 1), field="steps")
    dates = backward_dates(task.starts_on, task.deadline, len(steps))
    with transaction.atomic():
        rows = Milestone.objects.bulk_create([
            Milestone(task=task, unit_path=task.unit_path, title=s["title"].strip(), due=d,
                      weight=float(s.get("weight", 1))) for s, d in zip(steps, dates, strict=True)])
        _rollup(task=task)
        audit_record(actor=actor, action="key_task.schedule_backward", obj=task,
                     changes={"milestones": len(rows), "first_due": dates[0], "last_due": dates[-1]})
    return rows


def progress_report_submit(*, actor, month: datetime.date, progress: float, note: str = "",
                           task: KeyTask | None = None, project: Project | None = None) -> ProgressReport:
    """The responsible unit's monthly report; a task or project without milestones takes its progress."""
    owner = _owner(project, task)
    require_scope(actor, owner.unit_path, "write")
    require_open(task)
    progress = check_percent(progress)
    check_day(month, field="month")
    month = month.replace(day=1)
    with transaction.atomic():
        if ProgressReport.objects.filter(task=task, project=project, month=month).exists():
            raise Conflict(_("The report for %(m)s is already in.") % {"m": month.strftime("%Y-%m")}, field="month")
        report = ProgressReport.objects.create(task=task, project=project, unit_path=owner.unit_path, month=month,
                                               progress=progress, note=note.strip(),
                                               reported_by=actor if getattr(actor, "pk", None) else None)
        if not Milestone.objects.filter(task=task, project=project).exists():
            owner.progress = progress
            owner.save(update_fields=["progress"])
        audit_record(actor=actor, action="progress_report.submit", obj=owner,
                     changes={"month": month, "progress": progress})
    return report


def progress_reports_bulk(*, actor, reports: list[ProgressReport], note: str = "") -> int:
    """Many monthly reports (demo, imports); the owners' progress is set by the caller. One audit event."""
    for r in reports:
        owner = r.task or r.project
        require_scope(actor, owner.unit_path, "write")
        if not 0 <= r.progress <= 100:
            raise ValidationFailed(_("Progress is between 0 and 100."), field="progress")
        r.unit_path, r.month = owner.unit_path, r.month.replace(day=1)
    with transaction.atomic():
        ProgressReport.objects.bulk_create(reports, batch_size=2000)
        audit_record(actor=actor, action="progress_report.bulk_submit", object_type="projects.progressreport",
                     changes={"count": len(reports), "note": note})
    return len(reports)


def task_progress_set_bulk(*, actor, tasks: list[KeyTask], note: str = "") -> None:
    """Set reported progress of many tasks (after their reports and milestones); one audit event."""
    for t in tasks:
        require_scope(actor, t.unit_path, "write")
        if not 0 <= t.progress <= 100:
            raise ValidationFailed(_("Progress is between 0 and 100."), field="progress")
    with transaction.atomic():
        KeyTask.objects.bulk_update(tasks, ["progress", "done_on"], batch_size=1000)
        audit_record(actor=actor, action="key_task.bulk_progress", object_type="projects.keytask",
                     changes={"count": len(tasks), "note": note})


def milestones_bulk_create(*, actor, milestones: list[Milestone], note: str = "") -> int:
    """Many milestones of projects or tasks (demo, imports), same date rule as `milestone_add`."""
    for m in milestones:
        owner = _owner(m.project, m.task)
        require_scope(actor, owner.unit_path, "write")
        if m.due > owner.deadline:
            raise ValidationFailed(_("A milestone cannot fall after its task's deadline (%(d)s).")
                                   % {"d": owner.deadline.isoformat()}, field="due")
        if not (m.weight > 0) or not 0 <= m.progress <= 100:
            raise ValidationFailed(_("A milestone's weight must be above zero."), field="weight")
        m.unit_path = owner.unit_path
    with transaction.atomic():
        Milestone.objects.bulk_create(milestones, batch_size=2000)
        audit_record(actor=actor, action="milestone.bulk_create", object_type="projects.milestone",
                     changes={"count": len(milestones), "note": note})
    return len(milestones)
