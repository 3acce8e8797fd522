"""Funds pages: overview, compliance table and reminder letters, budgets, spending, livelihood projects,
and the public disclosure page of a community (居务公开)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.core.errors import NotFound, ServiceError
from jiceng.core.exports import xlsx_response
from jiceng.core.forms import year_param
from jiceng.core.scope import user_can
from jiceng.core.views import form_submit, page
from jiceng.funds import excel, forms, selectors, services
from jiceng.funds.models import Budget, LivelihoodStatus
from jiceng.orgs.selectors import unit_get, unit_or_top


def _unit(request):
    return unit_or_top(user=request.user, code=request.GET.get("unit", ""))


def _parent_path(unit):
    return unit.path[: unit.path.rstrip("/").rfind("/") + 1]


@page
def home(request):
    unit, year = _unit(request), year_param(request)
    summary = selectors.compliance_summary(unit, year)
    return render(request, "funds/home.html", {
        "unit": unit, "year": year, "summary": summary, "short": summary["short"][:20],
        "execution": selectors.execution(unit, year),
        "letters": list(selectors.letters_in(user=request.user, unit=unit, open_only=True)[:20]),
        "status_counts": [(label, selectors.project_status_counts(unit, year).get(value, 0))
                          for value, label in LivelihoodStatus.choices],
        "chosen_this_year": selectors.projects_chosen_in_year(unit, year),
        "today": timezone.localdate(),
    })


@page
def compliance(request):
    unit, year = _unit(request), year_param(request)
    show_all = request.GET.get("all") == "1"
    rows = selectors.compliance(unit, year)
    summary = selectors.compliance_summary(unit, year, rows)
    can_send = unit.kind in ("city", "county") and user_can(request.user, "/" + unit.ancestor_codes[0] + "/",
                                                                   "supervise")
    form = forms.LetterForm(initial={"year": year, "county": unit.code if unit.kind == "county" else "",
                                     "deadline": timezone.localdate() + timezone.timedelta(days=30)})
    return render(request, "funds/compliance.html", {
        "unit": unit, "year": year, "rows": rows if show_all else [r for r in rows if not r.complies],
        "show_all": show_all, "summary": summary, "can_send": can_send, "form": form,
        "letters": list(selectors.letters_in(user=request.user, unit=unit)[:50]), "today": timezone.localdate(),
    })


@require_POST
@page
def letter_send(request):
    form = forms.LetterForm(request.POST)

    def run(d):
        county = unit_get(user=request.user, code=d["county"])
        return services.reminder_letter_send(actor=request.user, county=county, year=d["year"],
                                             deadline=d["deadline"], body=d["body"])

    letter = form_submit(form, run)
    if letter is None:
        unit = unit_or_top(user=request.user, code="")
        year = form.cleaned_data.get("year") if hasattr(form, "cleaned_data") else None
        year = year or timezone.localdate().year
        rows = selectors.compliance(unit, year)
        return render(request, "funds/compliance.html", {
            "unit": unit, "year": year, "rows": [r for r in rows if not r.complies], "show_all": False,
            "summary": selectors.compliance_summary(unit, year), "can_send": True, "form": form,
            "letters": list(selectors.letters_in(user=request.user, unit=unit)[:50]),
            "today": timezone.localdate()}, status=422)
    messages.success(request, _("Reminder letter sent."))
    return redirect(f"/funds/compliance/?unit={letter.unit.code}&year={letter.year}")


@page
def budgets(request):
    unit, year = _unit(request), year_param(request)
    types = selectors.fund_types()
    form = forms.BudgetForm(types=types, initial={"year": year, "unit": unit.code})
    import_form = forms.ImportForm()
    status = 200
    if request.method == "POST":
        if "file" in request.FILES:
            import_form = forms.ImportForm(request.POST, request.FILES)
            written = form_submit(import_form, lambda d: excel.budgets_import(actor=request.user, upload=d["file"]))
            if written is not None:
                messages.success(request, _("%(n)d budget lines imported.") % {"n": written})
                return redirect(f"{request.path}?unit={unit.code}&year={year}")
        else:
            form = forms.BudgetForm(request.POST, types=types)

            def run(d):
                target = unit_get(user=request.user, code=d["unit"])
                return services.budget_set(actor=request.user, unit=target, year=d["year"],
                                           fund_type=selectors.fund_type_by_code(d["fund_type"]),
                                           source=d["source"], amount=d["amount"])

            if form_submit(form, run) is not None:
                messages.success(request, _("Budget saved."))
                return redirect(f"{request.path}?unit={unit.code}&year={year}")
        status = 422
    pager = Paginator(selectors.budgets_in(user=request.user, unit=unit, year=year), 100)
    return render(request, "funds/budgets.html", {
        "unit": unit, "year": year, "page": pager.get_page(request.GET.get("page")), "form": form,
        "import_form": import_form, "can_set": user_can(request.user, _parent_path(unit), "write")
        or unit.kind in ("city", "county"),
        "standards": [(t, selectors.standards(year)[t.pk]) for t in types],
    }, status=status)


@page
def spending(request):
    unit, year = _unit(request), year_param(request)
    types = selectors.fund_types()
    form = forms.SpendingForm(types=types, initial={"unit": unit.code, "spent_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        form = forms.SpendingForm(request.POST, request.FILES, types=types)

        def run(d):
            target = unit_get(user=request.user, code=d["unit"])
            project = selectors.project_get(user=request.user, pk=d["project"]) if d.get("project") else None
            return services.expenditure_record(
                actor=request.user, unit=target, fund_type=selectors.fund_type_by_code(d["fund_type"]),
                spent_on=d["spent_on"], amount=d["amount"], purpose=d["purpose"], project=project,
                voucher=d.get("voucher"))

        exp = form_submit(form, run)
        if exp is not None:
            if exp.status == "pending":
                messages.warning(request, _("Beyond the budget: the spending waits for the level above's approval."))
            else:
                messages.success(request, _("Spending recorded."))
            return redirect(f"{request.path}?unit={unit.code}&year={year}")
        status = 422
    pager = Paginator(selectors.expenditures_in(user=request.user, unit=unit, year=year), 100)
    return render(request, "funds/spending.html", {
        "unit": unit, "year": year, "page": pager.get_page(request.GET.get("page")), "form": form,
        "execution": selectors.execution(unit, year),
        "pending": list(selectors.expenditures_in(user=request.user, unit=unit, year=None, status="pending")[:50]),
        "can_write": user_can(request.user, unit.path, "write"),
    }, status=status)


@require_POST
@page
def spending_decide(request, pk):
    exp = selectors.expenditure_get(user=request.user, pk=pk)
    try:
        services.expenditure_decide(actor=request.user, expenditure=exp, approve=request.POST.get("approve") == "1",
                                    note=request.POST.get("note", ""))
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect(f"/funds/spending/?unit={exp.unit.code}&year={exp.year}")


@page
def projects(request):
    unit, year = _unit(request), year_param(request)
    status_filter = request.GET.get("status", "")
    form = forms.ProjectForm(initial={"unit": unit.code})
    status = 200
    if request.method == "POST":
        form = forms.ProjectForm(request.POST)

        def run(d):
            target = unit_get(user=request.user, code=d["unit"])
            return services.livelihood_project_create(
                actor=request.user, unit=target, title=d["title"], estimated_cost=d["estimated_cost"],
                description=d["description"], source="need" if d.get("need") else "community",
                source_ref=str(d.get("need") or ""))

        project = form_submit(form, run)
        if project is not None:
            messages.success(request, _("Livelihood project proposed."))
            return redirect("funds:project", pk=project.pk)
        status = 422
    pager = Paginator(selectors.projects_in(user=request.user, unit=unit, year=year,
                                            status=status_filter if status_filter in LivelihoodStatus.values else None),
                      100)
    return render(request, "funds/projects.html", {
        "unit": unit, "year": year, "page": pager.get_page(request.GET.get("page")), "form": form,
        "statuses": LivelihoodStatus.choices, "status_filter": status_filter,
        "can_write": user_can(request.user, unit.path, "write"),
    }, status=status)


STEP_FORMS = {"feasibility": forms.FeasibilityForm, "choose": forms.ChooseForm, "fund": forms.FundForm,
              "built": None, "accept": forms.AcceptForm, "rate": forms.RateForm}


def _fund_budgets(project):
    return list(Budget.objects.filter(unit_id=project.unit_id, year=project.year).select_related("unit", "fund_type"))


@page
def project(request, pk):
    obj = selectors.project_get(user=request.user, pk=pk)
    return _project_page(request, obj, {}, 200)


def _project_page(request, obj, bound: dict, status: int):
    step_forms = {}
    for name, cls in STEP_FORMS.items():
        if cls is None:
            continue
        if name in bound:
            step_forms[name] = bound[name]
        elif name == "fund":
            step_forms[name] = cls(budgets=_fund_budgets(obj), initial={"amount": obj.estimated_cost})
        else:
            step_forms[name] = cls()
    return render(request, "funds/project.html", {
        "project": obj, "photos": list(obj.photos.all()), "forms": step_forms,
        "expenditures": list(obj.expenditures.select_related("fund_type").order_by("spent_on")),
        "bound_error": bound.get("_error"),
    }, status=status)


@require_POST
@page
def project_step(request, pk, step):
    obj = selectors.project_get(user=request.user, pk=pk)
    if step not in STEP_FORMS:
        raise NotFound()
    photos = request.FILES.getlist("photos")
    cls = STEP_FORMS[step]
    if cls is forms.FundForm:
        form = cls(request.POST, budgets=_fund_budgets(obj))
    elif cls is not None:
        form = cls(request.POST)
    else:
        form = None
    actions = {
        "feasibility": lambda d: services.livelihood_feasibility(actor=request.user, project=obj, feasible=d["feasible"],
                                                                 note=d["note"], photos=photos),
        "choose": lambda d: services.livelihood_choose(actor=request.user, project=obj, chosen_by=d["chosen_by"]),
        "fund": lambda d: services.livelihood_fund(actor=request.user, project=obj,
                                                   budget=selectors.budget_get(user=request.user, pk=d["budget"]),
                                                   amount=d["amount"]),
        "built": lambda d: services.livelihood_built(actor=request.user, project=obj, photos=photos),
        "accept": lambda d: services.livelihood_accept(actor=request.user, project=obj, note=d["note"], photos=photos),
        "rate": lambda d: services.livelihood_rate(actor=request.user, project=obj, score=d["score"]),
    }
    if form is None:
        try:
            actions[step]({})
        except ServiceError as exc:
            if exc.status in (403, 404):
                raise
            return _project_page(request, obj, {"_error": exc.message}, exc.status)
        messages.success(request, _("Saved."))
        return redirect("funds:project", pk=obj.pk)
    if form_submit(form, actions[step]) is None:
        return _project_page(request, obj, {step: form}, 422)
    messages.success(request, _("Saved."))
    return redirect("funds:project", pk=obj.pk)


def disclosure(request, code):
    """居务公开: public, no log-in; budgets, spending and projects of a community, no personal data."""
    try:
        unit = selectors.public_community(code)
    except NotFound:
        return render(request, "core/error.html", {"message": _("No such community.")}, status=404)
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    if not 2000 <= year <= 2100:
        year = timezone.localdate().year
    data = selectors.disclosure(unit, year)
    status_labels = dict(LivelihoodStatus.choices)
    for p in data["projects"]:
        p["status_label"] = status_labels.get(p["status"], p["status"])
    return render(request, "funds/disclosure.html", {"unit": unit, "year": year, **data})


@page
def export(request, table):
    unit, year = _unit(request), year_param(request)
    content, filename = excel.export(user=request.user, unit=unit, year=year, table=table)
    return xlsx_response(content, filename)
