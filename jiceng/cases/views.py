"""Case pages: the resident phone page and follow page (public), the grid worker's queue, the
community desk, the street/district board and the case timeline. Views stay thin: parse, load through
the access helper, call one service, render."""

import datetime
import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from jiceng.cases import measures, public, selectors, services, workflow
from jiceng.cases.forms import CaseActForm, IntakeForm, MergeForm, WhistleForm
from jiceng.cases.models import LEVEL_ORDER, Category, Department, Level, Source, Status
from jiceng.core.client import client_address
from jiceng.core.desk import panels_for as desk_panels
from jiceng.core.errors import Forbidden, NotFound, ServiceError
from jiceng.core.notify import notifications_for, notifications_mark_read
from jiceng.core.scope import scope_prefixes, user_grants
from jiceng.core.views import (
    first_error,
    form_and_redirect,
    form_error,
    form_submit,
    map_tiles,
    page,
    run_and_redirect,
)
from jiceng.orgs.selectors import unit_children, unit_get, unit_top_for


def _submitted(request, form, fn, template, context):
    """Run one intake service through the form; (result, None), or (None, the page again with the form's
    first error above it: 422, or the service's refusal status)."""
    result = form_submit(form, fn)
    if not form.errors:
        return result, None
    refusal = getattr(form, "refusal", None)
    field = next(iter(form.errors))
    return None, render(request, template, {
        **context, "form": form.data, "error": first_error(form), "field": None if field == "__all__" else field,
        "token": form.data.get("token", "")}, status=refusal.status if refusal is not None else 422)


def _intake_form(request, *, source: str, template_ctx: dict, public: bool):
    """The phone-sized report form of residents (public) and of grid workers on patrol: one form, one
    service call. Returns (case, None) on success or (None, response) with the form and its error."""
    user = request.user if request.user.is_authenticated else None
    return _submitted(request, IntakeForm(request.POST), lambda d: services.case_submit(
        actor=user, category=services.category_for(d["category"]), description=d["description"], source=source,
        lat=d["lat"], lng=d["lng"], crs=d["crs"] or "wgs84", address=d["address"],
        anonymous=public and (d["anonymous"] or user is None and not d["name"]),
        reporter_name=d["name"] if public else "", reporter_phone=d["phone"] if public else "",
        photos=request.FILES.getlist("photos"), client_address=client_address(request) if public else None,
        sms_code=d["sms_code"], publish=public and d["publish"],
        idempotency_key=f"{source}:{d['token']}" if d["token"] else None)[0], "cases/report.html", template_ctx)


def _report_context(**extra) -> dict:
    import secrets

    return {"categories": list(selectors.categories_leaves()), "tiles": map_tiles(), "form": {},
            "token": secrets.token_urlsafe(16), "center": _default_center(), **extra}


def _default_center() -> tuple:
    return tuple(settings.LEAFLET_CONFIG.get("DEFAULT_CENTER", (36.08, 111.52)))


def report(request):
    """The resident's phone page: no account needed, anonymous allowed, photos, point or address."""
    ctx = _report_context(sms_check=services.sms_check_required(), center=selectors.city_center() or _default_center(),
                          outline=selectors.map_outline(kind="county"))
    if request.method == "POST":
        case, refused = _intake_form(request, source=Source.PHONE, template_ctx=ctx, public=True)
        if refused:
            return refused
        # The thank-you page shows the follow secret this once (a replayed form finds the case, not it).
        return render(request, "cases/thanks.html", {"case": case, "secret": getattr(case, "follow_secret", None)})
    return render(request, "cases/report.html", {**ctx, "form": {"publish": "1"}})


@page
def patrol(request):
    """The grid worker's patrol page (phone-sized): a problem found on patrol, in the worker's own area,
    with photos and the phone's position; the worker is the reporter and finds it in the queue."""
    if not scope_prefixes(request.user, "write"):
        raise Forbidden(_("Your role may not record reports."))
    top = unit_top_for(request.user)
    center = (top.lat, top.lng) if top is not None and top.lat is not None else _default_center()
    ctx = _report_context(patrol=True, center=center, fit=True,
                          outline=selectors.map_outline(kind="grid", under=top.path if top else "/"))
    if request.method == "POST":
        case, refused = _intake_form(request, source=Source.PATROL, template_ctx=ctx, public=False)
        if refused:
            return refused
        messages.success(request, _("Reported as case %(code)s; it is in your queue.") % {"code": case.code})
        return redirect("cases:detail", code=case.code)
    return render(request, "cases/report.html", ctx)


@require_POST
def report_code(request):
    """An htmx fragment on the phone page: send an SMS code to the reporter's mobile number."""
    if not services.sms_check_required():
        raise Http404()
    try:
        masked = services.sms_code_send(phone=request.POST.get("phone", ""), client_address=client_address(request))
    except ServiceError as exc:
        return render(request, "cases/_sms_code.html", {"error": exc.message}, status=exc.status)
    return render(request, "cases/_sms_code.html", {"masked": masked})


def report_duplicates(request):
    """An htmx fragment on the phone page: published open cases of the same category within 100 m and
    72 h, without their codes (a code reads a case's status: it is the reporter's to share)."""
    form = IntakeForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}  # a bad point finds nothing (a fragment, no error)
    lat, lng = data.get("lat"), data.get("lng")
    category = Category.objects.filter(code=data.get("category", ""), parent__isnull=False, publishable=True).first()
    found = []
    if category is not None and lat is not None and lng is not None:
        found = selectors.public_duplicates(services.case_duplicates(category=category, lat=lat, lng=lng))[:5]
    return render(request, "cases/_duplicates.html", {"found": found})


def follow(request, code):
    """Follow a case by its code (status and steps, by role and unit), and rate it once it is closed
    with the follow secret given at intake."""
    try:
        case = services.case_get_by_code_public(code)
    except NotFound:
        raise Http404() from None
    error = None
    if request.method == "POST":
        try:
            services.case_rate(case=case, rating=request.POST.get("rating", ""),
                               secret=request.POST.get("secret", ""), comment=request.POST.get("comment", ""))
            messages.success(request, _("Thank you for your rating."))
            return redirect("cases:follow", code=case.code)
        except ServiceError as exc:
            error = exc
            case = services.case_get_by_code_public(code)
    return render(request, "cases/follow.html", {
        "case": case, "timeline": selectors.case_timeline(case, public_only=True),
        "error": error.message if error else None, "field": error.field if error else None,
        "form": request.POST if error else {},
        "merged_into": case.merged_into.code if case.merged_into_id else None,
        "can_rate": case.status == "closed" and (not case.rating or case.reopened and not case.rated_at
                                                 or (case.reopened and case.closed_at and case.rated_at
                                                     and case.rated_at < case.closed_at)),
    }, status=error.status if error else 200)


class PublicFilterForm(forms.Form):
    """Filters of the public list and map; a bad value falls back to the default, never an error page."""

    days = forms.TypedChoiceField(choices=[(d, d) for d in public.PUBLIC_PERIODS], coerce=int, required=False)
    state = forms.ChoiceField(choices=[("", ""), ("open", "open"), ("closed", "closed")], required=False)
    group = forms.CharField(max_length=16, required=False)
    page = forms.IntegerField(min_value=1, max_value=10_000, required=False)


def public_cases(request):
    """The city's public list and map of cases: published cases only (publishable category, public
    channel, the reporter's consent), each at its 100 m cell, without address, name or number."""
    form = PublicFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    days, state = data.get("days") or 90, data.get("state") or ""
    groups = list(Category.objects.filter(parent__isnull=True, children__publishable=True).distinct()
                  .order_by("code").values_list("code", "name"))
    group = data.get("group") or ""
    if group not in {code for code, _name in groups}:
        group = ""
    qs = public.published_cases(days=days, state=state, group=group)
    page_obj = Paginator(qs, public.PUBLIC_PAGE_SIZE).get_page(data.get("page") or 1)
    points = public.map_points(qs)
    return render(request, "cases/public.html", {
        "rows": [public.public_row(c) for c in page_obj.object_list], "page_obj": page_obj, "points": points,
        "groups": groups, "days": days, "state": state, "group": group, "periods": public.PUBLIC_PERIODS,
        "center": selectors.city_center() or _default_center(), "tiles": map_tiles(),
        "outline": selectors.map_outline(kind="county"),
    })


@page
def queue(request):
    """The grid worker's queue: open cases held by the worker's units, earliest deadline first."""
    cases = list(selectors.queue_for(user=request.user)[:200])
    return render(request, "cases/queue.html", {"cases": cases, "now": timezone.now()})


@page
def hotline(request):
    """The hotline operator's form: a caller's report typed in by whoever may write somewhere (a city
    hotline records calls from the whole city; the case lands at the grid of the location)."""
    if not scope_prefixes(request.user, "write"):
        raise Forbidden(_("Your role may not record reports."))
    import secrets

    categories = list(selectors.categories_leaves())
    if request.method == "POST":
        case, refused = _submitted(request, IntakeForm(request.POST), lambda d: services.case_submit(
            actor=request.user, category=services.category_for(d["category"]), description=d["description"],
            source=Source.HOTLINE, lat=d["lat"], lng=d["lng"], address=d["address"], anonymous=d["anonymous"],
            reporter_name=d["name"], reporter_phone=d["phone"],
            idempotency_key=f"hotline:{d['token']}" if d["token"] else None)[0],
            "cases/hotline.html", {"categories": categories})
        if refused:
            return refused
        if getattr(case, "follow_secret", None):
            messages.success(request, _("Recorded as case %(code)s; read the code and the follow secret %(secret)s "
                                        "to the caller (needed to rate the handling; it is shown only now).")
                             % {"code": case.code, "secret": case.follow_secret})
        else:
            messages.success(request, _("Recorded as case %(code)s; read the code to the caller.") % {"code": case.code})
        return redirect("cases:hotline")
    return render(request, "cases/hotline.html", {"categories": categories, "form": {},
                                                  "token": secrets.token_urlsafe(16)})


@page
def notifications(request):
    """In-app notifications: the user's own and those of the units the user holds a grant on."""
    if request.method == "POST":
        notifications_mark_read(actor=request.user)
        return redirect("cases:notifications")
    items = list(notifications_for(user=request.user)[:200])
    return render(request, "cases/notifications.html", {"items": items,
                                                        "unread": sum(1 for n in items if n.read_at is None)})


def _area(request):
    code = request.GET.get("unit")
    unit = unit_get(user=request.user, code=code) if code else unit_top_for(request.user)
    if unit is None:
        raise NotFound()
    return unit


@page
def desk(request):
    """The community desk: the queue, a map of open cases, the supervision board, and deliberation (matters
    overdue for a decision, the open follow-up actions of decisions)."""
    unit = _area(request)
    cases = list(selectors.queue_for(user=request.user)[:200])
    open_cases = list(selectors.cases_in_scope(user=request.user, unit=unit, open_only=True)
                      .values("code", "lat", "lng", "status", "category__name")[:1000])
    cards = list(selectors.supervision_board(user=request.user, unit=unit)[:100])
    today = timezone.localdate()
    return render(request, "cases/desk.html", {
        "unit": unit, "cases": cases, "cards": cards, "now": timezone.now(), "today": today,
        "panels": desk_panels(user=request.user, unit=unit, today=today),
        "counts": {Status(s).label: n for s, n in sorted(  # in workflow order, labelled
            selectors.open_status_counts(user=request.user, unit=unit).items(),
            key=lambda kv: Status.values.index(kv[0]))},
        "outline": selectors.map_outline(kind="grid", under=unit.path),
        "map_points": json.dumps([p for p in open_cases if p["lat"] is not None], ensure_ascii=False),
        "tiles": map_tiles(),
    })


@page
def board(request):
    """The street and district board: supervision cards and measures of each unit below."""
    unit = _area(request)
    today = timezone.localdate()
    start = datetime.date(today.year, 1, 1)
    children = list(unit_children(user=request.user, unit=unit)[:300])
    by_child = measures.children_measures(unit, children, start, today)
    return render(request, "cases/board.html", {
        "unit": unit, "start": start, "end": today,
        "mine": measures.unit_measures(unit, start, today),
        "rows": [(c, by_child.get(c.path)) for c in children],
        "cards": list(selectors.supervision_board(user=request.user, unit=unit)[:200]),
        "departments": measures.department_evaluation(unit, start, today),
    })


@page
def detail(request, code):
    case = selectors.case_get(user=request.user, code=code)
    roles_here = {g.role for g in user_grants(request.user) if case.handler_path.startswith(g.unit_path)}
    roles_above = {g.role for g in user_grants(request.user)
                   if case.handler_path.startswith(g.unit_path) and g.unit_path != case.handler_path}
    actions = [a for a in workflow.ACTIONS.values() if case.status in a.sources
               and (a.roles & (roles_above if a.where == "above" else roles_here))
               and (a.name not in ("approve", "deny") or case.pending_action)]
    street_up = bool(roles_here & workflow.STREET_UP) and \
        LEVEL_ORDER.index(case.level) >= LEVEL_ORDER.index(Level.STREET) and case.status in workflow.OPEN_WORK
    departments = []
    if street_up:
        ancestors = [case.handler_path[:i + 1] for i, ch in enumerate(case.handler_path) if ch == "/"]
        departments = list(Department.objects.filter(unit_path__in=ancestors).order_by("name")[:100])
    attachments = list(case.attachments.all())
    timeline = list(selectors.case_timeline(case).select_related("actor"))
    for e in timeline:  # photos taken with a step show on its row
        e.photos = [a for a in attachments if a.event_id == e.pk]
    return render(request, "cases/detail.html", {
        "departments": departments, "can_merge": case.status in workflow.OPEN_WORK and bool(roles_here),
        "case": case, "timeline": timeline,
        "actions": actions, "whistles": case.whistles.select_related("department"),
        "cards": case.cards.select_related("unit").order_by("raised_at", "id"), "attachments": [a for a in attachments if a.event_id is None],
        "outline": selectors.map_outline(kind="grid", under=case.unit_path), "tiles": map_tiles(),
    })


@page
@require_POST
def act(request, code):
    case = selectors.case_get(user=request.user, code=code)
    return _back_with(request, case.code, CaseActForm(request.POST), lambda d: services.case_act(
        actor=request.user, case=case, action=d["action"], version=d["version"], comment=d["comment"],
        hours=d["hours"] or 0, photos=request.FILES.getlist("photos")))


def _back_with(request, code, form, fn):
    """Validate the form and run one service with its data; bad input or a refusal (other than
    403/404/409) becomes a message on the case page."""
    return form_and_redirect(request, form, fn, reverse("cases:detail", args=[code]), success=_("Done."),
                             passthrough=(403, 404, 409))


@page
@require_POST
def whistle(request, code):
    """Blow the whistle (吹哨) from the case page: departments, report-in deadline, comment."""
    case = selectors.case_get(user=request.user, code=code)
    form = WhistleForm(request.POST, departments=selectors.departments_serving(case))
    return _back_with(request, case.code, form, lambda d: services.case_whistle(
        actor=request.user, case=case, departments=list(d["departments"]), version=d["version"],
        comment=d["comment"], report_in_hours=d["hours"] or 24))


@page
@require_POST
def merge(request, code):
    """Merge this case into another open case of the same category (its reporter follows that one)."""
    case = selectors.case_get(user=request.user, code=code)
    return _back_with(request, case.code, MergeForm(request.POST), lambda d: services.case_merge(
        actor=request.user, case=case, into=selectors.case_get(user=request.user, code=d["into"]),
        version=d["version"]))


@page
@require_POST
def report_in(request, whistle_id):
    """A department reports in (报到) and records its part; the department's own user or the area's staff."""
    w = selectors.whistle_get(user=request.user, pk=whistle_id)
    return run_and_redirect(request, lambda: services.whistle_report_in(
        actor=request.user, whistle=w, part=request.POST.get("part", "")), reverse("cases:detail", args=[w.case.code]),
        success=_("Done."), passthrough=(403, 404, 409))


class Open311KeyForm(forms.Form):
    name = forms.CharField(label=_lazy("Client name"), max_length=80)
    unit = forms.CharField(label=_lazy("Jurisdiction (unit code)"), max_length=40)


@page
def open311_keys(request):
    """Open311 api_keys of the manager's area: make one (shown once), list, revoke."""
    if not scope_prefixes(request.user, "manage_users"):
        raise Forbidden(_("Only managers of users may manage Open311 keys."))
    new_key = None
    status = 200
    form = Open311KeyForm(request.POST or None, initial={"unit": getattr(unit_top_for(request.user), "code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            unit = unit_get(user=request.user, code=form.cleaned_data["unit"])
            _row, new_key = services.open311_key_create(actor=request.user, name=form.cleaned_data["name"], unit=unit)
            form = Open311KeyForm(initial={"unit": unit.code})
        except NotFound:
            form.add_error("unit", _("No unit with this code in your area."))
        except ServiceError as exc:
            form_error(form, exc)
    if form.errors:
        status = 422
    return render(request, "cases/open311_keys.html", {
        "form": form, "new_key": new_key, "keys": list(selectors.open311_keys_for(user=request.user)[:200])},
        status=status)


@page
@require_POST
def open311_key_revoke(request, key_id: int):
    key = selectors.open311_key_get(user=request.user, pk=key_id)
    return run_and_redirect(request, lambda: services.open311_key_revoke(actor=request.user, key=key),
                            reverse("cases:open311_keys"), success=_("Key revoked."), passthrough=(403, 404))


@page
def mine(request):
    """A signed-in reporter's own cases with their state, each opening its follow page."""
    cases = list(selectors.cases_reported_by(user=request.user)[:100])
    return render(request, "cases/mine.html", {"cases": cases})
