from django.shortcuts import render
from django.utils import timezone

from jiceng.cockpit.registry import compute_figures
from jiceng.core.views import page
from jiceng.orgs.selectors import unit_ancestors, unit_children, unit_or_top


@page
def cockpit_home(request):
    unit = unit_or_top(user=request.user, code=request.GET.get("unit"))
    figures = compute_figures(unit)
    from jiceng.cockpit.labels import FIGURE_LABELS

    rows = [(FIGURE_LABELS.get(k, k), k, v) for k, v in figures.items()]
    return render(request, "cockpit/home.html", {
        "unit": unit, "rows": rows, "as_of": timezone.now(), "ancestors": unit_ancestors(unit),
        "children": unit_children(user=request.user, unit=unit)[:100] if unit.kind in ("city", "county", "street")
        else [],
        "wall": request.GET.get("wall") == "1",
    })
