"""Workforce pages: thin views that load through the access helpers, validate with a form, call one service."""


from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.core.errors import Forbidden, NotFound
from jiceng.core.exports import xlsx_response
from jiceng.core.forms import year_param
from jiceng.core.scope import user_can
from jiceng.core.views import form_submit, page, run_and_redirect
from jiceng.orgs.models import Unit
from jiceng.orgs.selectors import unit_get, unit_or_top
from jiceng.workforce import excel, forms, grades, pay, selectors, services, stats
from jiceng.workforce.figures import figures
from jiceng.workforce.models import ConfigItem, GradeScale, PayTable, Post, RunStatus, WorkerStatus
from jiceng.workforce.services import MANAGE, RECRUIT, USE


def _unit(request):
    return unit_or_top(user=request.user, code=request.GET.get("unit", "") or request.POST.get("unit", ""))


def _status(form) -> int:
    """A page re-rendered with its form: 200 when fresh, else the service's refusal status (409 …) or 422."""
    return getattr(getattr(form, "refusal", None), "status", 422) if form.errors else 200


def _viewable_unit(request):
    unit = _unit(request)
    selectors.require_view(request.user, unit)
    return unit


@page
def home(request):
    unit = _viewable_unit(request)
    status = request.GET.get("status", "") if request.GET.get("status") in WorkerStatus.values else ""
    post = request.GET.get("post", "") if request.GET.get("post") in Post.values else ""
    q = (request.GET.get("q") or "")[:60]
    pager = Paginator(selectors.workers_in(user=request.user, unit=unit, status=status, post=post, q=q), 50)
    return render(request, "workforce/home.html", {
        "unit": unit, "page": pager.get_page(request.GET.get("page")), "status": status, "post": post, "q": q,
        "figures": figures(unit, today=timezone.localdate()), "posts": Post.choices, "statuses": WorkerStatus.choices,
        "may_recruit": user_can(request.user, unit.path, RECRUIT),
    })


@page
def worker_new(request):
    unit = _unit(request)
    if not selectors.may_view_any(request.user) or not user_can(request.user, unit.path, RECRUIT):
        raise Forbidden()
    form = forms.WorkerForm(request.POST or None, initial={"community": unit.code if unit.kind == "community" else ""})
    if request.method == "POST":
        worker = form_submit(form, lambda d: services.worker_create(
            actor=request.user, community=unit_get(user=request.user, code=d["community"]),
            **{k: v for k, v in d.items() if k != "community"}))
        if worker is not None:
            messages.success(request, _("Worker recruited."))
            return redirect("workforce:worker", pk=worker.pk)
    return render(request, "workforce/worker_new.html", {"form": form, "unit": unit},
                  status=422 if form.errors else 200)


def _worker_context(request, worker, **forms_given):
    steps = list(worker.grade_steps.all())
    explained = [{"step": s, "text": grades.explain(s.rule, s.grade, s.post, s.detail)} for s in steps]
    scale = services.scale_for(worker.unit_path)
    path = worker.unit_path
    context = {
        "worker": worker, "steps": explained, "band": scale.band(worker.post), "scale": scale,
        "lines": list(worker.pay_lines.select_related("run").order_by("-month")[:12]),
        "evaluations": list(worker.evaluations.order_by("-year")),
        "attendance": list(worker.attendance.order_by("-month")[:12]),
        "may_manage": user_can(request.user, path, MANAGE), "may_use": user_can(request.user, path, USE),
        "may_decide": user_can(request.user, path, RECRUIT),
        "transfer_form": forms.TransferForm(), "status_form": forms.StatusForm(), "post_form": forms.PostForm(),
        "attendance_form": forms.AttendanceForm(initial={"month": timezone.localdate().strftime("%Y-%m"),
                                                         "days_required": 22}),
        "evaluation_form": forms.EvaluationForm(initial={"year": timezone.localdate().year - 1}),
        "appeal_form": forms.AppealForm(), "decide_form": forms.DecideForm(),
    }
    context.update(forms_given)
    return context


@page
def worker_page(request, pk):
    worker = selectors.worker_get(user=request.user, pk=pk)
    return render(request, "workforce/worker.html", _worker_context(request, worker))


def _worker_action(request, pk, form_class, form_key, call, success):
    """POST on a worker page: validate the form, run one service; a refusal re-renders the page with the
    message next to the field (422), 403/404 propagate."""
    worker = selectors.worker_get(user=request.user, pk=pk)
    form = form_class(request.POST)
    form_submit(form, lambda _d: call(worker, form))
    if not form.errors:
        messages.success(request, success)
        return redirect("workforce:worker", pk=worker.pk)
    worker = selectors.worker_get(user=request.user, pk=pk)
    return render(request, "workforce/worker.html", _worker_context(request, worker, **{form_key: form}),
                  status=_status(form))


@require_POST
@page
def worker_transfer(request, pk):
    def call(worker, form):
        community = unit_get(user=request.user, code=form.cleaned_data["community"])
        services.worker_transfer(actor=request.user, worker=worker, community=community)

    return _worker_action(request, pk, forms.TransferForm, "transfer_form", call, _("Worker transferred."))


@require_POST
@page
def worker_status(request, pk):
    def call(worker, form):
        services.worker_status_set(actor=request.user, worker=worker, status=form.cleaned_data["status"],
                                   reason=form.cleaned_data["reason"])

    return _worker_action(request, pk, forms.StatusForm, "status_form", call, _("Saved."))


@require_POST
@page
def worker_post(request, pk):
    def call(worker, form):
        services.worker_post_change(actor=request.user, worker=worker, post=form.cleaned_data["post"],
                                    effective_on=form.cleaned_data["effective_on"])

    return _worker_action(request, pk, forms.PostForm, "post_form", call, _("Saved."))


@require_POST
@page
def worker_attendance(request, pk):
    def call(worker, form):
        services.attendance_set(actor=request.user, worker=worker, month=form.cleaned_data["month"],
                                days_required=form.cleaned_data["days_required"],
                                days_present=form.cleaned_data["days_present"])

    return _worker_action(request, pk, forms.AttendanceForm, "attendance_form", call, _("Attendance saved."))


@require_POST
@page
def evaluation_new(request, pk):
    def call(worker, form):
        services.evaluation_record(actor=request.user, worker=worker, year=form.cleaned_data["year"],
                                   scores=form.scores(), community_opinion=form.cleaned_data["community_opinion"])

    return _worker_action(request, pk, forms.EvaluationForm, "evaluation_form", call, _("Evaluation recorded."))


@require_POST
@page
def evaluation_appeal(request, pk):
    evaluation = selectors.evaluation_get(user=request.user, pk=pk)

    def call(worker, form):
        services.evaluation_appeal(actor=request.user, evaluation=evaluation, reason=form.cleaned_data["reason"])

    return _worker_action(request, evaluation.worker_id, forms.AppealForm, "appeal_form", call, _("Appeal filed."))


@require_POST
@page
def evaluation_decide(request, pk):
    evaluation = selectors.evaluation_get(user=request.user, pk=pk)

    def call(worker, form):
        services.evaluation_decide(actor=request.user, evaluation=evaluation, revise=form.cleaned_data["revise"],
                                   note=form.cleaned_data["note"],
                                   scores=form.scores() if form.cleaned_data["revise"] else None)

    return _worker_action(request, evaluation.worker_id, forms.DecideForm, "decide_form", call, _("Appeal decided."))


@page
def payslip(request, pk, month):
    worker = selectors.worker_get(user=request.user, pk=pk)
    try:
        day = forms.parse_month(month)
    except Exception:
        from django.http import Http404

        raise Http404() from None
    line = selectors.pay_line_get(user=request.user, worker=worker, month=day)
    return render(request, "workforce/payslip.html", {"worker": worker, "line": line})


@page
def evaluations(request):
    unit, year = _viewable_unit(request), year_param(request, latest=timezone.localdate().year)
    due = selectors.evaluations_due(user=request.user, unit=unit, year=year)
    return render(request, "workforce/evaluations.html", {
        "unit": unit, "year": year, "due": Paginator(due, 100).get_page(request.GET.get("page")),
        "appeals": list(selectors.evaluations_in(user=request.user, unit=unit, year=year)
                        .filter(status="appealed")[:100]),
    })


@page
def payrolls(request):
    unit = _viewable_unit(request)
    form = forms.PrepareForm(request.POST or None, initial={
        "street": unit.code if unit.kind == "street" else "", "month": timezone.localdate().strftime("%Y-%m")})
    if request.method == "POST":
        run = form_submit(form, lambda d: services.payroll_prepare(
            actor=request.user, street=unit_get(user=request.user, code=d["street"]), month=d["month"]))
        if run is not None:
            messages.success(request, _("Payroll prepared."))
            return redirect("workforce:payroll", pk=run.pk)
    runs = Paginator(selectors.runs_in(user=request.user, unit=unit), 50).get_page(request.GET.get("page"))
    return render(request, "workforce/payrolls.html", {"unit": unit, "form": form, "runs": runs,
                                                       "may_prepare": user_can(request.user, unit.path, MANAGE)},
                  status=_status(form))


@page
def payroll_page(request, pk):
    run = selectors.run_get(user=request.user, pk=pk)
    lines = Paginator(run.lines.order_by("unit_path", "name", "id"), 100).get_page(request.GET.get("page"))
    return render(request, "workforce/payroll.html", {
        "run": run, "lines": lines, "may_approve": run.status == RunStatus.PREPARED and user_can(
            request.user, run.unit_path, RECRUIT)})


@require_POST
@page
def payroll_approve(request, pk):
    run = selectors.run_get(user=request.user, pk=pk)
    return run_and_redirect(request, lambda: services.payroll_approve(actor=request.user, run=run),
                            reverse("workforce:payroll", kwargs={"pk": run.pk}), success=_("Payroll approved."))


@page
def payroll_xlsx(request, pk):
    run = selectors.run_get(user=request.user, pk=pk)
    content = services.payroll_bank_sheet(actor=request.user, run=run)  # not approved: a 409 page (`page`)
    return xlsx_response(content, f"payroll-{run.street.code}-{run.month:%Y-%m}.xlsx")


@page
def statistics_page(request):
    unit, year = _viewable_unit(request), year_param(request, latest=timezone.localdate().year)
    data = stats.statistics(unit, year, today=timezone.localdate())
    labels = {
        "post": dict(Post.choices), "channel": dict(services.Channel.choices),
        "education": dict(services.Education.choices), "qualification": dict(services.Qualification.choices),
        "sex": {"M": _("Male"), "F": _("Female")},
    }
    charts = []
    for key, title in (("post", _("Workers by post")), ("channel", _("Workers by recruitment channel")),
                       ("education", _("Workers by education")), ("qualification", _("Workers by qualification")),
                       ("sex", _("Workers by sex"))):
        values = data[f"by_{key}"]
        charts.append({"id": f"chart-{key}", "title": title,
                       "labels": [str(labels[key].get(k, k)) for k in values], "values": list(values.values())})
    charts.append({"id": "chart-age", "title": _("Workers by age"), "labels": list(data["by_age"]),
                   "values": list(data["by_age"].values())})
    change_labels = {"women_share": _("Share of women"), "young_share": _("Share of young cadres (≤ 35)"),
                     "degree_share": _("Share of degree holders"), "professional_share": _("Share of professionals"),
                     "average_age": _("Average age")}
    for row in data["change"]:
        row["label"] = change_labels[row["key"]]
    return render(request, "workforce/statistics.html", {
        "unit": unit, "year": year, "data": data, "charts": charts, "labels": labels,
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
    })


@page
def streets(request):
    unit = _unit(request)
    checklist = selectors.street_checklist(user=request.user, unit=unit)
    return render(request, "workforce/streets.html", {
        "unit": unit, "checklist": checklist, "gaps": selectors.gaps_by_county(checklist),
        "items": ConfigItem.choices, "form": forms.ConfigForm(),
        "may_manage": {e["street"].pk for e in checklist if user_can(request.user, e["street"].path, MANAGE)},
    })


@require_POST
@page
def street_config(request, code):
    street = unit_get(user=request.user, code=code)
    form = forms.ConfigForm(request.POST)
    form_submit(form, lambda d: services.street_config_set(
            actor=request.user, street=street, item=d["item"], present=d["present"], head=d["head"],
            staffing=d["staffing"] or 0))
    if not form.errors:
        messages.success(request, _("Saved."))
        return redirect(reverse("workforce:streets") + f"?unit={street.parent.code}")
    checklist = selectors.street_checklist(user=request.user, unit=street)
    return render(request, "workforce/streets.html", {
        "unit": street, "checklist": checklist, "gaps": selectors.gaps_by_county(checklist),
        "items": ConfigItem.choices, "form": form, "form_street": street.pk,
        "may_manage": {street.pk}}, status=422)


@page
def powers(request):
    unit = _unit(request)
    return render(request, "workforce/powers.html", {
        "unit": unit, "powers": selectors.powers_in(user=request.user, unit=unit),
        "power_form": forms.PowerForm(initial={"owner": unit.code if unit.kind == "county" else ""}),
        "grant_form": forms.GrantForm(initial={"granted_on": timezone.localdate()}),
        "may_grant": user_can(request.user, unit.path, RECRUIT),
    })


@require_POST
@page
def power_new(request):
    form = forms.PowerForm(request.POST)
    unit = _unit(request)
    power = form_submit(form, lambda d: services.power_create(
        actor=request.user, owner=unit_get(user=request.user, code=d["owner"]), name=d["name"],
        legal_basis=d["legal_basis"], department=d["department"]))
    if power is not None:
        messages.success(request, _("Saved."))
        return redirect(reverse("workforce:powers") + f"?unit={form.cleaned_data['owner']}")
    return render(request, "workforce/powers.html", {
        "unit": unit, "powers": selectors.powers_in(user=request.user, unit=unit), "power_form": form,
        "grant_form": forms.GrantForm(), "may_grant": user_can(request.user, unit.path, RECRUIT)}, status=422)


@require_POST
@page
def power_grant(request, pk):
    power = selectors.power_get(user=request.user, pk=pk)
    form = forms.GrantForm(request.POST)
    form_submit(form, lambda d: services.power_grant(
            actor=request.user, power=power, street=unit_get(user=request.user, code=d["street"]),
            granted_on=d["granted_on"], document=d["document"]))
    if not form.errors:
        messages.success(request, _("Power devolved."))
        return redirect(reverse("workforce:powers") + f"?unit={form.cleaned_data['street']}")
    unit = power.owner
    return render(request, "workforce/powers.html", {
        "unit": unit, "powers": selectors.powers_in(user=request.user, unit=unit),
        "power_form": forms.PowerForm(), "grant_form": form, "grant_power": power.pk,
        "may_grant": user_can(request.user, unit.path, RECRUIT)}, status=422)


@page
def roster_xlsx(request):
    unit = _viewable_unit(request)
    workers = selectors.workers_in(user=request.user, unit=unit).iterator(chunk_size=2000)
    return xlsx_response(excel.roster_xlsx(workers),
                         f"workers-{unit.code}-{timezone.localdate():%Y%m%d}.xlsx")


@page
def roster_import(request):
    unit = _unit(request)
    if not user_can(request.user, unit.path, RECRUIT):
        raise Forbidden()
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        n = form_submit(form, lambda d: excel.roster_import(actor=request.user, upload=d["file"], within=unit))
        if n is not None:
            messages.success(request, _("%(n)d workers imported.") % {"n": n})
            return redirect(reverse("workforce:home") + f"?unit={unit.code}")
    errors = getattr(getattr(form, "refusal", None), "errors", None) or []
    return render(request, "workforce/import.html", {"unit": unit, "form": form, "errors": errors,
                                                     "headers": excel.HEADERS},
                  status=422 if form.errors else 200)


# --- two-committee seats -------------------------------------------------------------------------------

def _seats_context(request, unit, form):
    on = None if request.GET.get("term") == "all" else timezone.localdate()
    pager = Paginator(selectors.seats_in(user=request.user, unit=unit, on=on), 50)
    return {"unit": unit, "page": pager.get_page(request.GET.get("page")), "all_terms": on is None,
            "form": form, "may_manage": user_can(request.user, unit.path, MANAGE)}


@page
def seats(request):
    unit = _viewable_unit(request)
    form = forms.SeatForm(initial={"community": unit.code if unit.kind == "community" else ""})
    return render(request, "workforce/seats.html", _seats_context(request, unit, form))


@require_POST
@page
def seat_new(request):
    unit = _viewable_unit(request)
    form = forms.SeatForm(request.POST)
    form_submit(form, lambda d: services.seat_assign_by_id_number(
            actor=request.user, community=unit_get(user=request.user, code=d["community"]),
            **{k: v for k, v in d.items() if k != "community"}))
    if not form.errors:
        messages.success(request, _("Seat recorded."))
        return redirect(reverse("workforce:seats") + f"?unit={form.cleaned_data['community']}")
    return render(request, "workforce/seats.html", _seats_context(request, unit, form), status=422)


# --- grade scale and pay tables ------------------------------------------------------------------------

def _scale_context(request, unit, county, *, scale_form=None, pay_form=None):
    year = year_param(request, latest=timezone.localdate().year + 1)  # tables are set ahead
    context = {"unit": unit, "county": county, "year": year,
               "counties": Unit.objects.filter(parent=unit, kind="county").order_by("code") if county is None else []}
    if county is None:
        return context
    row = GradeScale.objects.filter(county=county).first()
    scale = services.scale_from_row(row)
    table = PayTable.objects.filter(county=county, year=year).first()
    coefficients = pay.parse_coefficients(table.coefficients) if table else {}
    grades_rows = []
    for grade in range(18, 0, -1):
        coefficient = coefficients.get(grade)
        standard = (table.base_amount * coefficient).quantize(pay.FEN) if table else None
        grades_rows.append({
            "grade": grade, "coefficient": coefficient, "standard": standard,
            "basic": (standard * pay.BASIC_SHARE).quantize(pay.FEN) if table else None,
            "performance": (standard * pay.PERFORMANCE_SHARE).quantize(pay.FEN) if table else None,
            "posts": [scale.band(post)[0] <= grade <= scale.band(post)[1] for post, _label in forms.BAND_FIELDS]})
    may_set = user_can(request.user, county.path, RECRUIT)
    initial_scale = {f: getattr(row, f) if row else GradeScale._meta.get_field(f).default
                     for f in scale_form_fields()}
    initial_pay = {"year": year, "base_amount": table.base_amount if table else None}
    initial_pay.update({f"c{g}": c for g, c in (coefficients or pay.parse_coefficients(
        pay.default_coefficients())).items()})
    context.update({
        "scale": scale, "bands": [(label, scale.band(post)) for post, label in forms.BAND_FIELDS],
        "table": table, "grades": grades_rows, "posts": [label for _p, label in forms.BAND_FIELDS],
        "years": PayTable.objects.filter(county=county).order_by("-year").values_list("year", flat=True),
        "may_set": may_set,
        "scale_form": scale_form or forms.GradeScaleForm(initial=initial_scale),
        "pay_form": pay_form or forms.PayTableForm(initial=initial_pay),
    })
    return context


def scale_form_fields():
    return [f.name for f in GradeScale._meta.fields if f.name not in ("id", "county", "unit_path")]


@page
def scale(request):
    unit = _viewable_unit(request)
    return render(request, "workforce/scale.html", _scale_context(request, unit, selectors.county_of(unit)))


def _county(request, code):
    county = unit_get(user=request.user, code=code)
    if county.kind != "county":
        raise NotFound(_("A grade scale and pay tables belong to a county."))
    return county


@require_POST
@page
def scale_set(request, code):
    county = _county(request, code)
    form = forms.GradeScaleForm(request.POST)
    form_submit(form, lambda d: services.grade_scale_set(actor=request.user, county=county, **d))
    if not form.errors:
        messages.success(request, _("Grade scale saved; the workers' grades were recomputed."))
        return redirect(reverse("workforce:scale") + f"?unit={county.code}")
    return render(request, "workforce/scale.html", _scale_context(request, county, county, scale_form=form),
                  status=422)


@require_POST
@page
def pay_table_set(request, code):
    county = _county(request, code)
    form = forms.PayTableForm(request.POST)
    form_submit(form, lambda d: services.pay_table_set(actor=request.user, county=county, year=d["year"],
                                                          base_amount=d["base_amount"],
                                                          coefficients=form.coefficients()))
    if not form.errors:
        messages.success(request, _("Pay table saved."))
        return redirect(reverse("workforce:scale") + f"?unit={county.code}&year={form.cleaned_data['year']}")
    return render(request, "workforce/scale.html", _scale_context(request, county, county, pay_form=form), status=422)
