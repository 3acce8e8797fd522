from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.core.forms import year_param
from jiceng.core.scope import user_can
from jiceng.core.views import flash_errors, form_or_again, form_submit, page, run_and_redirect
from jiceng.meetings import selectors, services
from jiceng.meetings.forms import (
    ActionDoneForm,
    InviteForm,
    MeetingForm,
    ReplyForm,
    ResolutionForm,
    SystemForm,
)
from jiceng.orgs.selectors import unit_or_top


def _unit(request):
    return unit_or_top(user=request.user, code=request.GET.get("unit", ""))


@page
def home(request):
    unit, year = _unit(request), year_param(request)
    today = timezone.localdate()
    pager = Paginator(selectors.systems_in(user=request.user, unit=unit), 50)
    page_obj = pager.get_page(request.GET.get("page"))
    systems = list(page_obj.object_list)
    periods: dict = {}
    for p in selectors.periods_in(user=request.user, unit=unit, year=year).filter(system__in=systems):
        periods.setdefault(p.system_id, []).append(p)
    rate = selectors.on_time_rate(unit, year, today)
    return render(request, "meetings/home.html", {
        "unit": unit, "year": year, "page": page_obj, "today": today,
        "rows": [(s, periods.get(s.pk, [])) for s in systems],
        "rate": rate,
        "meetings": list(selectors.meetings_in(user=request.user, unit=unit, year=year)[:20]),
        "actions": list(selectors.action_items_in(user=request.user, unit=unit, status="open")[:30]),
        "cards": list(selectors.cards_in(user=request.user, unit=unit)[:30]),
        "setup": SystemForm() if unit.kind in services.MEETING_LEVELS and user_can(request.user, unit.path, "structure")
        and not selectors.system_of(unit) else None,
    })


def _meeting_render(request, meeting, form=None, status=200):
    return render(request, "meetings/meeting.html", {
        "meeting": meeting,
        "agenda": list(meeting.agenda.all()),
        "attendance": list(meeting.attendance.select_related("contact_point__leader_unit", "roster_member")),
        "resolutions": list(meeting.resolutions.prefetch_related("actions__owner_unit")),
        "today": timezone.localdate(),
        "form": form or ResolutionForm(),
    }, status=status)


@require_POST
@page
def system_setup(request):
    """Set up the joint meeting of the unit the home page shows (?unit=…)."""
    unit = _unit(request)
    form = SystemForm(request.POST)
    system = form_submit(form, lambda d: services.system_set_up(actor=request.user, unit=unit, cadence=d["cadence"],
                                                                quorum_share=d["quorum_share"]))
    if system is None:
        flash_errors(request, form)
        return redirect(f"{reverse('meetings:home')}?unit={unit.code}")
    messages.success(request, _("Joint meeting set up."))
    return redirect("meetings:system", pk=system.pk)


@page
def meeting_page(request, pk):
    return _meeting_render(request, selectors.meeting_get(user=request.user, pk=pk))


@require_POST
@page
def action_done(request, pk):
    item = selectors.action_item_get(user=request.user, pk=pk)
    form = ActionDoneForm(request.POST)
    done = form_submit(form, lambda d: services.action_item_complete(actor=request.user, item=item, note=d["note"]),
                       passthrough=(403,))
    if done is None:
        flash_errors(request, form)
    if item.resolution_id is None:  # a deliberation's follow-up action
        nxt = form.cleaned_data.get("next", "") if hasattr(form, "cleaned_data") else ""
        return redirect(nxt) if nxt and url_has_allowed_host_and_scheme(
            nxt, allowed_hosts={request.get_host()}) else redirect("meetings:home")
    return redirect("meetings:meeting", pk=item.resolution.meeting_id)


@page
def contact_points(request):
    unit, year = _unit(request), year_param(request)
    return render(request, "meetings/contact_points.html", {
        "unit": unit, "year": year,
        "rows": selectors.contact_point_stats(user=request.user, unit=unit, year=year)})


@page
def system_page(request, pk):
    """A unit's joint meeting: this year's periods, and the form to record a held meeting whose attendance is
    taken from those due (the big committee's roster while one is in office)."""
    system = selectors.system_get(user=request.user, pk=pk)
    today = timezone.localdate()
    committee, members = services.due_on(system, today)
    form = MeetingForm(request.POST if request.method == "POST" else None, members=members)
    if request.method == "POST":
        meeting = form_submit(form, lambda d: services.meeting_record(
            actor=request.user, system=system, held_on=d["held_on"], title=d["title"], minutes=d["minutes"],
            agenda=form.agenda_items(), present_member_ids=form.present_ids(), deputies=form.deputies()),
            passthrough=(403,))
        if meeting is not None:
            messages.success(request, _("Meeting recorded."))
            return redirect("meetings:meeting", pk=meeting.pk)
    year = year_param(request)
    return render(request, "meetings/system.html", {
        "system": system, "committee": committee, "form": form, "year": year, "today": today,
        "invite": InviteForm(), "notices": selectors.notices_of(system),
        "periods": list(system.periods.filter(year=year).order_by("index")),
    }, status=422 if form.errors else 200)


@require_POST
@page
def resolution_add(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    form = ResolutionForm(request.POST)
    return form_or_again(request, form, lambda d: services.resolution_add(
        actor=request.user, meeting=meeting, text=d["text"], actions=form.actions()), passthrough=(403,),
        to=lambda _resolution: reverse("meetings:meeting", args=[meeting.pk]),
        again=lambda: _meeting_render(request, meeting, form, status=422))


@require_POST
@page
def invite(request, pk):
    """Call a meeting of this system: everyone due that day is invited and told."""
    system = selectors.system_get(user=request.user, pk=pk)
    form = InviteForm(request.POST)
    notice = form_submit(form, lambda d: services.meeting_invite(
        actor=request.user, system=system, planned_on=d["planned_on"], title=d["title"], place=d["place"]),
        passthrough=(403,))
    if notice is None:
        flash_errors(request, form)
        return redirect("meetings:system", pk=system.pk)
    messages.success(request, _("Invitations sent."))
    return redirect("meetings:notice", pk=notice.pk)


@page
def notice_page(request, pk):
    """A called meeting: who was invited, who answered what, and (once recorded) who came."""
    notice = selectors.notice_get(user=request.user, pk=pk)
    return render(request, "meetings/notice.html", {
        "notice": notice, "today": timezone.localdate(), **selectors.invitation_comparison(notice)})


@require_POST
@page
def reinvite(request, pk):
    """Invite again those who have not answered."""
    notice = selectors.notice_get(user=request.user, pk=pk)
    return run_and_redirect(request, lambda: services.meeting_reinvite(actor=request.user, notice=notice),
                            reverse("meetings:notice", args=[notice.pk]), success=_("Unanswered invitees invited again."),
                            passthrough=(403,))


@page
def my_invitations(request):
    """The signed-in user's invitations to meetings still to come (a phone page)."""
    return render(request, "meetings/invitations.html",
                  {"items": list(selectors.invitations_own(user=request.user)[:50])})


@page
def invitation_page(request, pk):
    """The invitee's own invitation, answered on a phone; anybody else gets not found."""
    invitation = selectors.invitation_own(user=request.user, pk=pk)
    form = ReplyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        done = form_submit(form, lambda d: services.invitation_reply(
            actor=request.user, invitation=invitation, accept=d["answer"] == "accept", note=d["note"]))
        if done is not None:
            messages.success(request, _("Your answer is recorded."))
            return redirect("meetings:invitation", pk=invitation.pk)
    return render(request, "meetings/invitation.html", {
        "invitation": invitation, "notice": invitation.notice, "form": form, "today": timezone.localdate()},
        status=422 if form.errors else 200)

