"""Pages of co-building (SPEC C1–C3): agency and member registration with the community's confirmation
queue; the needs, resources and projects lists with suggested matches and set → check → evaluate; activities
with sign-up, check-in (code or place), credited hours and the yearly report to the agencies.

Thin views: load through the selectors' access helpers, validate with a form, call one service
(`core.views.form_submit`: a refusal is shown next to its field with status 422, nothing written)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from jiceng.core.errors import Forbidden, NotFound
from jiceng.core.forms import YearParamForm, year_param
from jiceng.core.scope import scope_filter, user_can
from jiceng.core.views import form_or_again, form_submit, page, run_and_redirect
from jiceng.mobilize import selectors, services
from jiceng.mobilize.forms_cobuild import (
    ActivityForm,
    AgencyForm,
    EvaluationForm,
    EvaluationRecordForm,
    MemberForm,
    NeedForm,
    PresenceForm,
    ProjectCheckForm,
    ProjectSetForm,
    ResourceForm,
    SelfRegistrationForm,
    SignupForm,
)
from jiceng.mobilize.models import (
    AgencyRegistration,
    Member,
    ProjectStage,
    RegistrationStatus,
    Resource,
    Skill,
)

T = "mobilize/cobuild/"


def _agencies(user):
    return scope_filter(AgencyRegistration.objects.all(), user, "unit_path").order_by("name")


def _posted(request):
    """The posted data of a POST (even an empty one, which must fail validation), None on a GET."""
    return request.POST if request.method == "POST" else None


def _done(request, message, to):
    messages.success(request, message)
    return redirect(to)


def _create_or_show(request, form, create, done, show):
    """A page with a create form: on a POST, `create(cleaned_data)` (one service call) through form_submit;
    when it worked, `done(row)` gives the message and the page to go to. Otherwise `show(status)` renders the
    page: 200 on a GET, 422 with the errors next to the fields after bad input or a refusal."""
    status = 200
    if request.method == "POST":
        row = form_submit(form, create)
        if row is not None:
            return _done(request, *done(row))
        status = 422
    return show(status)


def _next_or(request, default: str) -> str:
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return default


# --- C1: registration and the confirmation queue ----------------------------------------------------


@page
def agencies(request):
    communities = list(selectors.writable_communities(request.user))
    form = AgencyForm(_posted(request), communities=communities)
    return _create_or_show(
        request, form,
        lambda d: services.agency_register(
            actor=request.user, community=d["community"], name=d["name"], agreement_start=d["agreement_start"],
            agreement_end=d["agreement_end"], commitments=d["commitments"]),
        lambda reg: (_("The agency is registered; the community confirms it in the queue."),
                     reverse("mobilize:cobuild_agency", args=[reg.pk])),
        lambda status: render(request, T + "agencies.html", {
            "agencies": selectors.agencies_list(user=request.user), "form": form if communities else None,
        }, status=status))


@page
def agency(request, pk):
    reg = selectors.agency_get(user=request.user, pk=pk)
    year = year_param(request)
    can_write = user_can(request.user, reg.unit_path, "write")
    return render(request, T + "agency.html", {
        "agency": reg, "year": year, "rows": selectors.agency_member_rows(reg, year), "can_write": can_write,
    })


@page
@require_POST
def agency_confirm(request, pk):
    reg = selectors.agency_get(user=request.user, pk=pk)
    return run_and_redirect(request, lambda: services.agency_confirm(actor=request.user, agency=reg),
                            _next_or(request, reverse("mobilize:cobuild_queue")),
                            success=_("Registration confirmed."))


# The default skills' names (migration 0002) are stored in English; shown translated.
DEFAULT_SKILL_NAMES = [gettext_noop("Medical"), gettext_noop("Driving"), gettext_noop("IT"), gettext_noop("Legal"),
                       gettext_noop("Psychology"), gettext_noop("Construction"), gettext_noop("Logistics"),
                       gettext_noop("Languages")]


def _skill_choices():
    return [(s.code, _(s.name)) for s in Skill.objects.filter(active=True).order_by("bit")]


@page
def members(request):
    communities = list(selectors.writable_communities(request.user))
    initial = {}
    agency_pk = request.GET.get("agency", "")
    if agency_pk.isdigit():
        reg = selectors.agency_get(user=request.user, pk=int(agency_pk))
        initial = {"agency": reg.pk, "community": reg.community_id}
    form = MemberForm(_posted(request), initial=initial, communities=communities,
                      agencies=_agencies(request.user), skill_choices=_skill_choices())
    return _create_or_show(
        request, form,
        lambda d: services.member_enrol(
            actor=request.user, community=d["community"], name=d["name"], id_number=d["id_number"],
            phone=d["phone"], employer=d["employer"], skills=d["skills"], agency=d["agency"]),
        lambda member: (_("%(name)s is registered and waits for the community's confirmation.")
                        % {"name": member.name}, reverse("mobilize:cobuild_queue")),
        lambda status: _members_page(request, form if communities else None, status=status))


def _members_page(request, form, *, self_form=None, status=200):
    wanted = request.GET.get("status", "")
    wanted = wanted if wanted in RegistrationStatus.values else ""
    may_register = (getattr(request.user, "person_id", None) is not None
                    and selectors.member_for_user(request.user) is None)
    if may_register and self_form is None:
        self_form = SelfRegistrationForm(skill_choices=_skill_choices())
    return render(request, T + "members.html", {
        "members": selectors.members_list(user=request.user, status=wanted or None), "status": wanted,
        "statuses": RegistrationStatus.choices, "form": form, "self_form": self_form if may_register else None,
        "me": selectors.member_for_user(request.user),
    }, status=status)


@page
@require_POST
def member_self(request):
    """A party member registers themselves with the community they live in (报到); the community confirms."""
    person = getattr(request.user, "person", None) if getattr(request.user, "person_id", None) else None
    if person is None:
        raise Forbidden(_("Only a party member's own account registers itself."))
    form = SelfRegistrationForm(request.POST, skill_choices=_skill_choices())
    member = form_submit(form, lambda d: services.member_register(
        actor=request.user, community=selectors.home_community(person), employer=d["employer"],
        skills=d["skills"]))
    if member is not None:
        return _done(request, _("You are registered; the community confirms your registration."),
                     reverse("mobilize:cobuild_members"))
    return _members_page(request, None, self_form=form, status=422)


@page
@require_POST
def member_confirm(request, pk):
    member = selectors.member_get(user=request.user, pk=pk)
    return run_and_redirect(request, lambda: services.member_confirm(actor=request.user, member=member),
                            _next_or(request, reverse("mobilize:cobuild_queue")),
                            success=_("Registration confirmed."))


@page
def queue(request):
    pending = RegistrationStatus.PENDING
    return render(request, T + "queue.html", {
        "agencies": selectors.agencies_list(user=request.user, status=pending),
        "members": selectors.members_list(user=request.user, status=pending),
    })


# --- C2: needs, resources, projects -------------------------------------------------------------------


@page
def needs(request):
    communities = list(selectors.writable_communities(request.user))
    form = NeedForm(_posted(request), communities=communities)
    return _create_or_show(
        request, form,
        lambda d: services.need_create(
            actor=request.user, community=d["community"], title=d["title"], category=d["category"],
            source=d["source"], place=d["place"], urgency=d["urgency"], wanted_from=d["wanted_from"],
            wanted_to=d["wanted_to"], quantity=d["quantity"]),
        lambda need: (_("The need is on the list."), reverse("mobilize:cobuild_need", args=[need.pk])),
        lambda status: render(request, T + "needs.html", {
            "needs": selectors.needs_list(user=request.user), "form": form if communities else None,
        }, status=status))


@page
def need(request, pk):
    item = selectors.need_get(user=request.user, pk=pk)
    suggestions = selectors.match_suggestions(item)
    form = ProjectSetForm(_posted(request), resources=scope_filter(Resource.objects.all(), request.user,
                                                                       "unit_path"))
    form.fields["resources"].widget.choices = [(r.pk, r.title) for r, _s in suggestions]
    return _create_or_show(
        request, form,
        lambda d: services.project_create(actor=request.user, need=item, resources=list(d["resources"]),
                                          title=d["title"]),
        lambda project: (_("The project is set."), reverse("mobilize:cobuild_project", args=[project.pk])),
        lambda status: render(request, T + "need.html", {
            "need": item, "suggestions": suggestions,
            "projects": selectors.projects_list(user=request.user, need=item),
            "form": form if user_can(request.user, item.unit_path, "write") else None,
        }, status=status))


@page
def resources(request):
    communities = list(selectors.writable_communities(request.user))
    form = ResourceForm(_posted(request), communities=communities, agencies=_agencies(request.user))
    return _create_or_show(
        request, form,
        lambda d: services.resource_create(
            actor=request.user, community=d["community"], title=d["title"], category=d["category"],
            agency=d["agency"], available_from=d["available_from"], available_to=d["available_to"],
            capacity=d["capacity"]),
        lambda res: (_("The resource is on the list."), reverse("mobilize:cobuild_resources")),
        lambda status: render(request, T + "resources.html", {
            "resources": selectors.resources_list(user=request.user), "form": form if communities else None,
        }, status=status))


@page
def projects(request):
    return render(request, T + "projects.html", {"projects": selectors.projects_list(user=request.user)})


def _project_page(request, project, *, check_form=None, record_form=None, self_form=None, status=200):
    can_write = user_can(request.user, project.unit_path, "write")
    person = getattr(request.user, "person", None) if getattr(request.user, "person_id", None) else None
    lives_here = person is not None and person.unit_path.startswith(project.unit_path)
    checked = project.stage != ProjectStage.SET
    return render(request, T + "project.html", {
        "project": project, "need": project.need, "resources": selectors.project_resources(project),
        "evaluations": list(project.evaluations.select_related("person").order_by("-at", "-id")),
        "check_form": (check_form or ProjectCheckForm()) if can_write and not checked else None,
        "record_form": (record_form or EvaluationRecordForm()) if can_write and checked else None,
        "self_form": (self_form or EvaluationForm()) if lives_here and checked else None,
    }, status=status)


@page
def project(request, pk):
    return _project_page(request, selectors.project_get(user=request.user, pk=pk))


@page
@require_POST
def project_check(request, pk):
    item = selectors.project_get(user=request.user, pk=pk)
    form = ProjectCheckForm(request.POST)
    return form_or_again(request, form,
                         lambda d: services.project_check(actor=request.user, project=item, note=d["note"]),
                         success=_("The check is recorded."),
                         to=lambda _project: reverse("mobilize:cobuild_project", args=[item.pk]),
                         again=lambda: _project_page(request, item, check_form=form, status=422))


@page
@require_POST
def project_evaluate(request, pk):
    """A community worker records a resident's evaluation (by identity number); a resident of the
    community evaluates for themselves."""
    item = selectors.project_get(user=request.user, pk=pk)
    if user_can(request.user, item.unit_path, "write"):
        form = EvaluationRecordForm(request.POST)
        done = form_submit(form, lambda d: services.project_evaluation_record(
            actor=request.user, project=item, id_number=d["id_number"], score=d["score"], comment=d["comment"]))
        kwargs = {"record_form": form}
    else:
        form = EvaluationForm(request.POST)
        done = form_submit(form, lambda d: services.project_evaluate(
            actor=request.user, project=item, score=d["score"], comment=d["comment"]))
        kwargs = {"self_form": form}
    if done:
        return _done(request, _("The evaluation is recorded."), reverse("mobilize:cobuild_project", args=[item.pk]))
    item.refresh_from_db()
    return _project_page(request, item, status=422, **kwargs)


# --- C3: activities, check-in, hours and the yearly report ---------------------------------------------


@page
def activities(request):
    communities = list(selectors.writable_communities(request.user))
    form = ActivityForm(_posted(request), communities=communities)
    return _create_or_show(
        request, form,
        lambda d: services.activity_create(
            actor=request.user, community=d["community"], kind=d["kind"], title=d["title"],
            starts_at=d["starts_at"], ends_at=d["ends_at"], capacity=d["capacity"], lat=d["lat"],
            lng=d["lng"]),
        lambda act: (_("The activity is open for sign-up."),
                     reverse("mobilize:cobuild_activity", args=[act.pk])),
        lambda status: render(request, T + "activities.html", {
            "activities": selectors.activities_list(user=request.user), "form": form if communities else None,
            "member": selectors.member_for_user(request.user),
        }, status=status))


def _activity_page(request, act, *, signup_form=None, presence_form=None, status=200):
    can_write = user_can(request.user, act.unit_path, "write")
    me = selectors.member_for_user(request.user)
    signups = selectors.activity_signups(act)
    mine = next((s for s in signups if me is not None and s.member_id == me.pk), None)
    if can_write:
        signup_form = signup_form or SignupForm(members=selectors.signup_candidates(act))
        presence_form = presence_form or PresenceForm(members=Member.objects.filter(signups__activity=act))
    elif me is not None and me.unit_path == act.unit_path:
        signup_form = signup_form or (SignupForm(members=Member.objects.none()) if mine is None else None)
        presence_form = presence_form or (PresenceForm(members=Member.objects.none()) if mine is not None else None)
    return render(request, T + "activity.html", {
        "activity": act, "signups": signups, "mine": mine, "can_write": can_write, "signup_form": signup_form,
        "presence_form": presence_form, "hours": sum(s.hours for s in signups),
    }, status=status)


@page
def activity(request, pk):
    return _activity_page(request, selectors.activity_get(user=request.user, pk=pk))


def _acting_member(request, act, form):
    """The member a sign-up or check-in is for: chosen by a community worker, else the user themselves."""
    if user_can(request.user, act.unit_path, "write"):
        if form.is_valid() and form.cleaned_data.get("member") is None:
            form.add_error("member", _("Choose the member."))
        return None
    me = selectors.member_for_user(request.user)
    if me is None:
        raise Forbidden(_("Only registered members sign up for activities."))
    return me


@page
@require_POST
def activity_signup(request, pk):
    act = selectors.activity_get(user=request.user, pk=pk)
    form = SignupForm(request.POST, members=selectors.signup_candidates(act))
    me = _acting_member(request, act, form)
    done = form_submit(form, lambda d: services.activity_signup(
        actor=request.user, activity=act, member=me or d["member"]))
    if done:
        return _done(request, _("Signed up."), reverse("mobilize:cobuild_activity", args=[act.pk]))
    return _activity_page(request, act, signup_form=form, status=422)


PRESENCE = {"check-in": services.activity_check_in, "check-out": services.activity_check_out}


@page
@require_POST
def activity_presence(request, pk, action):
    if action not in PRESENCE:
        raise NotFound()
    act = selectors.activity_get(user=request.user, pk=pk)
    form = PresenceForm(request.POST, members=Member.objects.filter(signups__activity=act))
    me = _acting_member(request, act, form)
    done = form_submit(form, lambda d: PRESENCE[action](
        actor=request.user, activity=act, member=me or d["member"], code=d["code"] or None, lat=d["lat"],
        lng=d["lng"]))
    if done:
        message = _("Checked in.") if action == "check-in" else _("Checked out: %(hours)s hours credited.") % {
            "hours": done.hours}
        return _done(request, message, reverse("mobilize:cobuild_activity", args=[act.pk]))
    return _activity_page(request, act, presence_form=form, status=422)


@page
def report(request):
    form = YearParamForm(request.GET)
    if not form.is_valid():
        return render(request, T + "report.html", {"form": form, "rows": [], "year": None}, status=422)
    year = form.cleaned_data["year"] or timezone.localdate().year
    rows = selectors.agency_report(user=request.user, year=year)
    return render(request, T + "report.html", {
        "form": form, "rows": rows, "year": year,
        "total": {"members": sum(r["members"] for r in rows), "activities": sum(r["activities"] for r in rows),
                  "hours": sum(r["hours"] for r in rows)},
    })
