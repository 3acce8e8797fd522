
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiceng.core.errors import NotFound
from jiceng.core.scope import require_scope
from jiceng.core.views import page, run_and_redirect
from jiceng.mobilize import calls, figures, selectors, services
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
    })


@page
def call_page(request, pk):
    call = selectors.call_get(user=request.user, pk=pk)
    return render(request, "mobilize/call.html", {"call": call, "board": selectors.call_board(call)})


@page
def call_board(request, pk):
    call = selectors.call_get(user=request.user, pk=pk)
    return render(request, "mobilize/_board.html", {"call": call, "board": selectors.call_board(call)})


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
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="service-hours-{year}.xlsx"'
    return response
