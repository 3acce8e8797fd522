from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.core.context import landing_url
from jiceng.core.errors import Conflict, NotFound, ServiceError
from jiceng.core.exports import xlsx_response
from jiceng.core.scope import require_scope, user_can
from jiceng.core.views import flash_errors, form_or_again, form_submit, page
from jiceng.orgs import selectors, services
from jiceng.orgs.attendance import attendance_rates
from jiceng.orgs.excel import units_export, units_import
from jiceng.orgs.forms import (
    LeaveForm,
    MoveForm,
    PartTimeMemberForm,
    PartyOrgForm,
    RenameForm,
    RenewForm,
    TermForm,
)
from jiceng.orgs.models import PartTimeSource, UnitKind
from jiceng.orgs.people import people as people_source


@page
def home(request):
    """`/` and the page after login: the landing page of the user's role (jiceng/core/roles.py LANDING)."""
    return redirect(landing_url(request.user) or reverse("orgs:units"))


@page
def units(request):
    """The menu's "Units": the page of the widest unit the user holds."""
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
        "coverage": people_source().central_coverage(unit) if unit.kind in (UnitKind.COMMUNITY, UnitKind.GRID)
        and people_source().central_coverage else [],
    }


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
    return xlsx_response(data, f"{what}-{unit.code}.xlsx")


# ---------------------------------------------------------------- party organizations (A2)


@page
def party_orgs_page(request, code):
    """The organizations on a unit and right below it; a structure role sets up a new one on the unit."""
    unit = selectors.unit_get(user=request.user, code=code)
    form = PartyOrgForm(request.POST or None, parents=selectors.party_org_parents_for(unit))
    if request.method == "POST":
        org = form_submit(form, lambda d: services.party_org_create(
            actor=request.user, unit=unit, kind=d["kind"], name=d["name"], parent=d["parent"],
            established_on=d["established_on"]))
        if org is not None:
            messages.success(request, _("Party organization set up."))
            return redirect("orgs:party_org", pk=org.pk)
    return render(request, "orgs/party_orgs.html", {
        "unit": unit, "ancestors": selectors.unit_ancestors(unit), "form": form,
        "orgs": list(selectors.party_orgs_on(unit)[:300]),
        "may_structure": user_can(request.user, unit.path, "structure"),
    }, status=422 if form.errors else 200)


def _party_org_url(org) -> str:
    return reverse("orgs:party_org", args=[org.pk])


def _party_org_render(request, org, rename=None, move=None, status=200):
    parents = selectors.party_org_parents_for(org.unit, exclude=org)
    return render(request, "orgs/party_org.html", {
        "org": org, "chain": selectors.party_chain(org.unit),
        "children": list(org.children.select_related("unit").order_by("unit_path", "id")[:300]),
        "member_count": org.memberships.count(),
        "rename": rename or RenameForm(initial={"name": org.name}),
        "move": move or MoveForm(parents=parents, initial={"parent": org.parent_id}),
        "may_structure": user_can(request.user, org.unit_path, "structure"),
    }, status=status)


@page
def party_org_page(request, pk):
    org = selectors.party_org_get(user=request.user, pk=pk)
    if request.method != "POST":
        return _party_org_render(request, org)
    form = RenameForm(request.POST)
    return form_or_again(request, form,
                         lambda d: services.party_org_rename(actor=request.user, org=org, name=d["name"]),
                         success=_("Renamed."), to=_party_org_url,
                         again=lambda: _party_org_render(request, org, rename=form, status=422))


@require_POST
@page
def party_org_move(request, pk):
    org = selectors.party_org_get(user=request.user, pk=pk)
    form = MoveForm(request.POST, parents=selectors.party_org_parents_for(org.unit, exclude=org))
    return form_or_again(request, form,
                         lambda d: services.party_org_move(actor=request.user, org=org, parent=d["parent"]),
                         success=_("Moved."), to=_party_org_url,
                         again=lambda: _party_org_render(request, org, move=form, status=422))


@require_POST
@page
def party_org_dissolve(request, pk):
    org = selectors.party_org_get(user=request.user, pk=pk)
    try:
        services.party_org_dissolve(actor=request.user, org=org)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("orgs:party_org", pk=org.pk)
    messages.success(request, _("%(org)s dissolved.") % {"org": org.name})
    return redirect("orgs:party_orgs", code=org.unit.code)


# ---------------------------------------------------------------- big committees (A3)


@page
def committees_page(request, code):
    """A street's 大工委 or a community's 大党委: its terms, and the form to set up a term."""
    unit = selectors.unit_get(user=request.user, code=code)
    if unit.kind not in (UnitKind.STREET, UnitKind.COMMUNITY):
        raise NotFound()
    form = TermForm(request.POST or None)
    if request.method == "POST":
        committee = form_submit(form, lambda d: services.big_committee_create(
            actor=request.user, unit=unit, term_start=d["term_start"], term_end=d["term_end"]))
        if committee is not None:
            messages.success(request, _("Big committee set up."))
            return redirect("orgs:committee", pk=committee.pk)
    return render(request, "orgs/committees.html", {
        "unit": unit, "ancestors": selectors.unit_ancestors(unit), "form": form,
        "terms": list(selectors.big_committees_of(unit)[:50]), "today": timezone.localdate(),
        "may_structure": user_can(request.user, unit.path, "structure"),
    }, status=422 if form.errors else 200)


def _committee_render(request, committee, member_form=None, renew=None, status=200):
    rates = attendance_rates(committee)
    roster = list(selectors.roster_of(committee))
    sources = [(label, rates["sources"].get(value)) for value, label in PartTimeSource.choices
               if value in rates["sources"]]
    return render(request, "orgs/committee.html", {
        "committee": committee, "unit": committee.unit,
        "roster": [(m, rates["members"].get(m.pk)) for m in roster], "sources": sources,
        "member_form": member_form or PartTimeMemberForm(
            party_orgs=selectors.unit_party_orgs_for_roster(committee)),
        "renew": renew or RenewForm(initial={"carry_over": True}),
        "leave": LeaveForm(), "today": timezone.localdate(),
        "may_structure": user_can(request.user, committee.unit_path, "structure"),
    }, status=status)


@page
def committee_page(request, pk):
    return _committee_render(request, selectors.big_committee_get(user=request.user, pk=pk))


@require_POST
@page
def committee_member_add(request, pk):
    committee = selectors.big_committee_get(user=request.user, pk=pk)
    form = PartTimeMemberForm(request.POST, party_orgs=selectors.unit_party_orgs_for_roster(committee))

    def add(d):
        person = selectors.roster_person_get(user=request.user, pk=d["person"]) if d["person"] else None
        return services.part_time_member_add(
            actor=request.user, committee=committee, name=d["name"], source=d["source"], source_org=d["source_org"],
            source_party_org=d["source_party_org"], position=d["position"], person=person, joined_on=d["joined_on"])

    return form_or_again(request, form, add, success=_("Part-time member added."),
                         to=lambda _member: reverse("orgs:committee", args=[committee.pk]),
                         again=lambda: _committee_render(request, committee, member_form=form, status=422))


@require_POST
@page
def committee_member_leave(request, pk):
    member = selectors.part_time_member_get(user=request.user, pk=pk)
    form = LeaveForm(request.POST)
    if form_submit(form, lambda d: services.part_time_member_leave(actor=request.user, member=member,
                                                                    left_on=d["left_on"])):
        messages.success(request, _("%(name)s left the committee.") % {"name": member.name})
    else:
        flash_errors(request, form)
    return redirect("orgs:committee", pk=member.committee_id)


@require_POST
@page
def committee_renew(request, pk):
    committee = selectors.big_committee_get(user=request.user, pk=pk)
    form = RenewForm(request.POST)
    return form_or_again(request, form, lambda d: services.big_committee_renew(
        actor=request.user, committee=committee, term_end=d["term_end"], carry_over=d["carry_over"]),
        success=_("The next term is set up."), to=lambda new: reverse("orgs:committee", args=[new.pk]),
        again=lambda: _committee_render(request, committee, renew=form, status=422))
