from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from jiceng.core.errors import NotFound, ValidationFailed
from jiceng.core.limits import read_upload
from jiceng.core.scope import scope_filter
from jiceng.core.views import map_tiles, page
from jiceng.network import geoio, selectors, services
from jiceng.orgs.models import Unit
from jiceng.orgs.selectors import unit_ancestors, unit_get, unit_top_for


def _figure_choices():
    from django.utils.translation import gettext_lazy as _

    return [("residents", _("Residents")), ("households", _("Households")), ("compounds", _("Compounds")),
            ("three_without_open", _("Three-without compounds still open")), ("staff", _("Grid staff")),
            ("staff_gaps", _("Grids missing a leader or worker"))]


def _unit_from_query(request):
    code = request.GET.get("unit")
    if code:
        return unit_get(user=request.user, code=code)
    top = unit_top_for(request.user)
    if top is None:
        raise NotFound()
    return top


@page
def map_page(request):
    unit = _unit_from_query(request)
    figure = request.GET.get("figure", "residents")
    if figure not in selectors.GRID_FIGURES:
        figure = "residents"
    return render(request, "network/map.html", {
        "unit": unit, "ancestors": unit_ancestors(unit), "figure": figure, "figures": _figure_choices(),
        "tiles": map_tiles(),
        "center": list(settings.LEAFLET_CONFIG.get("DEFAULT_CENTER", (36.08, 111.52))),
    })


@page
def grid_page(request, code):
    grid = selectors.grid_get(user=request.user, code=code)
    compounds = list(selectors.compounds_of(grid))
    buildings = list(scope_filter(Unit.objects.filter(parent__parent=grid, kind="building"), request.user)
                     .select_related("parent").order_by("code")[:300])
    households = list(scope_filter(Unit.objects.filter(parent__parent__parent=grid, kind="household"), request.user)
                      .select_related("parent").order_by("code")[:200])
    return render(request, "network/grid.html", {
        "grid": grid, "ancestors": unit_ancestors(grid), "staff": list(selectors.grid_staff(grid)),
        "compounds": compounds, "buildings": buildings, "households": households,
    })


def _integrity_context(request, unit, **extra):
    report = selectors.integrity_summary(unit)
    return {"unit": unit, "ancestors": unit_ancestors(unit), "report": report, "problems": report.problems,
            "coverage": selectors.staff_coverage(unit), **extra}


@page
def integrity_page(request, code):
    unit = unit_get(user=request.user, code=code)
    return render(request, "network/integrity.html", _integrity_context(request, unit))


@page
@require_POST
def import_page(request, code):
    """Upload GeoJSON or Excel geometry from the integrity page: all or nothing, every problem listed."""
    unit = unit_get(user=request.user, code=code)
    upload = request.FILES.get("file")
    kind = request.POST.get("kind", "grid")
    try:
        if upload is None:
            raise ValidationFailed(gettext("Choose a file to import."), field="file")
        content = read_upload(upload, max_bytes=geoio.MAX_IMPORT_BYTES)
        parse = geoio.parse_excel if upload.name.lower().endswith((".xlsx", ".xlsm")) else geoio.parse_geojson
        features = parse(content, crs=request.POST.get("crs", "wgs84"))
        result = services.geometry_import(actor=request.user, kind=kind, features=features)
    except ValidationFailed as exc:
        return render(request, "network/integrity.html", _integrity_context(
            request, unit, import_error=exc.message, import_errors=exc.errors), status=422)
    messages.success(request, gettext("Imported: %(c)d created, %(u)d updated.")
                     % {"c": result["created"], "u": result["updated"]})
    return redirect("network:integrity", code=unit.code)


# --- The platform's own base map and the address of a pin (issue 18, item 2): public base geometry -----


def basemap_tile(request, z: int, x: int, y: int):
    """GET only: one tile of the base map as GeoJSON (jiceng/network/basemap.py). Public: streets,
    outlines and names of units down to the building, never a household or a resident. 404 for a tile
    outside the zoom range or the world, and when a tile server is configured (the map uses that)."""
    from django.http import Http404, HttpResponse, HttpResponseNotAllowed

    from jiceng.network import basemap

    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if map_tiles() or not basemap.valid_tile(z, x, y):
        raise Http404()
    response = HttpResponse(basemap.tile_json(z, x, y), content_type="application/geo+json")
    response["Cache-Control"] = f"public, max-age={basemap.CACHE_SECONDS}"
    return response


def pin_address(request):
    """GET ?lat=&lng= (WGS-84): the address to show for a pin on any map — the nearest gazetteer address
    of a building (150 m), else the community and grid; {} outside the city or for a bad point."""
    from django import forms
    from django.http import HttpResponseNotAllowed, JsonResponse

    from jiceng.network import basemap

    class PointForm(forms.Form):
        lat = forms.FloatField(min_value=-90, max_value=90)
        lng = forms.FloatField(min_value=-180, max_value=180)

    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    form = PointForm(request.GET)
    if not form.is_valid():
        return JsonResponse({}, status=422)
    response = JsonResponse(basemap.address_near(form.cleaned_data["lat"], form.cleaned_data["lng"]))
    response["Cache-Control"] = "public, max-age=300"
    return response
