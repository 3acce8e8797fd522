from urllib.parse import urlencode

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from jiceng.cockpit import selectors
from jiceng.cockpit.labels import FIGURE_LABELS
from jiceng.cockpit.registry import compute_figures
from jiceng.core.scope import user_can
from jiceng.core.views import map_tiles, page
from jiceng.orgs.selectors import unit_ancestors, unit_or_top


@page
def cockpit_home(request):
    unit = unit_or_top(user=request.user, code=request.GET.get("unit"))
    today = timezone.localdate()
    wall = request.GET.get("wall") == "1"
    measure = selectors.measure_or_default(request.GET.get("measure"))

    def link(u, *, wall=wall) -> str:
        """This page for unit `u`, keeping the chosen measure and the wall mode."""
        query = {"unit": u.code}
        if measure != selectors.DEFAULT_MEASURE:
            query["measure"] = measure
        if wall:
            query["wall"] = "1"
        return "?" + urlencode(query)

    rows = [(FIGURE_LABELS.get(k, k), k, v) for k, v in compute_figures(unit, today=today).items()]
    units, drill = selectors.map_units(user=request.user, unit=unit)
    values = selectors.unit_values(unit, units, today=today)
    drill_link = link if drill else (lambda u: "")
    return render(request, "cockpit/home.html", {
        "unit": unit, "rows": rows, "as_of": timezone.now(), "wall": wall,
        "crumbs": [(a, link(a) if user_can(request.user, a.path, "read") else "") for a in unit_ancestors(unit)],
        "children": [(u, link(u)) for u in units] if drill else [],
        "toggle_wall": link(unit, wall=not wall),
        "measure": measure, "measures": [(k, label) for k, (label, _fmt) in selectors.MEASURES.items()],
        "measure_label": selectors.MEASURES[measure][0],
        "map": (shown := selectors.map_data(units, values, measure, href=drill_link)),
        "data": {"map": shown["geojson"], "bars": selectors.score_bars(units, values, href=drill_link),
                 "months": selectors.month_series(unit, today=today), "text": {
                     "measure": str(selectors.MEASURES[measure][0]), "received": gettext("Cases received"),
                     "closed": gettext("Of these, closed"), "score": gettext("Case unit score"),
                     "grade": gettext("Grade")}},
        "tiles": map_tiles(),
    })
