import datetime

from django import forms
from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jiceng.core.errors import Forbidden, NotFound
from jiceng.core.exports import xlsx_response
from jiceng.core.forms import MomentField
from jiceng.core.scope import require_scope, user_can
from jiceng.core.views import form_submit, map_tiles, page, run_and_redirect
from jiceng.mobilize import calls, figures, selectors, services
from jiceng.mobilize.models import CallStatus, Mode, PostKind
from jiceng.orgs.selectors import unit_top_for


@page
def home(request):
    top = unit_top_for(request.user)
    if top is None:
        raise NotFound()
    member = selectors.member_for_user(request.user)
    return render(request, "mobilize/home.html", {
        "unit": top,
        "figures": figures.figures(top, today=timezone.localdate()),
        "calls": list(selectors.calls_in(user=request.user, unit=top)[:20]),
        "pending": list(selectors.members_in(user=request.user, unit=top, status="pending")[:20]),
        "member": member,
        "mode": calls.unit_mode(top) if top.kind in ("street", "community") else None,
        "can_call": _can_call(request.user, top),
        "mode_form": ModeForm(),
    })


# --- wartime calls on pages (C4) -------------------------------------------------------------------


def _can_call(user, unit) -> bool:
    """Communities and streets issue calls; those who may write there see the forms."""
    return unit.kind in ("street", "community") and user_can(user, unit.path, "write")


class ModeForm(forms.Form):
    mode = forms.ChoiceField(label=gettext_lazy("Mode"), choices=Mode.choices)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)


class CallForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    respond_minutes = forms.IntegerField(label=gettext_lazy("Minutes to answer"), min_value=1, max_value=24 * 60,
                                         initial=30)
    max_distance_m = forms.IntegerField(label=gettext_lazy("Distance limit (m)"), min_value=100, max_value=50_000,
                                        initial=3000)


class PostForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Post type"), choices=PostKind.choices)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=120)
    lat = forms.FloatField(label=gettext_lazy("Latitude"), min_value=-90, max_value=90,
                           widget=forms.NumberInput(attrs={"step": "any", "data-lat": "1"}))
    lng = forms.FloatField(label=gettext_lazy("Longitude"), min_value=-180, max_value=180,
                           widget=forms.NumberInput(attrs={"step": "any", "data-lng": "1"}))
    shift_start = MomentField(label=gettext_lazy("Shift starts"), input_formats=["%Y-%m-%dT%H:%M"],
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                 format="%Y-%m-%dT%H:%M"))
    shift_end = MomentField(label=gettext_lazy("Shift ends"), input_formats=["%Y-%m-%dT%H:%M"],
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                               format="%Y-%m-%dT%H:%M"))
    headcount = forms.IntegerField(label=gettext_lazy("Seats"), min_value=1, max_value=5000, initial=2)
    skills = forms.MultipleChoiceField(label=gettext_lazy("Required skills"), required=False,
                                       widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, skill_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = skill_choices


PostFormSet = forms.formset_factory(PostForm, extra=0, min_num=1, validate_min=True, max_num=30, validate_max=True)


class WidenForm(forms.Form):
    max_distance_m = forms.IntegerField(label=gettext_lazy("Distance limit (m)"), min_value=100, max_value=50_000)


def _call_unit(user):
    top = unit_top_for(user)
    if top is None:
        raise NotFound()
    if not _can_call(user, top):
        raise Forbidden(_("Community and street staff issue wartime calls."))
    return top


@page
@require_POST
def mode_switch(request):
    unit = _call_unit(request.user)
    form = ModeForm(request.POST)
    if form_submit(form, lambda d: calls.mode_switch(actor=request.user, unit=unit, **d)):
        messages.success(request, _("Mode recorded."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("mobilize:home")


@page
def call_new(request):
    """A community worker issues a call: posts with place (on the map), shift, seats and skills; the first
    offers go out at once."""
    unit = _call_unit(request.user)
    skill_choices = calls.skill_choices()
    if request.method == "POST":
        form = CallForm(request.POST)
        posts = PostFormSet(request.POST, prefix="posts", form_kwargs={"skill_choices": skill_choices})
        if posts.is_valid():
            made = form_submit(form, lambda d: calls.call_start(
                actor=request.user, unit=unit, posts=[p for p in posts.cleaned_data if p], **d))
            if made:
                call, summary = made
                messages.success(request, _("Call issued: %(offered)d offers sent for %(seats)d seats.") % {
                    "offered": summary["offered"], "seats": summary["seats"]})
                return redirect("mobilize:call", call.pk)
        else:
            form.is_valid()
        status = 422
    else:
        start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
        form = CallForm()
        posts = PostFormSet(prefix="posts", form_kwargs={"skill_choices": skill_choices}, initial=[{
            "kind": PostKind.CHECKPOINT, "headcount": 2, "lat": unit.lat, "lng": unit.lng,
            "shift_start": start, "shift_end": start + datetime.timedelta(hours=8)}])
        status = 200
    return render(request, "mobilize/call_new.html", {
        "unit": unit, "form": form, "posts": posts, "mode": calls.unit_mode(unit), "tiles": map_tiles(),
        "center": (unit.lat or 36.05, unit.lng or 111.45)}, status=status)


def _call_context(request, call):
    board = selectors.call_board(call)
    can_write = user_can(request.user, call.unit_path, "write")
    return {"call": call, "board": board, "can_write": can_write,
            "shortfall": calls.call_shortfall(call, board) if call.status == CallStatus.OPEN else [],
            "widen_to": min(50_000, call.max_distance_m * 2),
            "can_draw": call.unit.kind == "community" and call.unit.parent_id is not None
            and user_can(request.user, call.unit.parent.path, "write")}


@page
def call_page(request, pk):
    call = selectors.call_get(user=request.user, pk=pk)
    return render(request, "mobilize/call.html", _call_context(request, call))


@page
def call_board(request, pk):
    """The status board: a full page of its own; the call page refreshes only its fragment."""
    call = selectors.call_get(user=request.user, pk=pk)
    if request.headers.get("HX-Request"):
        return render(request, "mobilize/_board.html", {"call": call, "board": selectors.call_board(call)})
    return render(request, "mobilize/call.html", {**_call_context(request, call), "board_page": True})


@page
@require_POST
def call_widen(request, pk):
    call = selectors.call_get(user=request.user, pk=pk)
    form = WidenForm(request.POST)
    made = form_submit(form, lambda d: calls.call_widen(actor=request.user, call=call, **d))
    if made:
        messages.success(request, _("Search widened: %(offered)d new offers, %(unfilled)d seats still open.") % {
            "offered": made["offered"], "unfilled": made["unfilled"]})
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("mobilize:call", call.pk)


@page
@require_POST
def call_draw(request, pk):
    call = selectors.call_get(user=request.user, pk=pk)
    return run_and_redirect(request, lambda: calls.call_draw_neighbours(actor=request.user, call=call),
                            reverse("mobilize:call", args=[call.pk]),
                            success=_("Members of the neighbouring communities were drawn in."))


@page
def my_calls(request):
    member = selectors.member_for_user(request.user)
    return render(request, "mobilize/my_calls.html", {
        "member": member, "assignments": selectors.my_calls(member), "now": timezone.now()})


ACTIONS = {
    "accept": lambda u, a: calls.assignment_respond(actor=u, assignment=a, accept=True),
    "decline": lambda u, a: calls.assignment_respond(actor=u, assignment=a, accept=False),
    "check-in": lambda u, a: calls.assignment_check_in(actor=u, assignment=a),
    "check-out": lambda u, a: calls.assignment_check_out(actor=u, assignment=a),
}


@page
@require_POST
def assignment_action(request, pk, action):
    if action not in ACTIONS:
        return HttpResponseNotAllowed(["POST"])
    a = selectors.assignment_get(user=request.user, pk=pk)
    return run_and_redirect(request, lambda: ACTIONS[action](request.user, a), reverse("mobilize:my_calls"))


@page
def activity_code(request, pk):
    act = selectors.activity_get(user=request.user, pk=pk)
    require_scope(request.user, act.unit_path, "write")
    return render(request, "mobilize/activity_code.html", {"activity": act})


@page
def employer_report(request):
    employer = request.GET.get("employer", "").strip()
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    rows = selectors.employer_rows(user=request.user, employer=employer, year=year)
    data = services.employer_report_xlsx(rows=rows, employer=employer, year=year)
    return xlsx_response(data, f"service-hours-{year}.xlsx")
