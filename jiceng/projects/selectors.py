"""Reads for the policy framework, projects, key tasks and prompt cards, always within scope."""

import datetime

from django.db.models import Q

from jiceng.core.errors import NotFound
from jiceng.core.models import SupervisionCard
from jiceng.core.scope import scope_filter, scope_prefixes, scoped_get, subtree_q
from jiceng.core.supervision import cards_under
from jiceng.meetings.models import MeetingCardKind
from jiceng.orgs.models import Unit
from jiceng.projects.models import (
    Assessment,
    AssessmentResult,
    ImplementationPlan,
    KeyTask,
    Milestone,
    PolicyItem,
    Project,
    ProjectPhoto,
    ProjectStatus,
    PromptCardKind,
    Rater,
    ReviewScore,
    RubricCriterion,
    SecretaryReport,
)

# The supervision prompt cards the projects pages and API list: projects' own and the joint meetings'.
PROMPT_KINDS = [*PromptCardKind.values, *MeetingCardKind.values]


def _policy_visible_q(user) -> Q:
    """Policy items are issued by the city and apply below it: a user reads the items of the frameworks
    above (or inside) the units of their grants."""
    q = Q(pk__in=[])
    for prefix in scope_prefixes(user):
        parts = [p for p in prefix.split("/") if p]
        ancestors = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
        q |= Q(unit_path__in=ancestors) | subtree_q(prefix, "unit_path")
    return q


def policy_item_get(*, user, pk: int) -> PolicyItem:
    """The access helper for policy items: 404 unknown or outside the frameworks that apply to the user."""
    item = PolicyItem.objects.filter(_policy_visible_q(user), pk=pk).first()
    if item is None:
        raise NotFound()
    return item


def policy_items_get(*, user, pks) -> list[PolicyItem]:
    """Several policy items by id, all visible to the user, or 404."""
    pks = set(pks)
    items = list(PolicyItem.objects.filter(_policy_visible_q(user), pk__in=pks))
    if len(items) != len(pks):
        raise NotFound()
    return items


def project_get(*, user, pk: int) -> Project:
    return scoped_get(Project.objects.select_related("unit", "leader", "party_org"), user=user, pk=pk)


def task_get(*, user, pk: int) -> KeyTask:
    return scoped_get(KeyTask.objects.select_related("unit", "issuer"), user=user, pk=pk)


def milestone_get(*, user, pk: int) -> Milestone:
    return scoped_get(Milestone.objects.all(), user=user, pk=pk)


def card_get(*, user, pk: int) -> SupervisionCard:
    return scoped_get(SupervisionCard.objects.filter(kind__in=PROMPT_KINDS).select_related("unit"), user=user, pk=pk)


def projects_in(*, user, unit, year: int | None = None, level: str | None = None, status: str | None = None):
    qs = scope_filter(Project.objects.filter(subtree_q(unit.path, "unit_path")), user, "unit_path")
    if year:
        qs = qs.filter(year=year)
    if level:
        qs = qs.filter(level=level)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("unit").order_by("unit_path", "id")


def showcase_projects(*, year: int | None = None, level: str | None = None, unit=None):
    """Public showcase: projects their units chose to publish, optionally of one level and of one unit and
    everything under it. Anonymous: callers show no person's name (not the leading secretary's either)."""
    qs = Project.objects.filter(public=True).exclude(status=ProjectStatus.SUSPENDED)
    if year:
        qs = qs.filter(year=year)
    if level:
        qs = qs.filter(level=level)
    if unit is not None:
        qs = qs.filter(subtree_q(unit.path, "unit_path"))
    return qs.select_related("unit").order_by("-year", "level", "unit_path", "id")


def showcase_units() -> list:
    """The units of the showcase's filter (public: no scope): those with a public project and the units above
    them, city to community, in tree order. Two queries."""
    paths = set(showcase_projects().order_by().values_list("unit_path", flat=True).distinct())
    codes = {code for path in paths for code in path.strip("/").split("/")}
    return list(Unit.objects.filter(code__in=codes, kind__in=("county", "street", "community"))
                .only("code", "name", "kind", "path").order_by("path"))


def showcase_photo_get(pk: int):
    """A showcase photo, for anyone, while its project is on the showcase; 404 otherwise."""
    photo = ProjectPhoto.objects.filter(pk=pk, project__in=showcase_projects()).first()
    if photo is None:
        raise NotFound()
    return photo


def showcase_project_get(pk: int) -> Project:
    obj = showcase_projects().filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def tasks_in(*, user, unit, year: int):
    return (scope_filter(KeyTask.objects.filter(subtree_q(unit.path, "unit_path"), year=year), user, "unit_path")
            .select_related("unit", "issuer").order_by("deadline", "id"))


def cards_in(*, user, unit, open_only: bool = True):
    """The prompt cards (projects' and joint meetings') held at or under `unit`."""
    return (cards_under(user=user, unit=unit, kinds=PROMPT_KINDS, open_only=open_only)
            .select_related("unit").order_by("-raised_at", "-id"))


def expected_progress_map(*, tasks, projects, today: datetime.date) -> dict:
    """(model label, pk) -> where the schedule says progress should be today (0–100).

    With milestones: the weighted share of top-level milestones due by today. Without: linear from the
    start (Jan 1 for projects) to the deadline."""
    out = {}
    weights: dict = {}
    ms = Milestone.objects.filter(parent__isnull=True).filter(
        Q(task__in=[t.pk for t in tasks]) | Q(project__in=[p.pk for p in projects])).values(
        "task_id", "project_id", "due", "weight")
    for m in ms:
        key = ("projects.keytask", m["task_id"]) if m["task_id"] else ("projects.project", m["project_id"])
        total, due = weights.get(key, (0.0, 0.0))
        weights[key] = (total + m["weight"], due + (m["weight"] if m["due"] <= today else 0.0))
    for obj in list(tasks) + list(projects):
        key = (obj._meta.label_lower, obj.pk)
        if key in weights and weights[key][0] > 0:
            out[key] = 100.0 * weights[key][1] / weights[key][0]
        else:
            start = getattr(obj, "starts_on", None) or datetime.date(obj.year, 1, 1)
            span = max((obj.deadline - start).days, 1)
            out[key] = max(0.0, min(100.0, 100.0 * (today - start).days / span))
    return out


def uncovered_items(*, city, year: int) -> list[dict]:
    """For each county plan under the city: the city items it leaves uncovered."""
    items = list(PolicyItem.objects.filter(unit=city).order_by("code"))
    plans = {p.unit_id: p for p in ImplementationPlan.objects.filter(subtree_q(city.path, "unit_path"), year=year)
             .prefetch_related("items")}
    out = []
    for county in Unit.objects.filter(parent=city, kind="county").order_by("code"):
        plan = plans.get(county.pk)
        covered = {i.pk for i in plan.items.all()} if plan else set()
        out.append({"county": county, "plan": plan, "uncovered": [i for i in items if i.pk not in covered]})
    return out


def dispatch_rows(*, user, unit, year: int, today: datetime.date) -> list[dict]:
    """Mid-year dispatch: key tasks and projects by responsible unit (progress vs schedule)."""
    tasks = list(tasks_in(user=user, unit=unit, year=year))
    projects = list(projects_in(user=user, unit=unit, year=year))
    expected = expected_progress_map(tasks=tasks, projects=projects, today=today)
    rows: dict = {}
    for obj in tasks + projects:
        r = rows.setdefault(obj.unit_id, {"unit": obj.unit, "tasks": 0, "projects": 0, "progress": 0.0,
                                          "expected": 0.0, "behind": 0, "done": 0, "n": 0})
        r["tasks" if isinstance(obj, KeyTask) else "projects"] += 1
        r["n"] += 1
        r["progress"] += obj.progress
        r["expected"] += expected[(obj._meta.label_lower, obj.pk)]
        r["behind"] += obj.progress + 1e-9 < expected[(obj._meta.label_lower, obj.pk)]
        r["done"] += obj.progress >= 100
    for r in rows.values():
        r["progress"] = round(r["progress"] / r["n"], 1)
        r["expected"] = round(r["expected"] / r["n"], 1)
    return sorted(rows.values(), key=lambda r: r["unit"].path)


def assessment_get(*, user, pk: int) -> Assessment:
    """Visible to the assessing area and to the assessed units inside it (they see their own results)."""
    a = Assessment.objects.select_related("unit").filter(pk=pk).first()
    prefixes = scope_prefixes(user)
    if a is None or not any(p.startswith(a.unit_path) or a.unit_path.startswith(p) for p in prefixes):
        raise NotFound()
    return a


def assessments_for(*, user):
    prefixes = scope_prefixes(user)
    q = Q(pk__in=[])
    for p in prefixes:
        q |= subtree_q(p, "unit_path")
        # Assessments by units above the user's area assess it too.
        ancestors = ["/".join(p.split("/")[:i]) + "/" for i in range(2, p.count("/"))]
        q |= Q(unit_path__in=ancestors)
    return Assessment.objects.filter(q).select_related("unit").order_by("-year", "unit_path")


def results_in(*, user, assessment: Assessment, level: str | None = None):
    qs = scope_filter(AssessmentResult.objects.filter(assessment=assessment), user, "unit_path")
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("level", "rank", "unit_code")


def reports_to_review(*, user, assessment: Assessment):
    """The reports the user rates (their rater levels, inside their area), with their rubric and own scores."""
    raters = {r.level: r for r in Rater.objects.filter(assessment=assessment, user=user).select_related("own_unit")}
    if not raters:
        return []
    reports = list(scope_filter(SecretaryReport.objects.filter(assessment=assessment, unit__kind__in=list(raters)),
                                user, "unit_path").select_related("unit").order_by("unit_path")[:300])
    criteria: dict = {}
    for c in RubricCriterion.objects.filter(assessment=assessment, level__in=list(raters)):
        criteria.setdefault(c.level, []).append(c)
    mine = {(s.report_id, s.criterion_id): s.score for s in ReviewScore.objects.filter(
        rater__in=raters.values(), report__in=reports)}
    out = []
    for r in reports:
        rater = raters[r.unit.kind]
        own = rater.own_unit.path.startswith(r.unit_path)
        out.append({"report": r, "own": own, "criteria": [(c, mine.get((r.pk, c.pk))) for c in
                                                          criteria.get(r.unit.kind, [])]})
    return out


def secretary_report_get(*, user, pk: int) -> SecretaryReport:
    """The access helper for secretary reports: 404 unknown or outside the user's area."""
    return scoped_get(SecretaryReport.objects.select_related("assessment", "unit"), user=user, pk=pk)
