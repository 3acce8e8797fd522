"""Case pages: the resident phone page and follow page (public), the grid worker's queue, the
community desk, the street/district board and the case timeline. Views stay thin: parse, load through
the access helper, call one service, render."""

import datetime
import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from jiceng.cases import measures, public, selectors, services, workflow
from jiceng.cases.deadlines import due_state
from jiceng.cases.forms import CaseActForm, DeskFilterForm, IntakeForm, MergeForm, WhistleForm
from jiceng.cases.models import LEVEL_ORDER, Category, Department, Level, Source, Status
from jiceng.core.client import client_address
from jiceng.core.desk import panels_for as desk_panels
from jiceng.core.errors import Forbidden, NotFound, ServiceError
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

    categories = list(selectors.categories_leaves())
    return {"categories": categories, "category_groups": selectors.category_groups(categories),
            "common_categories": selectors.common_categories(categories), "tiles": map_tiles(), "form": {},
            "token": secrets.token_urlsafe(16), "center": _default_center(), **extra}


def _default_center() -> tuple:
    return tuple(settings.LEAFLET_CONFIG.get("DEFAULT_CENTER", (36.08, 111.52)))


def report(request):
    """The resident's phone page: no account needed, anonymous allowed, photos, point or address."""
    home = selectors.home_point(request.user)  # the user's community, else the city: the map shows it at once
    ctx = _report_context(sms_check=services.sms_check_required(),
                          center=home[:2] if home else selectors.city_center() or _default_center(),
                          zoom=home[2] if home else 13, outline=selectors.map_outline(kind="county"))
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


def report_nearby(request):
    """JSON for the phone page's map: published open cases near the pin (jiceng/cases/public.py
    `nearby_open`), snapped to 100 m, without address, name or number; [] for a bad point."""
    if request.method != "GET":
        raise Http404()
    form = IntakeForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    lat, lng = data.get("lat"), data.get("lng")
    if lat is None or lng is None:
        return JsonResponse({"cases": []})
    category = Category.objects.filter(code=data.get("category", ""), parent__isnull=False).first()
    return JsonResponse({"cases": public.nearby_open(lat=lat, lng=lng, category=category)})


def follow(request, code):
    """Follow a case by its code: status and public steps (by role and unit), the replies addressed to the
    reporter (never a staff note), and for a published case its photos and its point snapped to 100 m.
    Once the case is handled or closed, the reporter answers "has it been fixed?" with the follow secret
    given at intake (the rating). An unknown code is the site's 404 page, in the visitor's language."""
    try:
        case = services.case_get_by_code_public(code)
    except NotFound:
        return render(request, "cases/follow_unknown.html", status=404)
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
    published = case.is_public
    point = public.snap(case.lat, case.lng) if published else (None, None)
    return render(request, "cases/follow.html", {
        "case": case, "timeline": public.follow_steps(selectors.case_timeline(case, public_only=True)),
        "error": error.message if error else None, "field": error.field if error else None,
        "form": request.POST if error else {},
        "merged_into": case.merged_into.code if case.merged_into_id else None,
        "published": published, "point": point if point[0] is not None else None, "tiles": map_tiles(),
        "photos": list(case.attachments.filter(event__isnull=True).order_by("id").values_list("id", flat=True)[:4])
        if published else [],
        "agency": public.public_agency(case) if published else "",
        "can_rate": case.status == "closed" and (not case.rating or case.reopened and not case.rated_at
                                                 or (case.reopened and case.closed_at and case.rated_at
                                                     and case.rated_at < case.closed_at)),
    }, status=error.status if error else 200)


def follow_lookup(request):
    """The code typed on the unknown-code page: on to its follow page (an unknown one is that page again)."""
    code = "".join((request.GET.get("code") or "").split()).upper()[:16]
    if not code.isalnum():
        return render(request, "cases/follow_unknown.html", status=404)
    return redirect("cases:follow", code=code)


def follow_photo(request, code, photo_id: int):
    """A photo taken with the report, for a published case only (decoded and re-encoded at intake: no
    camera data); 404 for anything else."""
    from django.http import FileResponse

    from jiceng.core.uploads import served_type
    from jiceng.core.views import harden_file_response

    try:
        case = services.case_get_by_code_public(code)
    except NotFound:
        raise Http404() from None
    if not case.is_public:
        raise Http404()
    attachment = case.attachments.filter(pk=photo_id, event__isnull=True).first()
    if attachment is None or not attachment.content_type.startswith("image/"):
        raise Http404()
    content_type, inline = served_type(attachment.file.name)
    if not inline:
        raise Http404()
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise Http404() from None
    return harden_file_response(FileResponse(handle, content_type=content_type))


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


def _with_due(cases, now):
    """Each case with its deadline read by the one rule (`deadlines.due_state`) as `c.due`."""
    for c in cases:
        c.due = due_state(c, now)
    return cases


@page
def queue(request):
    """The grid worker's queue: open cases held by the worker's units, earliest deadline first."""
    now = timezone.now()
    cases = _with_due(list(selectors.queue_for(user=request.user)[:200]), now)
    return render(request, "cases/queue.html", {"cases": cases, "now": now})


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


def _area(request):
    code = request.GET.get("unit")
    unit = unit_get(user=request.user, code=code) if code else unit_top_for(request.user)
    if unit is None:
        raise NotFound()
    return unit


@page
def desk(request):
    """The community desk: the to-do table (status tiles filter it; searched and sorted on the server), a
    map of open cases, the supervision cards with their chase-up, and deliberation (matters overdue for a
    decision, the open follow-up actions of decisions)."""
    unit = _area(request)
    form = DeskFilterForm(request.GET)
    status = 200
    if form.is_valid():
        chosen = form.cleaned_data
    else:
        chosen, status = {}, 400
        messages.error(request, first_error(form))
    now = timezone.now()
    chosen = {"status": chosen.get("status") or "", "q": (chosen.get("q") or "").strip(),
              "sort": chosen.get("sort") or "deadline"}
    cases = _with_due(list(selectors.queue_filtered(user=request.user, **chosen)[:200]), now)
    open_cases = list(selectors.cases_in_scope(user=request.user, unit=unit, open_only=True)
                      .values("code", "lat", "lng", "status", "category__name")[:1000])
    cards = selectors.board_cards(list(selectors.supervision_board(user=request.user, unit=unit)[:100]), now)
    today = timezone.localdate()
    counts = selectors.queue_status_counts(user=request.user)
    return render(request, "cases/desk.html", {
        "unit": unit, "cases": cases, "cards": cards, "now": now, "today": today, "chosen": chosen,
        "sorts": form.fields["sort"].choices, "can_chase": bool(scope_prefixes(request.user, "supervise")),
        "panels": desk_panels(user=request.user, unit=unit, today=today),
        "tiles_status": [(s, Status(s).label, counts[s]) for s in Status.values if counts.get(s)],
        "total": sum(counts.values()),
        "outline": selectors.map_outline(kind="grid", under=unit.path),
        "map_points": json.dumps([p for p in open_cases if p["lat"] is not None], ensure_ascii=False),
        "tiles": map_tiles(),
    }, status=status)


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
        "cards": selectors.board_cards(list(selectors.supervision_board(user=request.user, unit=unit)[:200]),
                                       timezone.now()),
        "can_chase": bool(scope_prefixes(request.user, "supervise")),
        "departments": measures.department_evaluation(unit, start, today),
    })


@page
@require_POST
def chase(request, card_id: int):
    """Chase up (催办) the unit handling a case under a supervision card, from the desk or the board."""
    card = selectors.case_card_get(user=request.user, pk=card_id)
    back = url_has_allowed_host_and_scheme(request.POST.get("next", ""), allowed_hosts={request.get_host()})
    return run_and_redirect(request, lambda: services.case_chase(actor=request.user, card=card),
                            request.POST["next"] if back else reverse("cases:board"),
                            success=_("Chased up: the handling unit has been told."), passthrough=(403, 404))


@page
def detail(request, code):
    """The case page: the next step as the one primary button (others under "more actions"), the
    deadline by the one rule, the timeline with who acted as role and name."""
    case = selectors.case_get(user=request.user, code=code)
    roles_here = {g.role for g in user_grants(request.user) if case.handler_path.startswith(g.unit_path)}
    roles_above = {g.role for g in user_grants(request.user)
                   if case.handler_path.startswith(g.unit_path) and g.unit_path != case.handler_path}
    actions = [a for a in workflow.ACTIONS.values() if case.status in a.sources
               and (a.roles & (roles_above if a.where == "above" else roles_here))
               and (a.name not in ("approve", "deny") or case.pending_action)
               and (a.name not in ("request_suspend", "request_extend", "request_void") or not case.pending_action)]
    primary = workflow.primary_action(case.status, actions, bool(case.pending_action))
    dispatching = any(a.name == "dispatch" for a in actions)
    street_up = bool(roles_here & workflow.STREET_UP) and \
        LEVEL_ORDER.index(case.level) >= LEVEL_ORDER.index(Level.STREET) and case.status in workflow.OPEN_WORK
    departments = []
    if street_up:
        ancestors = [case.handler_path[:i + 1] for i, ch in enumerate(case.handler_path) if ch == "/"]
        departments = list(Department.objects.filter(unit_path__in=ancestors).order_by("name")[:100])
    attachments = list(case.attachments.all())
    timeline = selectors.case_timeline_staff(case)
    for e in timeline:  # photos taken with a step show on its row
        e.photos = [a for a in attachments if a.event_id == e.pk]
    return render(request, "cases/detail.html", {
        "departments": departments, "can_merge": case.status in workflow.OPEN_WORK and bool(roles_here),
        "case": case, "timeline": timeline, "due": due_state(case, timezone.now()),
        "primary": primary, "more": [a for a in actions if a is not primary], "actions": actions,
        "dispatch_units": selectors.dispatch_units(case) if dispatching else [],
        "dispatch_departments": _by_line(selectors.dispatch_departments(case)) if dispatching else [],
        "dispatched_to": case.department.name if case.department_id else "",
        "whistles": case.whistles.select_related("department"),
        "cards": case.cards.select_related("unit").order_by("raised_at", "id"), "attachments": [a for a in attachments if a.event_id is None],
        "outline": selectors.map_outline(kind="grid", under=case.unit_path), "tiles": map_tiles(),
    })


def _by_line(departments) -> list:
    """[(line label, [departments])] in the order given (by line, then name): the dispatch list's groups."""
    groups: dict = {}
    for d in departments:
        groups.setdefault(d.get_business_line_display(), []).append(d)
    return list(groups.items())


@page
@require_POST
def act(request, code):
    case = selectors.case_get(user=request.user, code=code)

    def run(d):
        kind, _sep, value = d["to"].partition(":")
        unit, dept = selectors.dispatch_target(case, to_unit=value if kind == "unit" else "",
                                               to_department=int(value) if kind == "dept" else None)
        return services.case_act(actor=request.user, case=case, action=d["action"], version=d["version"],
                                 comment=d["comment"], hours=d["hours"] or 0, photos=request.FILES.getlist("photos"),
                                 to_unit=unit, to_department=dept)

    return _back_with(request, case.code, CaseActForm(request.POST), run)


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
