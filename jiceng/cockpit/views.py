import datetime
from urllib.parse import urlencode

from django import forms
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from jiceng.cockpit import selectors, wall
from jiceng.cockpit.labels import FIGURE_LABELS
from jiceng.cockpit.registry import compute_figures
from jiceng.core.errors import NotFound
from jiceng.core.scope import user_can
from jiceng.core.views import map_tiles, page
from jiceng.orgs.selectors import unit_ancestors, unit_or_top

DEFAULT_REFRESH_SECONDS = 30
# A figure computed in the background carries the time it was computed under the key `<figure>_as_of`
# (ISO 8601): it is shown beside its figure, not as a figure of its own.
AS_OF = "_as_of"


def _as_of(value):
    if not value:
        return None
    try:
        return timezone.localtime(datetime.datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return None


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

    figures = compute_figures(unit, today=today)
    rows = [(FIGURE_LABELS.get(k, k), k, v, _as_of(figures.get(f"{k}{AS_OF}")))
            for k, v in figures.items() if not k.endswith(AS_OF)]
    units, drill = selectors.map_units(user=request.user, unit=unit)
    values = selectors.unit_values(unit, units, today=today)
    drill_link = link if drill else (lambda u: "")
    return render(request, "cockpit/home.html", {
        "unit": unit, "rows": rows, "as_of": timezone.now(), "wall": wall,
        "crumbs": [(a, link(a) if user_can(request.user, a.path, "read") else "") for a in unit_ancestors(unit)],
        "children": [(u, link(u)) for u in units] if drill else [],
        "toggle_wall": link(unit, wall=not wall),
        "wall_link": (reverse("cockpit:wall") + "?" + urlencode({"unit": unit.code})
                      if user_can(request.user, unit.path, "write") else ""),
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


class WallForm(forms.Form):
    """The wall display's parameters: the unit (the user's own top unit when empty) and the refresh period."""

    unit = forms.CharField(required=False, max_length=32)
    every = forms.IntegerField(required=False, min_value=5, max_value=600)


def _wall_unit(request):
    form = WallForm(request.GET)
    if not form.is_valid():
        raise NotFound()
    unit = unit_or_top(user=request.user, code=form.cleaned_data["unit"] or None)
    wall.wall_allowed(user=request.user, unit=unit)
    return unit, form.cleaned_data["every"] or DEFAULT_REFRESH_SECONDS


@page
def cockpit_wall(request):
    """The wall display (大屏): dark, one screen, figures refreshed in place every 30 seconds."""
    unit, every = _wall_unit(request)
    today = timezone.localdate()
    units, _drill = selectors.map_units(user=request.user, unit=unit)
    values = selectors.unit_values(unit, units, today=today)
    shown = selectors.map_data(units, values, selectors.DEFAULT_MEASURE, href=lambda u: "")
    return render(request, "cockpit/wall.html", {
        "unit": unit, "wall": wall.wall_data(user=request.user, unit=unit, today=today), "every": every,
        "legend": shown["legend"], "home": "?" + urlencode({"unit": unit.code}),
        "data_url": reverse("cockpit:wall_data") + "?" + urlencode({"unit": unit.code}),
        "data": {"map": shown["geojson"], "bars": selectors.score_bars(units, values, href=lambda u: ""),
                 "months": selectors.month_series(unit, today=today), "text": {
                     "measure": str(selectors.MEASURES[selectors.DEFAULT_MEASURE][0]),
                     "received": gettext("Cases received"), "closed": gettext("Of these, closed"),
                     "score": gettext("Case unit score"), "grade": gettext("Grade")}},
        "tiles": map_tiles(),
    })


@page
def cockpit_wall_data(request):
    """The wall's figures and lists as JSON, for the refresh in place (no reload of the page)."""
    unit, _every = _wall_unit(request)
    response = JsonResponse(wall.wall_data(user=request.user, unit=unit), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response
