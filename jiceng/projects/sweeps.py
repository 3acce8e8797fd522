"""Periodic sweep for the year loop: supervision prompt cards by the configured rules (a milestone
missed by N days; a task or project behind schedule by X points). Idempotent."""


from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core.models import SupervisionCard
from jiceng.core.supervision import cards_raise
from jiceng.projects.models import KeyTask, Milestone, Project, ProjectStatus, PromptRule
from jiceng.projects.selectors import expected_progress_map

DEFAULT_RULES = {"milestone_missed": 0.0, "behind_schedule": 20.0}


def rules_for() -> dict:
    """kind -> [(unit_path, threshold)] longest path first; the nearest rule above a record applies."""
    out = {k: [] for k in DEFAULT_RULES}
    for r in PromptRule.objects.filter(active=True).order_by("-unit_path"):
        out.setdefault(r.kind, []).append((r.unit_path, r.threshold))
    for k in out:
        out[k].sort(key=lambda x: -len(x[0]))
    return out


def threshold(rules: dict, kind: str, path: str) -> float:
    for prefix, value in rules.get(kind, []):
        if path.startswith(prefix):
            return value
    return DEFAULT_RULES[kind]


def sweep(now) -> dict:
    today = timezone.localdate(now)
    rules = rules_for()
    out = {"milestones_missed": 0, "behind_schedule": 0}
    with transaction.atomic():
        late = (Milestone.objects.filter(progress__lt=100, due__lt=today, missed_card_at__isnull=True)
                .exclude(project__status__in=[ProjectStatus.DONE, ProjectStatus.SUSPENDED])
                .select_related("project__unit", "task__unit"))
        cards, ids = [], []
        for m in late:
            n = threshold(rules, "milestone_missed", m.unit_path)
            if (today - m.due).days <= n:
                continue
            owner = m.project or m.task
            ids.append(m.pk)
            cards.append(SupervisionCard(kind="milestone_missed", unit=owner.unit, unit_path=m.unit_path,
                                         subject_type="projects.milestone", subject_id=m.pk,
                                         title=_("%(owner)s: milestone “%(m)s” was due %(d)s and is at %(p)d%%")
                                         % {"owner": owner.title, "m": m.title, "d": m.due.isoformat(),
                                            "p": m.progress}))
        out["milestones_missed"] = cards_raise(cards=cards, now=now, audit_action="prompt_card.raise")
        Milestone.objects.filter(pk__in=ids).update(missed_card_at=now)

        cards = []
        year = today.year
        tasks = list(KeyTask.objects.filter(year=year, published=True, done_on__isnull=True).select_related("unit"))
        projects = list(Project.objects.filter(year=year, status=ProjectStatus.ACTIVE).select_related("unit"))
        expected = expected_progress_map(tasks=tasks, projects=projects, today=today)
        for obj in tasks + projects:
            gap = expected[(obj._meta.label_lower, obj.pk)] - obj.progress
            if gap > threshold(rules, "behind_schedule", obj.unit_path):
                cards.append(SupervisionCard(kind="behind_schedule", unit=obj.unit, unit_path=obj.unit_path,
                                             subject_type=obj._meta.label_lower, subject_id=obj.pk,
                                             title=_("%(t)s is %(gap)d points behind schedule")
                                             % {"t": obj.title, "gap": gap}))
        out["behind_schedule"] = cards_raise(cards=cards, now=now, audit_action="prompt_card.raise")
    return out
