"""Pages of the new-organization registry: the registry and its two coverages under a unit, the "should
build" gap list of a community or street (or the city), the grid worker's entry from patrol, one
organization (its coverage updated in place) and the Excel import. Thin: forms validate, services write."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jiceng.core.errors import Conflict, Forbidden, ValidationFailed
from jiceng.core.scope import scope_prefixes, user_can
from jiceng.core.views import page
from jiceng.neworgs import selectors, services
from jiceng.neworgs.forms import FilterForm, ImportForm, NewOrgForm
from jiceng.orgs.selectors import unit_ancestors, unit_children, unit_or_top

PER_PAGE = 100
MAX_CHILDREN = 400


def _page_number(request) -> int:
    try:
        return max(1, min(int(request.GET.get("page") or 1), 10_000))
    except ValueError:
        return 1


@page
def home(request):
    unit = unit_or_top(user=request.user, code=request.GET.get("unit"))
    form = FilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    children = list(unit_children(user=request.user, unit=unit)[:MAX_CHILDREN]) if unit.kind != "grid" else []
    by_child = selectors.coverage_by_child(unit, children) if children else {}
    # Every organization under the unit lies under one of its children: the children's sum is the unit's
    # coverage and, unfiltered, the list's total (no second pass over the area, no COUNT(*) for the pager).
    whole = bool(children) and len(children) < MAX_CHILDREN
    summary = selectors.coverage_sum(by_child) if whole else selectors.coverage(unit.path)
    orgs = selectors.neworgs_in_scope(user=request.user, unit=unit, kind=filters.get("kind") or None,
                                      org_coverage=filters.get("org_coverage") or None, query=filters.get("q") or "")
    paginator = Paginator(orgs, PER_PAGE)
    if not any(filters.get(k) for k in ("kind", "org_coverage", "q")):
        paginator.count = summary["total"]
    listing = paginator.get_page(_page_number(request))
    return render(request, "neworgs/home.html", {
        "unit": unit, "ancestors": unit_ancestors(unit), "summary": summary,
        "rows": [(c, by_child[c.path]) for c in children], "listing": listing, "form": form,
        "may_write": user_can(request.user, unit.path, "write"),
    })


@page
def gaps(request):
    """The gap list under a unit: the counts below it from one GROUP BY (their sum is the list's total, so
    the paginator does not count again), a page of organizations with their grid and community joined."""
    unit = unit_or_top(user=request.user, code=request.GET.get("unit"))
    children = list(unit_children(user=request.user, unit=unit)[:MAX_CHILDREN]) if unit.kind != "grid" else []
    by_child = selectors.gaps_by_child(unit, children) if children else {}
    paginator = Paginator(selectors.gap_list(user=request.user, unit=unit), PER_PAGE)
    if children and len(children) < MAX_CHILDREN:
        paginator.count = sum(by_child.values())  # every gap under the unit lies under one of its children
    listing = paginator.get_page(_page_number(request))
    return render(request, "neworgs/gaps.html", {
        "unit": unit, "ancestors": unit_ancestors(unit), "listing": listing,
        "orgs": [(o, o.grid.parent) for o in listing.object_list],
        "rows": [(c, by_child[c.path]) for c in children if by_child[c.path]],
        "total": paginator.count,
    })


@page
def org_new(request):
    """The grid worker's entry from patrol (phone-sized): the place by the phone's position or an address."""
    if not scope_prefixes(request.user, "write"):
        raise Forbidden(_("Your role may not register organizations."))
    form = NewOrgForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                org = services.neworg_create(actor=request.user, **{k: v for k, v in data.items()})
            except (ValidationFailed, Conflict) as exc:
                form.apply_error(exc)
            else:
                messages.success(request, _("Registered %(name)s in %(grid)s.") % {"name": org.name,
                                                                                    "grid": org.grid.name})
                return redirect("neworgs:org", pk=org.pk)
        status = 422
    return render(request, "neworgs/form.html", {"form": form, "title": _("Register a new organization")},
                  status=status)


@page
def org_page(request, pk):
    org = selectors.neworg_get(user=request.user, pk=pk)
    may_write = user_can(request.user, org.unit_path, "write")
    initial = {f: getattr(org, f) for f in services.EDITABLE} | {"address": org.address, "lat": org.lat,
                                                                 "lng": org.lng, "crs": "wgs84"}
    form = NewOrgForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        services.require_scope(request.user, org.unit_path, "write")
        if form.is_valid():
            data = dict(form.cleaned_data)
            moved = (data["lat"], data["lng"]) != (org.lat, org.lng) or data["address"] != org.address
            place = {"lat": data.pop("lat"), "lng": data.pop("lng"), "crs": data.pop("crs") or "wgs84",
                     "address": data.pop("address")}
            if not moved:
                place = {"address": place["address"]}
            try:
                services.neworg_update(actor=request.user, org=org, **place, **data)
            except (ValidationFailed, Conflict) as exc:
                form.apply_error(exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("neworgs:org", pk=org.pk)
        status = 422
    return render(request, "neworgs/org.html", {"org": org, "form": form, "may_write": may_write,
                                                "ancestors": unit_ancestors(org.grid)}, status=status)


@page
def import_page(request):
    if not scope_prefixes(request.user, "write"):
        raise Forbidden(_("Your role may not register organizations."))
    form = ImportForm(request.POST or None, request.FILES or None)
    errors, status = [], 200
    if request.method == "POST":
        if form.is_valid():
            from jiceng.neworgs.excel import neworgs_import

            try:
                created = neworgs_import(actor=request.user, upload=form.cleaned_data["file"])
            except ValidationFailed as exc:
                errors = exc.errors
                form.add_error("file", str(exc.message))
                status = 422
            else:
                messages.success(request, _("%(n)d organizations imported.") % {"n": created})
                return redirect("neworgs:home")
        else:
            status = 422
    return render(request, "neworgs/import.html", {"form": form, "errors": errors}, status=status)
