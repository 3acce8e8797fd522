"""Projects API (F1–F4): policy framework, secretary-led projects, key tasks, prompt cards, assessment."""

import datetime
from typing import Annotated, Literal

from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from jiceng.accounts.models import User
from jiceng.core.errors import NotFound
from jiceng.core.fields import (
    Bool,
    Day,
    Float,
    Id,
    PathId,
    Percent,
    Score100,
    Share,
    Text,
    Weight,
    Year,
    year_or_this,
)
from jiceng.core.pagination import Page
from jiceng.core.schemas import UnitCodeOut, UnitOut, related
from jiceng.orgs.selectors import unit_get, unit_or_top
from jiceng.projects import assessment as assessment_services
from jiceng.projects import closing, selectors, services
from jiceng.projects.models import PolicyItem

router = Router(tags=["projects"])


def _unit(request, code):
    return unit_or_top(user=request.user, code=code)


# ---------------------------------------------------------------- schemas
class MilestoneOut(Schema):
    id: int
    parent_id: int | None
    title: str
    due: datetime.date
    weight: float
    progress: float
    done_on: datetime.date | None


class ProjectRow(UnitOut):
    id: int
    level: str
    year: int
    title: str
    leader_name: str
    deadline: datetime.date
    status: str
    progress: float
    public: bool


class EvidenceOut(Schema):
    id: int
    title: str
    milestone_id: int | None
    has_file: bool

    @staticmethod
    def resolve_has_file(obj):
        return bool(obj.file)


class ProjectOut(ProjectRow):
    problem: str
    goals: str
    milestones: list[MilestoneOut]
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_milestones(obj):
        return list(obj.milestones.all())

    @staticmethod
    def resolve_evidence(obj):
        return list(obj.evidence.all())


class ProjectIn(Schema):
    unit: Text(32, 1)
    title: Text(200, 1)
    problem: Text(5000)
    goals: Text(5000)
    deadline: Day
    year: Year | None = None
    leader_name: Text(60) = ""
    public: Bool = False


class MilestoneIn(Schema):
    title: Text(200, 1)
    due: Day
    weight: Weight = 1.0  # relative to its siblings
    parent_id: Id | None = None


class ProgressIn(Schema):
    progress: Percent


class StatusIn(Schema):
    status: Text(12, 1)
    public: Bool | None = None


class ReportIn(Schema):
    month: Day
    progress: Percent
    note: Text(5000) = ""


class ReportOut(Schema):
    id: int
    month: datetime.date
    progress: float
    note: str


class ShowcaseOut(Schema):
    id: int
    unit_name: str
    level: str
    year: int
    title: str
    problem: str
    goals: str
    status: str
    progress: float

    resolve_unit_name = related("unit.name")


class TaskOut(UnitOut):
    id: int
    issuer: str
    year: int
    title: str
    measures: str
    starts_on: datetime.date
    deadline: datetime.date
    progress: float
    done_on: datetime.date | None
    outcome: str
    outcome_reason: str
    carried_to_id: int | None

    resolve_issuer = related("issuer.code")


class TaskIn(Schema):
    issuer: Text(32, 1)
    unit: Text(32, 1)
    year: Year
    title: Text(200, 1)
    measures: Text(5000) = ""
    deadline: Day
    starts_on: Day | None = None
    policy_item_id: Id | None = None


class TaskCloseIn(Schema):
    outcome: Literal["done", "carried", "dropped"]
    reason: Text(500) = ""


class TaskListCloseIn(Schema):
    issuer: Text(32, 1)
    year: Year


class TaskListClosureOut(Schema):
    issuer: str
    issuer_name: str
    year: int
    closed_at: datetime.datetime
    done: int
    carried: int
    dropped: int

    resolve_issuer = related("issuer.code")
    resolve_issuer_name = related("issuer.name")


class StepIn(Schema):
    title: Text(200, 1)
    weight: Weight = 1.0  # relative to the other steps


class ScheduleIn(Schema):
    steps: list[StepIn] = Field(min_length=1, max_length=100)


class PromptCardOut(UnitCodeOut):
    id: int
    kind: str
    title: str
    subject_type: str
    subject_id: str
    raised_at: datetime.datetime
    resolved_at: datetime.datetime | None


class RuleIn(Schema):
    unit: Text(32, 1)
    kind: Text(20, 1)
    threshold: Annotated[Float, Field(ge=0, le=365)]


class RuleOut(Schema):
    id: int
    kind: str
    threshold: float


class PolicyItemIn(Schema):
    unit: Text(32, 1)
    kind: Text(16, 1)
    code: Text(20, 1)
    title: Text(200, 1)
    body: Text(20000) = ""
    parent_id: Id | None = None


class PolicyItemOut(Schema):
    id: int
    kind: str
    code: str
    title: str
    body: str
    parent_id: int | None


class PlanIn(Schema):
    unit: Text(32, 1)
    year: Year
    title: Text(200, 1)
    item_ids: list[Id] = Field(max_length=1000)


class PlanOut(Schema):
    id: int
    year: int
    title: str
    item_ids: list[int]

    @staticmethod
    def resolve_item_ids(obj):
        return sorted(i.pk for i in obj.items.all())


class UncoveredOut(Schema):
    county: str
    county_name: str
    plan_id: int | None
    uncovered: list[str]


# ---------------------------------------------------------------- projects
@router.get("/projects", response=list[ProjectRow], summary="Secretary-led projects under a unit")
def projects(request, unit: str | None = None, year: Year | None = None, level: str | None = None,
             status: str | None = None, page: Query[Page.sized(100, 500)] = None):
    qs = selectors.projects_in(user=request.user, unit=_unit(request, unit), year=year, level=level, status=status)
    return list(page.slice(qs))


@router.post("/projects", response={201: ProjectOut}, summary="Start a secretary-led project")
def project_create(request, payload: ProjectIn):
    unit = unit_get(user=request.user, code=payload.unit)
    project = services.project_create(actor=request.user, unit=unit, title=payload.title, problem=payload.problem,
                                      goals=payload.goals, deadline=payload.deadline, year=payload.year,
                                      leader_name=payload.leader_name, public=payload.public)
    return Status(201, project)


@router.get("/projects/{project_id}", response=ProjectOut, summary="One project with milestones and evidence")
def project_detail(request, project_id: PathId):
    return selectors.project_get(user=request.user, pk=project_id)


@router.post("/projects/{project_id}/status", response=ProjectRow, summary="Change a project's status")
def project_status(request, project_id: PathId, payload: StatusIn):
    project = selectors.project_get(user=request.user, pk=project_id)
    return services.project_set_status(actor=request.user, project=project, status=payload.status,
                                       public=payload.public)


@router.post("/projects/{project_id}/milestones", response={201: MilestoneOut}, summary="Add a milestone")
def project_milestone_add(request, project_id: PathId, payload: MilestoneIn):
    project = selectors.project_get(user=request.user, pk=project_id)
    parent = project.milestones.filter(pk=payload.parent_id).first() if payload.parent_id else None
    if payload.parent_id and parent is None:
        raise NotFound()
    return Status(201, services.milestone_add(actor=request.user, project=project, title=payload.title,
                                              due=payload.due, weight=payload.weight, parent=parent))


@router.post("/projects/{project_id}/evidence", response={201: EvidenceOut}, summary="Attach evidence")
def project_evidence(request, project_id: PathId, title: str = Form(..., min_length=1, max_length=200),
                     milestone_id: int | None = Form(None, ge=1, le=2**31 - 1),
                     file: File[UploadedFile] = None):
    project = selectors.project_get(user=request.user, pk=project_id)
    milestone = project.milestones.filter(pk=milestone_id).first() if milestone_id else None
    return Status(201, services.evidence_add(actor=request.user, project=project, title=title, file=file,
                                             milestone=milestone))


@router.post("/projects/{project_id}/reports", response={201: ReportOut}, summary="Monthly progress report")
def project_report(request, project_id: PathId, payload: ReportIn):
    project = selectors.project_get(user=request.user, pk=project_id)
    return Status(201, services.progress_report_submit(actor=request.user, project=project, month=payload.month,
                                                       progress=payload.progress, note=payload.note))


@router.post("/milestones/{milestone_id}/progress", response=MilestoneOut, summary="Report a milestone's progress")
def milestone_progress(request, milestone_id: PathId, payload: ProgressIn):
    milestone = selectors.milestone_get(user=request.user, pk=milestone_id)
    return services.milestone_report(actor=request.user, milestone=milestone, progress=payload.progress)


@router.get("/showcase", response=list[ShowcaseOut], auth=None, summary="Public showcase of secretary-led projects")
def showcase(request, year: Year | None = None, page: Query[Page.sized(100, 500)] = None):
    return list(page.slice(selectors.showcase_projects(year=year)))


# ---------------------------------------------------------------- key tasks
@router.get("/tasks", response=list[TaskOut], summary="The key task list under a unit")
def tasks(request, unit: str | None = None, year: Year | None = None, page: Query[Page.sized(200, 1000)] = None):
    qs = selectors.tasks_in(user=request.user, unit=_unit(request, unit), year=year_or_this(year))
    return list(page.slice(qs))


@router.post("/tasks", response={201: TaskOut}, summary="Publish a key task")
def task_create(request, payload: TaskIn):
    issuer = unit_get(user=request.user, code=payload.issuer)
    unit = unit_get(user=request.user, code=payload.unit)
    item = selectors.policy_item_get(user=request.user, pk=payload.policy_item_id) if payload.policy_item_id else None
    return Status(201, services.key_task_create(
        actor=request.user, issuer=issuer, unit=unit, year=payload.year, title=payload.title,
        measures=payload.measures, deadline=payload.deadline, starts_on=payload.starts_on, policy_item=item))


@router.post("/tasks/{task_id}/milestones", response={201: MilestoneOut}, summary="Add a milestone to a task")
def task_milestone_add(request, task_id: PathId, payload: MilestoneIn):
    task = selectors.task_get(user=request.user, pk=task_id)
    parent = task.milestones.filter(pk=payload.parent_id).first() if payload.parent_id else None
    return Status(201, services.milestone_add(actor=request.user, task=task, title=payload.title, due=payload.due,
                                              weight=payload.weight, parent=parent))


@router.post("/tasks/{task_id}/schedule", response={201: list[MilestoneOut]},
             summary="Schedule milestones backwards from the deadline")
def task_schedule(request, task_id: PathId, payload: ScheduleIn):
    task = selectors.task_get(user=request.user, pk=task_id)
    return Status(201, services.task_schedule_backward(actor=request.user, task=task,
                                                       steps=[s.dict() for s in payload.steps]))


@router.post("/tasks/{task_id}/reports", response={201: ReportOut}, summary="Monthly progress report on a task")
def task_report(request, task_id: PathId, payload: ReportIn):
    task = selectors.task_get(user=request.user, pk=task_id)
    return Status(201, services.progress_report_submit(actor=request.user, task=task, month=payload.month,
                                                       progress=payload.progress, note=payload.note))


@router.post("/tasks/{task_id}/close", response=TaskOut,
             summary="The year's close: the issuer marks a task done, carried over or dropped")
def task_close(request, task_id: PathId, payload: TaskCloseIn):
    task = selectors.task_get(user=request.user, pk=task_id)
    return closing.key_task_close(actor=request.user, task=task, outcome=payload.outcome, reason=payload.reason)


@router.post("/task-lists/close", response={201: TaskListClosureOut},
             summary="Close and freeze an issuer's key task list of a year")
def task_list_close(request, payload: TaskListCloseIn):
    issuer = unit_get(user=request.user, code=payload.issuer)
    return Status(201, closing.task_list_close(actor=request.user, issuer=issuer, year=payload.year))


@router.get("/task-lists/closed", response=list[TaskListClosureOut], summary="Closed key task lists under a unit")
def task_lists_closed(request, unit: str | None = None, year: Year | None = None,
                      page: Query[Page.sized(200, 1000)] = None):
    return list(page.slice(closing.closures_in(user=request.user, unit=_unit(request, unit), year=year)))


# ---------------------------------------------------------------- prompt cards and rules
@router.get("/cards", response=list[PromptCardOut], summary="Supervision prompt cards under a unit")
def cards(request, unit: str | None = None, open_only: bool = True, page: Query[Page.sized(200, 1000)] = None):
    qs = selectors.cards_in(user=request.user, unit=_unit(request, unit), open_only=open_only)
    return list(page.slice(qs))


@router.post("/rules", response={201: RuleOut}, summary="Set a prompt-card rule for a unit and below")
def rule_set(request, payload: RuleIn):
    unit = unit_get(user=request.user, code=payload.unit)
    return Status(201, services.prompt_rule_set(actor=request.user, unit=unit, kind=payload.kind,
                                                threshold=payload.threshold))


# ---------------------------------------------------------------- policy framework
@router.get("/policy/items", response=list[PolicyItemOut], summary="The city's 2+1+N policy items")
def policy_items(request, unit: str | None = None):
    u = _unit(request, unit)
    city_path = "/" + u.path.strip("/").split("/")[0] + "/"
    return list(PolicyItem.objects.filter(unit_path=city_path).order_by("code"))


@router.post("/policy/items", response={201: PolicyItemOut}, summary="Add a policy item")
def policy_item_create(request, payload: PolicyItemIn):
    unit = unit_get(user=request.user, code=payload.unit)
    parent = PolicyItem.objects.filter(pk=payload.parent_id, unit=unit).first() if payload.parent_id else None
    return Status(201, services.policy_item_create(actor=request.user, unit=unit, kind=payload.kind,
                                                   code=payload.code, title=payload.title, body=payload.body,
                                                   parent=parent))


@router.post("/policy/plans", response={201: PlanOut}, summary="Set a county's implementation plan")
def plan_set(request, payload: PlanIn):
    unit = unit_get(user=request.user, code=payload.unit)
    items = selectors.policy_items_get(user=request.user, pks=payload.item_ids)
    return Status(201, services.plan_set(actor=request.user, unit=unit, year=payload.year, title=payload.title,
                                         items=items))


@router.get("/policy/uncovered", response=list[UncoveredOut], summary="City items each county's plan leaves uncovered")
def policy_uncovered(request, unit: str | None = None, year: Year | None = None):
    u = _unit(request, unit)
    if u.kind != "city":
        raise NotFound()
    return [{"county": r["county"].code, "county_name": r["county"].name,
             "plan_id": r["plan"].pk if r["plan"] else None, "uncovered": [i.code for i in r["uncovered"]]}
            for r in selectors.uncovered_items(city=u, year=year_or_this(year))]


# ---------------------------------------------------------------- year-end assessment
class AssessmentIn(Schema):
    unit: Text(32, 1)
    year: Year
    title: Text(200) = ""
    thresholds: dict[Text(20), Score100] | None = Field(None, max_length=10)
    review_weight: Share = 0.3


class AssessmentOut(UnitCodeOut):
    id: int
    year: int
    title: str
    status: str
    thresholds: dict
    review_weight: float
    computed_at: datetime.datetime | None
    published_at: datetime.datetime | None


class IndicatorNode(Schema):
    code: Text(20, 1)
    title: Text(200, 1)
    weight: Share  # siblings' weights add up to 1
    source: Text(60) = ""
    children: list["IndicatorNode"] = Field([], max_length=100)


IndicatorNode.model_rebuild()


class TreeIn(Schema):
    tree: list[IndicatorNode] = Field(max_length=200)


class CriterionIn(Schema):
    title: Text(200, 1)
    max_score: Annotated[Float, Field(gt=0, le=100)]


class RubricIn(Schema):
    criteria: list[CriterionIn] = Field(max_length=100)


class CriterionOut(Schema):
    id: int
    title: str
    max_score: float


class RaterIn(Schema):
    level: Text(16, 1)
    username: Text(150, 1)
    own_unit: Text(32, 1)


class SecretaryReportIn(Schema):
    unit: Text(32, 1)
    secretary_name: Text(60, 1)
    text: Text(20000, 1)


class SecretaryReportOut(UnitCodeOut):
    id: int
    secretary_name: str
    text: str


class ScoresIn(Schema):
    scores: dict[int, Score100] = Field(max_length=100)


class EntryIn(Schema):
    indicator_code: Text(20, 1)
    level: Text(16, 1)
    unit: Text(32, 1)
    value: Share
    evidence: Text(5000)


class ResultOut(Schema):
    unit_code: str
    unit_name: str
    level: str
    indicator_score: float
    review_score: float | None
    rating: str
    score: float
    rank: int
    breakdown: dict


@router.post("/assessments", response={201: AssessmentOut}, summary="Create a year-end assessment")
def assessment_create(request, payload: AssessmentIn):
    unit = unit_get(user=request.user, code=payload.unit)
    return Status(201, assessment_services.assessment_create(
        actor=request.user, unit=unit, year=payload.year, title=payload.title, thresholds=payload.thresholds,
        review_weight=payload.review_weight))


@router.get("/assessments/{assessment_id}", response=AssessmentOut, summary="One assessment")
def assessment_detail(request, assessment_id: PathId):
    return selectors.assessment_get(user=request.user, pk=assessment_id)


@router.put("/assessments/{assessment_id}/indicators/{level}", summary="Replace a level's indicator tree")
def indicator_tree(request, assessment_id: PathId, level: str, payload: TreeIn):
    a = selectors.assessment_get(user=request.user, pk=assessment_id)
    n = assessment_services.indicator_tree_set(actor=request.user, assessment=a, level=level,
                                               tree=[node.dict() for node in payload.tree])
    return {"indicators": n}


@router.put("/assessments/{assessment_id}/rubric/{level}", response=list[CriterionOut],
            summary="Replace a level's review rubric")
def rubric(request, assessment_id: PathId, level: str, payload: RubricIn):
    a = selectors.assessment_get(user=request.user, pk=assessment_id)
    return assessment_services.rubric_set(actor=request.user, assessment=a, level=level,
                                          criteria=[c.dict() for c in payload.criteria])


@router.post("/assessments/{assessment_id}/raters", response={201: dict}, summary="Add a rater for a level")
def rater_add(request, assessment_id: PathId, payload: RaterIn):
    a = selectors.assessment_get(user=request.user, pk=assessment_id)
    own_unit = unit_get(user=request.user, code=payload.own_unit)
    user = User.objects.filter(username=payload.username).first()
    if user is None:
        raise NotFound()
    r = assessment_services.rater_add(actor=request.user, assessment=a, level=payload.level, user=user,
                                      own_unit=own_unit)
    return Status(201, {"id": r.pk, "level": r.level, "username": user.username})


@router.post("/assessments/{assessment_id}/reports", response={201: SecretaryReportOut},
             summary="Submit a secretary's report for review")
def report_submit(request, assessment_id: PathId, payload: SecretaryReportIn):
    a = selectors.assessment_get(user=request.user, pk=assessment_id)
    unit = unit_get(user=request.user, code=payload.unit)
    return Status(201, assessment_services.secretary_report_submit(
        actor=request.user, assessment=a, unit=unit, secretary_name=payload.secretary_name, text=payload.text))


@router.post("/reports/{report_id}/scores", summary="A rater scores a report on the rubric")
def report_scores(request, report_id: PathId, payload: ScoresIn):
    report = selectors.secretary_report_get(user=request.user, pk=report_id)
    return {"scored": assessment_services.review_score(actor=request.user, report=report, scores=payload.scores)}


@router.post("/assessments/{assessment_id}/entries", summary="Enter an entered indicator's value with evidence")
def entry(request, assessment_id: PathId, payload: EntryIn):
    a = selectors.assessment_get(user=request.user, pk=assessment_id)
    unit = unit_get(user=request.user, code=payload.unit)
    indicator = a.indicators.filter(level=payload.level, code=payload.indicator_code).first()
    if indicator is None:
        raise NotFound()
    e = assessment_services.indicator_enter(actor=request.user, indicator=indicator, unit=unit,
                                            value=payload.value, evidence=payload.evidence)
    return {"id": e.pk, "value": e.value}


@router.post("/assessments/{assessment_id}/compute", summary="Compute scores and ranks from live data")
def compute(request, assessment_id: PathId):
    a = selectors.assessment_get(user=request.user, pk=assessment_id)
    return {"results": assessment_services.assessment_compute(actor=request.user, assessment=a)}


@router.post("/assessments/{assessment_id}/publish", response=AssessmentOut, summary="Publish and freeze")
def publish(request, assessment_id: PathId):
    a = selectors.assessment_get(user=request.user, pk=assessment_id)
    return assessment_services.assessment_publish(actor=request.user, assessment=a)


@router.get("/assessments/{assessment_id}/results", response=list[ResultOut],
            summary="Results (scores, ranks, ratings) within the caller's area")
def results(request, assessment_id: PathId, level: str | None = None):
    a = selectors.assessment_get(user=request.user, pk=assessment_id)
    return list(selectors.results_in(user=request.user, assessment=a, level=level))

