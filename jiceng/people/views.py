from django import forms
from django.shortcuts import render
from django.views.decorators.http import require_POST

from jiceng.core.errors import ServiceError
from jiceng.core.scope import scope_prefixes
from jiceng.core.views import page
from jiceng.orgs.selectors import unit_get
from jiceng.people import selectors, services


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
