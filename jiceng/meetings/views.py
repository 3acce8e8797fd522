import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.core.errors import ServiceError, ValidationFailed
from jiceng.core.views import page, run_and_redirect
from jiceng.meetings import selectors, services
from jiceng.orgs.selectors import unit_or_top


def _unit(request):
    return unit_or_top(user=request.user, code=request.GET.get("unit", ""))


def _year(request):
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


@page
def home(request):
    unit, year = _unit(request), _year(request)
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
    })


@page
def meeting_page(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    return render(request, "meetings/meeting.html", {
        "meeting": meeting,
        "agenda": list(meeting.agenda.all()),
        "attendance": list(meeting.attendance.select_related("contact_point__leader_unit")),
        "resolutions": list(meeting.resolutions.prefetch_related("actions__owner_unit")),
        "today": timezone.localdate(),
    })


@require_POST
@page
def action_done(request, pk):
    item = selectors.action_item_get(user=request.user, pk=pk)
    try:
        services.action_item_complete(actor=request.user, item=item, note=request.POST.get("note", ""))
    except ServiceError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
    if item.resolution_id is None:  # a deliberation's follow-up action
        return redirect(request.POST.get("next") or "meetings:home") if url_has_allowed_host_and_scheme(
            request.POST.get("next"), allowed_hosts={request.get_host()}) else redirect("meetings:home")
    return redirect("meetings:meeting", pk=item.resolution.meeting_id)


@page
def contact_points(request):
    unit, year = _unit(request), _year(request)
    return render(request, "meetings/contact_points.html", {
        "unit": unit, "year": year,
        "rows": selectors.contact_point_stats(user=request.user, unit=unit, year=year)})


def _date(value):
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@page
def system_page(request, pk):
    """A unit's joint meeting: members, this year's periods, and the form to record a held meeting."""
    system = selectors.system_get(user=request.user, pk=pk)
    members = list(system.members.filter(active=True).order_by("id"))
    error = None
    if request.method == "POST":
        held_on = _date(request.POST.get("held_on"))
        try:
            if held_on is None:
                raise ValidationFailed(_("Give the date the meeting was held."), field="held_on")
            meeting = services.meeting_record(
                actor=request.user, system=system, held_on=held_on, title=request.POST.get("title", ""),
                minutes=request.POST.get("minutes", ""),
                agenda=[{"title": t} for t in _lines(request.POST.get("agenda"))],
                present_member_ids=[int(x) for x in request.POST.getlist("present") if x.isdigit()])
        except ServiceError as exc:
            if exc.status == 403:
                raise
            error = exc.message
        else:
            messages.success(request, _("Meeting recorded."))
            return redirect("meetings:meeting", pk=meeting.pk)
    year = _year(request)
    return render(request, "meetings/system.html", {
        "system": system, "members": members, "year": year, "error": error, "today": timezone.localdate(),
        "periods": list(system.periods.filter(year=year).order_by("index")),
    }, status=422 if error else 200)


@require_POST
@page
def resolution_add(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    action = {"title": request.POST.get("action", ""), "owner_name": request.POST.get("owner", ""),
              "deadline": _date(request.POST.get("deadline"))}
    return run_and_redirect(request, lambda: services.resolution_add(
        actor=request.user, meeting=meeting, text=request.POST.get("text", ""),
        actions=[action] if action["title"] or action["owner_name"] else []),
        reverse("meetings:meeting", args=[meeting.pk]), passthrough=(403,))
