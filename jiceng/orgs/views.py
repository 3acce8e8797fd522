from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.core.errors import NotFound, ServiceError
from jiceng.core.scope import require_scope
from jiceng.core.views import page
from jiceng.orgs import selectors
from jiceng.orgs.excel import units_export, units_import
from jiceng.orgs.models import UnitKind
from jiceng.orgs.people import people as people_source


@page
def home(request):
    top = selectors.unit_top_for(request.user)
    if top is None:
        raise NotFound()
    return redirect("orgs:unit", code=top.code)


@page
def unit_page(request, code):
    unit = selectors.unit_get(user=request.user, code=code)
    return render(request, "orgs/unit.html", _unit_context(request, unit))


def _unit_context(request, unit):
    tally = selectors.unit_tally(unit)
    children = list(selectors.unit_children(user=request.user, unit=unit)[:500])
    residents = selectors.children_resident_counts(unit, children)
    people = list(people_source().search(user=request.user, unit=unit)[:20]) if unit.kind in (
        UnitKind.BUILDING, UnitKind.HOUSEHOLD, UnitKind.COMPOUND) else []
    return {
        "unit": unit,
        "ancestors": selectors.unit_ancestors(unit),
        "counts": selectors.subtree_kind_counts(unit, tally),
        "residents": selectors.residents_count(unit, tally),
        "children": [(c, residents.get(c.path, 0)) for c in children],
        "chain": selectors.party_chain(unit),
        "committees": list(selectors.big_committees_in(unit)[:50]) if unit.kind in ("street", "community") else [],
        "people": people,
        "kinds": dict(UnitKind.choices),
    }


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _import(request, unit, importer, capability):
    require_scope(request.user, unit.path, capability)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose an Excel file to import."))
        return redirect("orgs:unit", code=unit.code)
    try:
        created = importer(actor=request.user, upload=upload)
    except ServiceError as exc:
        context = _unit_context(request, unit)
        context.update(import_error=exc.message, import_errors=exc.as_dict().get("errors", [])[:500])
        return render(request, "orgs/unit.html", context, status=exc.status)
    messages.success(request, _("%(n)d rows imported.") % {"n": created})
    return redirect("orgs:unit", code=unit.code)


@require_POST
@page
def unit_import(request, code):
    return _import(request, selectors.unit_get(user=request.user, code=code), units_import, "structure")


@require_POST
@page
def people_import(request, code):
    return _import(request, selectors.unit_get(user=request.user, code=code), people_source().importer, "write")


@page
def unit_export(request, code, what):
    unit = selectors.unit_get(user=request.user, code=code)
    exporter = units_export if what == "units" else people_source().exporter
    data = exporter(user=request.user, unit=unit)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{what}-{unit.code}.xlsx"'
    return response
