from django.shortcuts import redirect, render

from jiceng.core.errors import NotFound
from jiceng.core.views import page
from jiceng.orgs import selectors
from jiceng.orgs.models import UnitKind


@page
def home(request):
    top = selectors.unit_top_for(request.user)
    if top is None:
        raise NotFound()
    return redirect("orgs:unit", code=top.code)


@page
def unit_page(request, code):
    unit = selectors.unit_get(user=request.user, code=code)
    children = list(selectors.unit_children(user=request.user, unit=unit)[:500])
    residents = selectors.children_resident_counts(unit, children)
    from jiceng.people.selectors import people_search

    people = list(people_search(user=request.user, unit=unit)[:20]) if unit.kind in (
        UnitKind.BUILDING, UnitKind.HOUSEHOLD, UnitKind.COMPOUND) else []
    return render(request, "orgs/unit.html", {
        "unit": unit,
        "ancestors": selectors.unit_ancestors(unit),
        "counts": selectors.subtree_kind_counts(unit),
        "residents": selectors.residents_count(unit),
        "children": [(c, residents.get(c.path, 0)) for c in children],
        "chain": selectors.party_chain(unit),
        "committees": list(selectors.big_committees_in(unit)[:50]) if unit.kind in ("street", "community") else [],
        "people": people,
        "kinds": dict(UnitKind.choices),
    })
