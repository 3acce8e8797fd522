from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.core.errors import NotFound, ServiceError
from jiceng.core.scope import scope_prefixes, user_can
from jiceng.core.views import form_or_again, form_submit, page
from jiceng.orgs.selectors import unit_get
from jiceng.people import selectors, services
from jiceng.people.forms import CentralHouseholdForm, HouseholdsForm, VisitForm


@page
def people_list(request):
    unit_code = request.GET.get("unit", "")
    unit = unit_get(user=request.user, code=unit_code) if unit_code else None
    q = request.GET.get("q", "").strip()
    qs = services.people_find(actor=request.user, unit=unit, q=q)
    pager = PagerForm(request.GET)
    at = pager.cleaned_data if pager.is_valid() else {}  # a bad pager parameter is the first page
    page_obj = selectors.people_page(user=request.user, unit=unit, q=q, qs=qs, after=at.get("after"),
                                     before=at.get("before"), first=at.get("at") or 1)
    return render(request, "people/list.html", {"page": page_obj, "q": q, "unit": unit,
                                                "may_search_numbers": bool(scope_prefixes(request.user, "reveal_pii"))})


class PagerForm(forms.Form):
    """The list's keyset pager: the id after or before which a page starts, and the position shown."""

    after = forms.IntegerField(min_value=0, max_value=10**12, required=False)
    before = forms.IntegerField(min_value=0, max_value=10**12, required=False)
    at = forms.IntegerField(min_value=1, max_value=10**12, required=False)


@page
def person_detail(request, pk):
    person = selectors.person_get(user=request.user, pk=pk)
    return render(request, "people/detail.html", {"person": person})


@require_POST
@page
def person_reveal(request, pk):
    person = selectors.person_get(user=request.user, pk=pk)
    field = request.POST.get("field", "")
    try:
        value = services.person_reveal(actor=request.user, person=person, field=field)
    except ServiceError as exc:
        return render(request, "people/_reveal.html", {"error": exc.message}, status=exc.status)
    return render(request, "people/_reveal.html", {"value": value})


# ---------------------------------------------------------------- party-member central households (A2)


def _grid(request):
    grid = unit_get(user=request.user, code=request.GET.get("grid", ""))
    if grid.kind != "grid":
        raise NotFound()
    return grid


@page
def central_households(request):
    """A grid's central households and coverage; a writer sets one up (member and neighbours from lists)."""
    grid = _grid(request)
    form = CentralHouseholdForm(request.POST or None, members=selectors.members_living_in(grid),
                                households=selectors.grid_households(grid))
    if request.method == "POST":
        ch = form_submit(form, lambda d: services.central_household_create(
            actor=request.user, member=d["member"], grid=grid, households=list(d["households"])))
        if ch is not None:
            messages.success(request, _("Central household set up."))
            return redirect("people:central_household", pk=ch.pk)
    return render(request, "people/central_households.html", {
        "grid": grid, "form": form, "rows": list(selectors.central_households_in(user=request.user, grid=grid)[:200]),
        "coverage": selectors.central_coverage(grid), "may_write": user_can(request.user, grid.path, "write"),
        **_map_context(grid),
    }, status=422 if form.errors else 200)


def _map_context(grid):
    """The grid's households with a point, for choosing neighbours on the map beside the list."""
    from jiceng.core.views import map_tiles

    return {"household_points": selectors.grid_household_points(grid), "tiles": map_tiles()}


def _central_render(request, ch, households=None, visit=None, status=200):
    looked_after = ch.households.order_by("path")
    return render(request, "people/central_household.html", {
        "ch": ch, "looked_after": list(looked_after),
        "visits": list(selectors.central_visits(ch)[:100]),
        "households": households or HouseholdsForm(households=selectors.grid_households(ch.grid),
                                                   initial={"households": list(looked_after)}),
        "visit": visit or VisitForm(households=looked_after),
        "may_write": user_can(request.user, ch.unit_path, "write"), **_map_context(ch.grid),
    }, status=status)


@page
def central_household(request, pk):
    ch = selectors.central_household_get(user=request.user, pk=pk)
    if request.method != "POST":
        return _central_render(request, ch)
    form = HouseholdsForm(request.POST, households=selectors.grid_households(ch.grid))
    return form_or_again(request, form, lambda d: services.central_household_set_households(
        actor=request.user, ch=ch, households=list(d["households"])), success=_("Households saved."),
        to=lambda ch: reverse("people:central_household", args=[ch.pk]),
        again=lambda: _central_render(request, ch, households=form, status=422))


@require_POST
@page
def central_household_visit(request, pk):
    ch = selectors.central_household_get(user=request.user, pk=pk)
    form = VisitForm(request.POST, households=ch.households.all())
    if form_submit(form, lambda d: services.central_household_visit_log(
            actor=request.user, ch=ch, household=d["household"], visited_on=d["visited_on"], note=d["note"])):
        messages.success(request, _("Visit logged."))
        return redirect("people:central_household", pk=ch.pk)
    return _central_render(request, ch, visit=form, status=422)
