"""Pages of deliberation on record (D2) and of the stakeholders (D1): a compound's "one core, many
parties", a community's stakeholders with the overdue report-ins, the matters list (open one), and a
matter's page (invite, session, proposal, decision, follow-up actions)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.consult import deliberation, onecore, selectors
from jiceng.consult.forms import DecisionForm, InviteForm, MatterForm, ProposalForm, SessionForm
from jiceng.consult.models.stakeholders import OwnersCommittee, PropertyService
from jiceng.core.errors import NotFound, ServiceError, ValidationFailed
from jiceng.core.scope import scope_filter, subtree_q, user_can
from jiceng.core.views import page
from jiceng.orgs.models import Unit
from jiceng.orgs.selectors import unit_get, unit_or_top


def _submit(form, fn, field_map=None):
    """Run one service with the form's clean data; a refusal becomes an error next to its field."""
    if not form.is_valid():
        return None
    try:
        return fn(form.cleaned_data)
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        name = (field_map or {}).get(exc.field, exc.field)
        form.add_error(name if name in form.fields else None, str(exc.message))
        return None


@page
def compound(request, code):
    """A compound's "one core, many parties" at a glance, and what is missing."""
    unit = unit_get(user=request.user, code=code)
    if unit.kind != "compound":
        raise NotFound()
    today = timezone.localdate()
    core = onecore.compounds_core([unit], today=today, detail=True)[0]
    return render(request, "consult/compound.html", {
        "unit": unit, "core": core, "today": today, "can_write": user_can(request.user, unit.path, "write"),
        "community_code": unit.path.strip("/").split("/")[3],
        "matters": list(selectors.matters_in(user=request.user, unit=unit)[:20]),
    })


@page
def community(request, code):
    """A community's stakeholders: each compound's parties and gaps; project managers overdue to report in."""
    unit = unit_get(user=request.user, code=code)
    if unit.kind != "community":
        raise NotFound()
    today = timezone.localdate()
    compounds = list(scope_filter(Unit.objects.filter(subtree_q(unit.path, "path"), kind="compound"), request.user,
                                  "path").order_by("code")[:500])
    services = list(PropertyService.objects.filter(subtree_q(unit.path, "unit_path"), active=True)
                    .select_related("company", "manager", "compound").order_by("unit_path"))
    return render(request, "consult/community.html", {
        "unit": unit, "today": today, "can_write": user_can(request.user, unit.path, "write"), "rows": onecore.compounds_core(compounds, today=today),
        "overdue": onecore.report_ins_overdue(services=services, year=today.year),
        "matters_overdue": list(selectors.matters_overdue(user=request.user, unit=unit, today=today)[:50]),
    })


@page
def matters(request):
    """Matters under deliberation in the user's area; open one (from a case: ?case=code)."""
    unit = unit_or_top(user=request.user, code=request.GET.get("unit", ""))
    initial = {"unit": unit.code if unit.kind in ("community", "compound") else "", "matter_kind": "dispute"}
    if request.GET.get("case"):
        initial.update(matter_kind="case", case=request.GET["case"][:32])
    form = MatterForm(request.POST or None, initial=initial)
    if request.method == "POST":
        made = _submit(form, lambda d: _open(request, d), field_map={"kind": "matter_kind",
                                                                     "parties": "other_parties"})
        if made is not None:
            messages.success(request, _("Matter opened for deliberation."))
            return redirect("consult:matter", pk=made.pk)
    return render(request, "consult/matters.html", {
        "unit": unit, "form": form, "can_write": user_can(request.user, unit.path, "write"),
        "rows": list(selectors.matters_in(user=request.user, unit=unit)[:100]),
        "today": timezone.localdate(),
    }, status=422 if form.errors else 200)


def _open(request, d):
    from jiceng.cases.selectors import case_get
    from jiceng.meetings.models import Resolution

    unit = unit_get(user=request.user, code=d["unit"])
    case = case_get(user=request.user, code=d["case"]) if d.get("case") else None
    resolution = None
    if d.get("resolution"):
        resolution = Resolution.objects.filter(pk=d["resolution"]).first()
        if resolution is None:
            raise ValidationFailed(_("No such resolution."), field="resolution")
    parties = list(d["other_parties"])
    if d["invite_owners_committee"]:
        oc = OwnersCommittee.objects.filter(unit_path__startswith=unit.path, active=True).order_by("id").first()
        if oc is None:
            raise ValidationFailed(_("There is no owners' committee in this area."), field="invite_owners_committee")
        parties.insert(0, {"kind": "owners_committee", "owners_committee": oc})
    if d["invite_property_company"]:
        service = (PropertyService.objects.filter(unit_path__startswith=unit.path, active=True)
                   .select_related("company").order_by("id").first())
        if service is None:
            raise ValidationFailed(_("No property company serves this area."), field="invite_property_company")
        parties.insert(1 if d["invite_owners_committee"] else 0,
                       {"kind": "property_company", "property_company": service.company})
    return deliberation.matter_open(actor=request.user, unit=unit, kind=d["matter_kind"], title=d["title"],
                                    description=d["description"], decide_by=d["decide_by"], case=case,
                                    resolution=resolution, parties=parties)


@page
def matter(request, pk):
    """One matter: parties, sessions with attendance and minutes, proposals, the decision and its actions.
    POST ?form=invite|session|proposal|decision runs that one service."""
    obj = selectors.matter_get(user=request.user, pk=pk)
    parties = list(obj.parties.all())
    sessions = list(obj.sessions.prefetch_related("attendance"))
    forms_ = {"invite": InviteForm(), "session": SessionForm(parties=parties),
              "proposal": ProposalForm(parties=parties), "decision": DecisionForm(sessions=sessions)}
    which = request.POST.get("form") if request.method == "POST" else None
    if which in forms_:
        actor = request.user
        by_pk = {p.pk: p for p in parties}
        if which == "invite":
            form = forms_[which] = InviteForm(request.POST)
            done = _submit(form, lambda d: _invite(actor, obj, d), field_map={"parties": "name"})
        elif which == "session":
            form = forms_[which] = SessionForm(request.POST, parties=parties)
            done = _submit(form, lambda d: deliberation.session_record(
                actor=actor, matter=obj, held_on=d["held_on"], minutes=d["minutes"], attendance=form.attendance()))
        elif which == "proposal":
            form = forms_[which] = ProposalForm(request.POST, parties=parties)
            done = _submit(form, lambda d: deliberation.proposal_add(actor=actor, matter=obj,
                                                                     party=by_pk[d["party"]], text=d["text"]))
        else:
            form = forms_[which] = DecisionForm(request.POST, sessions=sessions)
            by_session = {s.pk: s for s in sessions}
            done = _submit(form, lambda d: deliberation.matter_decide(
                actor=actor, matter=obj, session=by_session.get(d["session"]), method=d["method"], text=d["text"],
                votes=form.votes(), public=d["public"], actions=d["actions"]), field_map={"votes": "votes_for"})
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("consult:matter", pk=obj.pk)
    elif request.method == "POST":
        return render(request, "core/error.html", {"message": _("Unknown form.")}, status=400)
    decision = getattr(obj, "decision", None) if obj.status == "decided" else None
    return render(request, "consult/matter.html", {
        "matter": obj, "parties": parties, "sessions": sessions, "forms": forms_, "decision": decision,
        "proposals": list(obj.proposals.select_related("party")), "actions": list(selectors.matter_actions(obj)),
        "can_write": user_can(request.user, obj.unit_path, "write"), "today": timezone.localdate(),
    }, status=422 if which and forms_[which].errors else 200)


def _invite(actor, obj, d):
    oc = company = None
    if d["party_kind"] == "owners_committee":
        oc = OwnersCommittee.objects.filter(unit_path__startswith=obj.unit_path, active=True).order_by("id").first()
    if d["party_kind"] == "property_company":
        service = (PropertyService.objects.filter(unit_path__startswith=obj.unit_path, active=True)
                   .select_related("company").order_by("id").first())
        company = service.company if service else None
    return deliberation.party_invite(actor=actor, matter=obj, kind=d["party_kind"], name=d["name"], owners_committee=oc,
                                     property_company=company)
