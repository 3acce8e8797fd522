
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.core.errors import NotFound, ServiceError
from jiceng.core.exports import xlsx_response
from jiceng.core.forms import DayField, year_param
from jiceng.core.scope import user_can
from jiceng.core.uploads import served_type
from jiceng.core.views import form_and_redirect, form_submit, harden_file_response, page, run_and_redirect
from jiceng.orgs.models import KIND_ORDER, UnitKind
from jiceng.orgs.selectors import unit_get, unit_or_top
from jiceng.projects import assessment as a_svc
from jiceng.projects import closing, excel, exports, indicators, selectors, services
from jiceng.projects.figures import figures
from jiceng.projects.forms import (
    ListCloseForm,
    MilestoneForm,
    MonthReportForm,
    ProgressForm,
    ScoresForm,
    ShowcaseForm,
    ShowcasePhotoForm,
    TaskCloseForm,
)
from jiceng.projects.models import (
    PROJECT_LEVELS,
    AssessmentStatus,
    Indicator,
    PolicyItem,
    ProjectStatus,
)


def _unit(request):
    return unit_or_top(user=request.user, code=request.GET.get("unit", "") or request.POST.get("unit", ""))


@page
def home(request):
    unit, year = _unit(request), year_param(request)
    level = request.GET.get("level") if request.GET.get("level") in PROJECT_LEVELS else None
    pager = Paginator(selectors.projects_in(user=request.user, unit=unit, year=year, level=level), 50)
    page_obj = pager.get_page(request.GET.get("page"))
    return render(request, "projects/home.html", {
        "unit": unit, "year": year, "level": level, "page": page_obj, "figures": figures(unit, today=timezone.localdate()),
        "cards": list(selectors.cards_in(user=request.user, unit=unit)[:30]),
    })


class ProjectForm(forms.Form):
    """The new-project page. Text rules are the service's (one place, the same as the API's); a refusal
    is shown next to its field."""

    unit = forms.CharField(max_length=32)
    title = forms.CharField(required=False)
    problem = forms.CharField(required=False)
    goals = forms.CharField(required=False)
    deadline = DayField()
    leader_name = forms.CharField(required=False)
    public = forms.BooleanField(required=False)


@page
def project_new(request):
    unit = _unit(request)
    form = ProjectForm(request.POST or None, initial={
        "unit": unit.code if unit.kind in PROJECT_LEVELS else "", "deadline": f"{timezone.localdate().year}-12-31"})
    if request.method == "POST":
        project = form_submit(form, lambda d: services.project_create(
            actor=request.user, unit=unit_get(user=request.user, code=d["unit"]), title=d["title"],
            problem=d["problem"], goals=d["goals"], deadline=d["deadline"], leader_name=d["leader_name"],
            public=d["public"]))
        if project is not None:
            messages.success(request, _("Project created."))
            return redirect("projects:project", pk=project.pk)
    return render(request, "projects/project_new.html", {"form": form}, status=422 if form.errors else 200)


@page
def project_page(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    milestones = list(project.milestones.all())
    parents = {m.parent_id for m in milestones if m.parent_id}
    return render(request, "projects/project.html", {
        "project": project, "milestones": [(m, m.pk not in parents) for m in milestones],
        "evidence": list(project.evidence.select_related("milestone")),
        "photos": list(project.photos.all()),
        "reports": list(project.reports.order_by("-month")[:12]),
        "today": timezone.localdate(), "statuses": ProjectStatus.choices,
    })


def _act(request, pk, fn, form=None):
    """A POST on a project page: validate `form` (if any) and run `fn(project, cleaned_data)`; bad input or a
    refusal is a message on the project page."""
    project = selectors.project_get(user=request.user, pk=pk)
    return form_and_redirect(request, form or forms.Form({}), lambda d: fn(project, d),
                             reverse("projects:project", args=[project.pk]), success=_("Saved."), passthrough=(403,))


@require_POST
@page
def milestone_add(request, pk):
    def fn(project, d):
        services.milestone_add(actor=request.user, project=project, title=d["title"], due=d["due"],
                               weight=d["weight"] or 1.0,
                               parent=project.milestones.filter(pk=d["parent"] or 0).first())

    return _act(request, pk, fn, MilestoneForm(request.POST))


@require_POST
@page
def milestone_progress(request, pk):
    milestone = selectors.milestone_get(user=request.user, pk=pk)
    if milestone.project_id is None:
        raise NotFound()
    return _act(request, milestone.project_id, lambda _project, d: services.milestone_report(
        actor=request.user, milestone=milestone, progress=d["progress"]), ProgressForm(request.POST))


@require_POST
@page
def evidence_add(request, pk):
    def fn(project, _d):
        services.evidence_add(actor=request.user, project=project, title=request.POST.get("title", ""),
                              file=request.FILES.get("file"))

    return _act(request, pk, fn)


SHOWCASE_PAGE = 24


def showcase(request):
    """Public: the projects their units chose to show (no login), with their photos and progress, filtered by
    level, unit and year. A filter that is not valid is shown as an error and left out (a public list falls
    back rather than refuses). Queries: the filter's units (2), the count, the page of projects, their photos."""
    units = selectors.showcase_units()
    form = ShowcaseForm(request.GET, units=units)
    form.is_valid()
    d = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if k not in form.errors}
    unit = form.units.get(d.get("unit") or "")
    pager = Paginator(selectors.showcase_projects(year=d.get("year"), level=d.get("level") or None, unit=unit)
                      .prefetch_related("photos"), SHOWCASE_PAGE)
    page_obj = pager.get_page(d.get("page") or 1)
    query = {k: v for k, v in (("level", d.get("level")), ("unit", d.get("unit")), ("year", d.get("year"))) if v}
    return render(request, "projects/showcase.html", {
        "form": form, "page": page_obj, "filtered": bool(query), "query": urlencode(query),
        "rows": [(p, list(p.photos.all()), UnitKind(p.level).label if p.level in UnitKind.values else p.level)
                 for p in page_obj]})


def showcase_photo(request, pk):
    """Public: a photo of a project on the showcase, re-encoded at upload; 404 once the project leaves it."""
    try:
        photo = selectors.showcase_photo_get(pk)
    except NotFound:
        raise Http404() from None
    full = (settings.MEDIA_ROOT / photo.file.name).resolve()
    if not str(full).startswith(str(settings.MEDIA_ROOT.resolve())) or not full.is_file():
        raise Http404()
    content_type, _inline = served_type(full.name)
    response = harden_file_response(FileResponse(open(full, "rb"), content_type=content_type))
    response["Cache-Control"] = "public, max-age=3600"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@require_POST
@page
def photo_add(request, pk):
    def fn(project, d):
        services.project_photo_add(actor=request.user, project=project, upload=d["photo"], caption=d["caption"])

    return _act(request, pk, fn, ShowcasePhotoForm(request.POST, request.FILES))


def _tasks_page(request, unit, year, *, bound=None, list_form=None, status=200):
    """The key task list with, for the lists the user issued, the year's close: an outcome form per task
    (`bound` = (task id, the submitted form) when one was refused) and the close button per list."""
    today = timezone.localdate()
    rows = list(selectors.tasks_in(user=request.user, unit=unit, year=year)[:500])
    expected = selectors.expected_progress_map(tasks=rows, projects=[], today=today)
    lists, frozen = closing.lists_status(user=request.user, tasks=rows)
    deciding = {r["issuer"].pk for r in lists}
    table = []
    for t in rows:
        form = None
        if t.issuer_id in deciding and t.issuer_id not in frozen:
            form = bound[1] if bound and bound[0] == t.pk else TaskCloseForm(
                initial={"outcome": t.outcome or "done", "reason": t.outcome_reason}, prefix=f"t{t.pk}")
        table.append({"task": t, "expected": round(expected[("projects.keytask", t.pk)], 1), "form": form,
                      "frozen": t.issuer_id in frozen})
    return render(request, "projects/tasks.html", {"unit": unit, "year": year, "rows": table, "lists": lists,
                                                   "list_form": list_form}, status=status)


@page
def tasks(request):
    return _tasks_page(request, _unit(request), year_param(request))


@require_POST
@page
def task_close(request, pk):
    """The issuer marks one task done, carried over or dropped (the year's close, F3)."""
    task = selectors.task_get(user=request.user, pk=pk)
    unit = _unit(request)
    form = TaskCloseForm(request.POST, prefix=f"t{task.pk}")
    if form_submit(form, lambda d: closing.key_task_close(actor=request.user, task=task, outcome=d["outcome"],
                                                          reason=d["reason"])):
        messages.success(request, _("Saved."))
        return redirect(f"{reverse('projects:tasks')}?unit={unit.code}&year={task.year}")
    return _tasks_page(request, unit, task.year, bound=(task.pk, form), status=422)


@require_POST
@page
def task_list_close(request):
    """Close and freeze an issuer's list of the year once every task has its outcome."""
    unit = _unit(request)
    form = ListCloseForm(request.POST)
    closure = form_submit(form, lambda d: closing.task_list_close(
        actor=request.user, issuer=unit_get(user=request.user, code=d["issuer"]), year=d["year"]))
    if closure:
        messages.success(request, _("The %(y)d key task list of %(u)s is closed.")
                         % {"y": closure.year, "u": closure.issuer.name})
        return redirect(f"{reverse('projects:tasks')}?unit={unit.code}&year={closure.year}")
    year = form.cleaned_data["year"] if "year" in getattr(form, "cleaned_data", {}) else year_param(request)
    return _tasks_page(request, unit, year, list_form=form, status=422)


@page
def dispatch_xlsx(request):
    unit, year = _unit(request), year_param(request)
    today = timezone.localdate()
    task_rows = list(selectors.tasks_in(user=request.user, unit=unit, year=year))
    project_rows = list(selectors.projects_in(user=request.user, unit=unit, year=year))
    expected = selectors.expected_progress_map(tasks=task_rows, projects=project_rows, today=today)
    data = exports.dispatch_xlsx(rows=selectors.dispatch_rows(user=request.user, unit=unit, year=year, today=today),
                                 tasks=task_rows, projects=project_rows, expected=expected)
    return xlsx_response(data, f"dispatch-{unit.code}-{year}.xlsx")


@page
def policy(request):
    unit, year = _unit(request), year_param(request)
    city_code = unit.path.strip("/").split("/")[0]
    items = list(PolicyItem.objects.filter(unit__code=city_code).order_by("code"))
    uncovered = selectors.uncovered_items(city=unit, year=year) if unit.kind == "city" else []
    return render(request, "projects/policy.html", {"unit": unit, "year": year, "items": items,
                                                    "uncovered": uncovered})


@page
def assessments(request):
    return render(request, "projects/assessments.html",
                  {"rows": list(selectors.assessments_for(user=request.user)[:50])})


def _results(request, pk):
    a = selectors.assessment_get(user=request.user, pk=pk)
    results = list(selectors.results_in(user=request.user, assessment=a))
    codes = list(Indicator.objects.filter(assessment=a, children__isnull=True).order_by("code")
                 .values_list("code", flat=True).distinct())
    return a, results, codes


def _indicator_sections(request, a) -> list[dict]:
    """The levels assessed (below the assessing unit, or holding a tree) with their trees, flattened."""
    trees = excel.trees_of(assessment=a)
    labels = dict(UnitKind.choices)
    can_edit = a.status == AssessmentStatus.DRAFT and user_can(request.user, a.unit_path, "supervise")
    sections = []
    for level in PROJECT_LEVELS:
        if KIND_ORDER.index(level) <= KIND_ORDER.index(a.unit.kind) and level not in trees:
            continue
        tree = trees.get(level, [])
        rows = [{"depth": depth, "indent": 1.5 * depth, "code": n["code"], "title": n["title"],
                 "weight": n["weight"], "share": 100 * share, "kind": excel.KIND_LABEL[kind], "source": n["source"],
                 "source_label": indicators.SOURCES[n["source"]].label if n["source"] in indicators.SOURCES else ""}
                for depth, n, _parent, share, kind in excel.flatten(tree)]
        sections.append({"level": level, "label": labels[level], "rows": rows, "can_edit": can_edit,
                         "top_total": round(sum(float(n["weight"]) for n in tree), 6)})
    return sections


def _assessment_context(request, a, results, codes) -> dict:
    labels = dict(UnitKind.choices)  # headings read "社区", never the level's key
    by_level = [(labels[lv], [r for r in results if r.level == lv]) for lv in PROJECT_LEVELS]
    return {"a": a, "by_level": [x for x in by_level if x[1]], "codes": codes,
            "sections": _indicator_sections(request, a),
            "sources": sorted((k, s.label) for k, s in indicators.SOURCES.items())}


@page
def assessment_page(request, pk):
    a, results, codes = _results(request, pk)
    return render(request, "projects/assessment.html", _assessment_context(request, a, results, codes))


@page
def indicator_xlsx(request, pk, level):
    """下载指标模板: a level's indicator tree (or an empty template) to edit in Excel."""
    a = selectors.assessment_get(user=request.user, pk=pk)
    if level not in PROJECT_LEVELS:
        raise NotFound()
    return xlsx_response(excel.tree_xlsx(assessment=a, level=level), f"indicators-{a.year}-{level}.xlsx")


@require_POST
@page
def indicator_upload(request, pk, level):
    """上传指标体系: replace a level's tree from a sheet, all or nothing (indicator_tree_set)."""
    a = selectors.assessment_get(user=request.user, pk=pk)
    if level not in PROJECT_LEVELS:
        raise NotFound()
    try:
        n = excel.indicator_tree_import(actor=request.user, assessment=a, level=level,
                                        upload=request.FILES.get("file"))
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        a, results, codes = _results(request, pk)
        context = _assessment_context(request, a, results, codes)
        context["tree_error"] = {"level": level, "message": exc.message,
                                 "errors": exc.as_dict().get("errors", [])[:500]}
        return render(request, "projects/assessment.html", context, status=exc.status)
    messages.success(request, _("%(n)d indicators saved.") % {"n": n})
    return redirect(f"{reverse('projects:assessment', args=[a.pk])}#indicators-{level}")


@page
def assessment_xlsx(request, pk):
    a, results, codes = _results(request, pk)
    return xlsx_response(exports.assessment_xlsx(assessment=a, results=results, codes=codes),
                         f"assessment-{a.year}.xlsx")


@require_POST
@page
def report_add(request, pk):
    def fn(project, d):
        services.progress_report_submit(actor=request.user, project=project, month=d["month"] or timezone.localdate(),
                                        progress=d["progress"], note=d["note"])

    return _act(request, pk, fn, MonthReportForm(request.POST))


@require_POST
@page
def status_set(request, pk):
    def fn(project, _d):
        services.project_set_status(actor=request.user, project=project, status=request.POST.get("status", ""),
                                    public=request.POST.get("public") == "on")

    return _act(request, pk, fn)


@require_POST
@page
def task_report(request, pk):
    task = selectors.task_get(user=request.user, pk=pk)
    return form_and_redirect(request, ProgressForm(request.POST), lambda d: services.progress_report_submit(
        actor=request.user, task=task, month=timezone.localdate(), progress=d["progress"], note=d["note"]),
        f"{reverse('projects:tasks')}?unit={task.unit.code}&year={task.year}", success=_("Saved."), passthrough=(403,))


@require_POST
@page
def assessment_action(request, pk, action):
    a = selectors.assessment_get(user=request.user, pk=pk)
    run = a_svc.assessment_publish if action == "publish" else a_svc.assessment_compute
    return run_and_redirect(request, lambda: run(actor=request.user, assessment=a),
                            reverse("projects:assessment", args=[a.pk]),
                            success=_("Published.") if action == "publish" else _("Computed."))


@page
def review(request, pk):
    a = selectors.assessment_get(user=request.user, pk=pk)
    return render(request, "projects/review.html", {"a": a, "rows": selectors.reports_to_review(user=request.user,
                                                                                                assessment=a)})


@require_POST
@page
def review_score(request, pk):
    report = selectors.secretary_report_get(user=request.user, pk=pk)
    form = ScoresForm(request.POST)
    return form_and_redirect(request, form, lambda _d: a_svc.review_score(actor=request.user, report=report,
                                                                          scores=form.scores()),
                             reverse("projects:review", args=[report.assessment_id]), success=_("Saved."))


@require_POST
@page
def report_submit(request, pk):
    a = selectors.assessment_get(user=request.user, pk=pk)
    unit = unit_get(user=request.user, code=request.POST.get("unit", ""))
    return run_and_redirect(request, lambda: a_svc.secretary_report_submit(
        actor=request.user, assessment=a, unit=unit, secretary_name=request.POST.get("secretary_name", ""),
        text=request.POST.get("text", "")), reverse("projects:assessment", args=[a.pk]),
        success=_("Report submitted."))
