"""Pages that write the stakeholder registries (D1) through consult.stakeholders: on a compound its owners'
committee and members, the property company serving it with the project manager, the manager's report-ins,
cross-appointments and volunteer teams; on a community its property companies, the party-building
instructors it sends with their visits, and its volunteer teams. POST ?form=<name> runs that one service;
a refusal is shown next to its field (422), nothing written. Both pages are for those who may write there
(403 in scope without the role, 404 outside)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.consult import stakeholders
from jiceng.consult.forms_stakeholders import (
    CrossAppointmentForm,
    InstructorForm,
    OwnersCommitteeForm,
    PropertyCompanyForm,
    PropertyServiceForm,
    ReportInForm,
    VisitForm,
    VolunteerTeamForm,
)
from jiceng.consult.models.stakeholders import Instructor, PropertyCompany, PropertyService
from jiceng.core.errors import NotFound, ValidationFailed
from jiceng.core.scope import require_scope, scope_filter, subtree_q
from jiceng.core.views import form_submit, page
from jiceng.orgs.selectors import unit_get
from jiceng.people.models import PartyMembership, Person

MAX_CHOICES = 2000  # people offered in a list (a community's registered residents)


def _people(user, path: str) -> dict[int, Person]:
    qs = scope_filter(Person.objects.filter(subtree_q(path, "unit_path")), user, "unit_path")
    return {p.pk: p for p in qs.only("id", "name", "unit_path").order_by("name", "id")[:MAX_CHOICES]}


def _labels(rows: dict) -> list[tuple[int, str]]:
    return [(pk, str(obj)) for pk, obj in rows.items()]


def _run(request, forms_: dict, services: dict):
    """POST ?form=name: bind that form, run its service; returns (response or None, status). A GET: (None, 200)."""
    if request.method != "POST":
        return None, 200
    which = request.POST.get("form")
    if which not in forms_:
        return render(request, "core/error.html", {"message": _("Unknown form.")}, status=400), 400
    form = forms_[which] = forms_[which].__class__(request.POST, prefix=which, **forms_[which].kw)
    done = form_submit(form, services[which])
    if done is not None:
        messages.success(request, _("Saved."))
        return redirect(request.path), 302
    return None, 422


def _team_service(request, unit, people: dict):
    """The volunteer-team form's service, for a compound's page and a community's alike."""
    return lambda d: stakeholders.volunteer_team_create(
        actor=request.user, unit=unit, name=d["name"], members=[people[pk] for pk in d["members"]],
        leader=people.get(d["leader"]) if d["leader"] else None)


def _unbound(name, cls, **kw):
    """The form, unbound, prefixed with its name (several forms on one page); kw kept to bind it on POST."""
    form = cls(prefix=name, **kw)
    form.kw = kw
    return form


@page
def compound_registries(request, code):
    """A compound's stakeholders, written: owners' committee, property service, report-in, cross-appointment,
    volunteer team."""
    compound = unit_get(user=request.user, code=code)
    if compound.kind != "compound":
        raise NotFound()
    require_scope(request.user, compound.path, "write")
    community = stakeholders.community_path(compound.path)
    people = _people(request.user, community)
    street = "/".join(compound.path.split("/")[:4]) + "/"
    companies = {c.pk: c for c in PropertyCompany.objects.filter(unit_path__in=[street, community]).order_by("name")}
    service = PropertyService.objects.filter(compound=compound, active=True).select_related("company", "manager").first()
    person_labels = _labels(people)
    forms_ = {
        "committee": _unbound("committee", OwnersCommitteeForm, people=person_labels),
        "service": _unbound("service", PropertyServiceForm, companies=_labels(companies), people=person_labels),
        "report_in": _unbound("report_in", ReportInForm),
        "appointment": _unbound("appointment", CrossAppointmentForm, people=person_labels),
        "team": _unbound("team", VolunteerTeamForm, people=person_labels),
    }

    def report_in(d):
        if service is None:
            raise ValidationFailed(_("No property company serves this compound."), field="to")
        return stakeholders.report_in_record(actor=request.user, service=service, to=d["to"],
                                             reported_on=d["reported_on"])

    services = {
        "committee": lambda d: stakeholders.owners_committee_create(
            actor=request.user, compound=compound, name=d["name"], elected_on=d["elected_on"],
            term_start=d["term_start"], term_end=d["term_end"],
            members=[(people[pk], role) for pk, role in forms_["committee"].roles()]),
        "service": lambda d: stakeholders.property_service_set(
            actor=request.user, company=companies[d["company"]], compound=compound, manager=people[d["manager"]],
            started_on=d["started_on"]),
        "report_in": report_in,
        "appointment": lambda d: stakeholders.cross_appointment_create(
            actor=request.user, kind=d["appointment_kind"], compound=compound, person=people[d["person"]],
            term_start=d["term_start"], term_end=d["term_end"], position=d["position"]),
        "team": _team_service(request, compound, people),
    }
    response, status = _run(request, forms_, services)
    if response is not None:
        return response
    return render(request, "consult/compound_registries.html", {
        "unit": compound, "community_code": community.strip("/").split("/")[-1], "forms": forms_,
        "service": service, "today": timezone.localdate()}, status=status)


@page
def community_registries(request, code):
    """A community's stakeholders, written: property companies, instructors and their visits, volunteer teams."""
    community = unit_get(user=request.user, code=code)
    if community.kind != "community":
        raise NotFound()
    require_scope(request.user, community.path, "write")
    today = timezone.localdate()
    people = _people(request.user, community.path)
    cadre_ids = set(PartyMembership.objects.filter(subtree_q(community.path, "org__unit_path"))
                    .values_list("person_id", flat=True)[:MAX_CHOICES])
    cadres = {pk: p for pk, p in people.items() if pk in cadre_ids}
    serving = {s.company_id: s.company for s in PropertyService.objects.filter(
        subtree_q(community.path, "unit_path"), active=True).select_related("company").order_by("company__name")}
    instructors = {i.pk: i for i in Instructor.objects.filter(unit_path=community.path, term_end__gte=today)
                   .select_related("person", "company").order_by("person__name", "id")}
    forms_ = {
        "company": _unbound("company", PropertyCompanyForm),
        "instructor": _unbound("instructor", InstructorForm, people=_labels(cadres), companies=_labels(serving)),
        "visit": _unbound("visit", VisitForm, instructors=[(pk, f"{i.person.name} · {i.company.name}")
                                               for pk, i in instructors.items()]),
        "team": _unbound("team", VolunteerTeamForm, people=_labels(people)),
    }
    services = {
        "company": lambda d: stakeholders.property_company_create(actor=request.user, unit=community, name=d["name"],
                                                                  licence_code=d["licence_code"]),
        "instructor": lambda d: stakeholders.instructor_assign(
            actor=request.user, community=community, person=cadres[d["person"]], company=serving[d["company"]],
            term_start=d["term_start"], term_end=d["term_end"]),
        "visit": lambda d: stakeholders.instructor_visit_record(
            actor=request.user, instructor=instructors[d["instructor"]], visited_on=d["visited_on"], note=d["note"]),
        "team": _team_service(request, community, people),
    }
    response, status = _run(request, forms_, services)
    if response is not None:
        return response
    return render(request, "consult/community_registries.html", {
        "unit": community, "forms": forms_, "instructors": list(instructors.values()),
        "companies": list(PropertyCompany.objects.filter(unit_path__in=[
            community.path, "/".join(community.path.split("/")[:4]) + "/"]).order_by("name")[:200]),
        "today": today}, status=status)
