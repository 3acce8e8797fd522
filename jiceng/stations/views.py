import io

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.cases.deadlines import holiday_calendar
from jiceng.core.client import client_address
from jiceng.core.errors import NotFound, ServiceError
from jiceng.core.views import form_error, map_tiles, page, run_and_redirect
from jiceng.mobilize.models import Activity
from jiceng.orgs.selectors import unit_ancestors, unit_children, unit_get, unit_or_top
from jiceng.stations import couriers, coverage, selectors, services, siting
from jiceng.stations import hours as hours_mod
from jiceng.stations.forms import DAY_LABELS, CourierForm, PhotoForm, PositionForm, SitingForm, StateForm
from jiceng.stations.models import Level, PositionPhoto, ServicePosition, State


def _center():
    return list(settings.LEAFLET_CONFIG.get("DEFAULT_CENTER", (36.08, 111.52)))


def _marker(p) -> dict:
    return {"id": p.id, "name": p.name, "level": p.level, "state": p.state, "lat": p.lat, "lng": p.lng,
            "url": reverse("stations:position", args=[p.id])}


def _calendar():
    return holiday_calendar()


@page
def map_page(request):
    unit = unit_or_top(user=request.user, code=request.GET.get("unit"))
    level = request.GET.get("level") or ""
    if level not in Level.values:
        level = ""
    positions = list(selectors.positions_in_scope(user=request.user, unit=unit, level=level or None)[:2000])
    counts = {}
    for p in positions:
        counts[p.level] = counts.get(p.level, 0) + 1
    return render(request, "stations/map.html", {
        "unit": unit, "ancestors": unit_ancestors(unit), "level": level, "levels": Level.choices,
        "positions": positions[:300], "total": len(positions),
        "counts": [(label, counts.get(value, 0)) for value, label in Level.choices],
        "markers": [_marker(p) for p in positions], "tiles": map_tiles(), "center": _center(),
        "may_write": services.user_can(request.user, unit.path, "write"),
    })


def _amenity_choices():
    return [(a.code, a.name) for a in selectors.amenities_active()]


def _apply_error(form, exc: ServiceError):
    field = exc.field if exc.field in form.fields else None
    if exc.field == "hours":
        field = "day0"
    form.add_error(field, str(exc.message))


def _hour_fields(form):
    return [form[f"day{i}"] for i in range(8)]


@page
def position_new(request):
    initial = {"unit": request.GET.get("unit", "")}
    form = PositionForm(request.POST or None, initial=initial, amenity_choices=_amenity_choices())
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                unit = unit_get(user=request.user, code=data["unit"])
                position = services.position_create(
                    actor=request.user, unit=unit, level=data["level"], name=data["name"], lat=data["lat"],
                    lng=data["lng"], crs=data["crs"], address=data["address"], services=data["services"],
                    contact_name=data["contact_name"], contact_phone=data["contact_phone"], state=data["state"],
                    amenities=data["amenities"], hours=form.hours())
            except NotFound:
                form.add_error("unit", _("No unit with this code in your area."))
            except ServiceError as exc:
                if exc.status in (403,):
                    raise
                _apply_error(form, exc)
            else:
                messages.success(request, _("Service position created."))
                return redirect("stations:position", pk=position.pk)
        status = 422
    return render(request, "stations/form.html", {"form": form, "hour_fields": _hour_fields(form),
                                                  "title": _("New service position")}, status=status)


@page
def position_edit(request, pk):
    position = selectors.position_get(user=request.user, pk=pk)
    services.require_scope(request.user, position.unit_path, "write")
    by_day = {}
    for d, o, c in selectors.hours_rows(position):
        by_day.setdefault(d, []).append((o, c))
    initial = {"level": position.level, "unit": position.unit.code, "name": position.name, "lat": position.lat,
               "lng": position.lng, "crs": "wgs84", "address": position.address, "services": position.services,
               "contact_name": position.contact_name, "contact_phone": position.contact_phone,
               "state": position.state, "amenities": [a.code for a in position.amenities.all()],
               **{f"day{i}": hours_mod.format_periods(by_day.get(i, [])) for i in range(8)}}
    form = PositionForm(request.POST or None, initial=initial, amenity_choices=_amenity_choices())
    form.fields["level"].disabled = True
    form.fields["unit"].disabled = True
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.position_update(
                    actor=request.user, position=position, name=data["name"], lat=data["lat"], lng=data["lng"],
                    crs=data["crs"], address=data["address"], services=data["services"],
                    contact_name=data["contact_name"], contact_phone=data["contact_phone"], state=data["state"],
                    amenities=data["amenities"], hours=form.hours())
            except ServiceError as exc:
                if exc.status in (403, 404):
                    raise
                _apply_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("stations:position", pk=position.pk)
        status = 422
    return render(request, "stations/form.html", {"form": form, "hour_fields": _hour_fields(form),
                                                  "position": position, "title": position.name}, status=status)


def _hours_table(position):
    rows = selectors.hours_rows(position)
    return [(label, hours_mod.format_periods([(o, c) for d, o, c in rows if d == i]) or _("closed"))
            for i, label in enumerate(DAY_LABELS)]


@page
def position_page(request, pk):
    position = selectors.position_get(user=request.user, pk=pk)
    return render(request, "stations/position.html", {
        "position": position, "hours": _hours_table(position), "photos": list(position.photos.all()),
        "state_form": StateForm(initial={"state": position.state}), "photo_form": PhotoForm(),
        "may_write": services.user_can(request.user, position.unit_path, "write"),
        "tiles": map_tiles(), "marker": _marker(position),
        "visits": position.visits.count(),
    })


@require_POST
@page
def position_state(request, pk):
    position = selectors.position_get(user=request.user, pk=pk)
    form = StateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown state."))
        return redirect("stations:position", pk=pk)
    return run_and_redirect(request, lambda: services.position_set_state(
        actor=request.user, position=position, state=form.cleaned_data["state"]),
        reverse("stations:position", args=[pk]),
        success=_("State changed; the 15-minute coverage is being recomputed."))


@require_POST
@page
def photo_add(request, pk):
    position = selectors.position_get(user=request.user, pk=pk)
    services.require_scope(request.user, position.unit_path, "write")
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "core/error.html", {"message": _("Choose a photo.")}, status=422)
    try:
        services.position_photo_add(actor=request.user, position=position, upload=form.cleaned_data["photo"])
    except ServiceError as exc:
        if exc.status in (403, 404):
            raise
        return render(request, "core/error.html", {"message": exc.message}, status=exc.status)
    messages.success(request, _("Photo added."))
    return redirect("stations:position", pk=pk)


def photo_file(request, pk):
    """A position's photo (public, like the position's public page); re-encoded at upload."""
    photo = PositionPhoto.objects.filter(pk=pk).first()
    if photo is None or not photo.file:
        raise Http404()
    try:
        handle = photo.file.open("rb")
    except OSError:
        raise Http404() from None
    response = FileResponse(handle, content_type="image/png" if photo.file.name.endswith(".png") else "image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@page
def coverage_page(request):
    unit = unit_or_top(user=request.user, code=request.GET.get("unit"))
    children = list(unit_children(user=request.user, unit=unit)[:300]) if unit.kind in (
        "city", "county", "street", "community") else []
    run = coverage.latest_run()
    rows = [(c, coverage.shares(c.path)) for c in children]
    return render(request, "stations/coverage.html", {
        "unit": unit, "ancestors": unit_ancestors(unit), "run": run, "summary": coverage.shares(unit.path),
        "rows": rows, "circle_m": round(coverage.circle_metres()), "speed": coverage.walk_speed(),
        "show_buildings": unit.kind in ("community", "grid", "compound"),
        "tiles": map_tiles(), "center": _center(),
    })


@page
def siting_page(request):
    form = SitingForm(request.GET or None, initial={"unit": request.GET.get("unit", ""), "k": 3})
    result, status = None, 200
    if request.GET and form.is_valid():
        try:
            unit = unit_get(user=request.user, code=form.cleaned_data["unit"])
            result = siting.suggest(user=request.user, unit=unit, k=form.cleaned_data["k"],
                                    sites_text=form.cleaned_data["sites"])
        except NotFound:
            form.add_error("unit", _("No unit with this code in your area."))
            status = 404
        except ServiceError as exc:
            if exc.status == 403:
                raise
            form_error(form, exc)
            status = exc.status
    elif request.GET:
        status = 422
    worst = siting.worst_communities(user=request.user) if not request.GET else []
    return render(request, "stations/siting.html", {
        "form": form, "result": result, "worst": worst, "tiles": map_tiles(), "center": _center(),
        "data": {"suggestions": result["suggestions"] if result else []},
    }, status=status)


# --- public pages (no account) -------------------------------------------------------------------


def public_page(request, pk):
    try:
        position = selectors.position_public(pk=pk)
    except NotFound:
        raise Http404() from None
    calendar = _calendar()
    now = timezone.localtime()
    rows = selectors.hours_rows(position)
    return render(request, "stations/public.html", {
        "position": position, "hours": _hours_table(position), "photos": list(position.photos.all()),
        "today": hours_mod.format_periods(hours_mod.periods_on(rows, now.date(), calendar)),
        "open_now": position.state == State.OPEN and hours_mod.is_open(rows, now.replace(tzinfo=None), calendar),
        "visited": request.GET.get("visited") == "1",
    })


def qr_svg(request, pk):
    import segno

    try:
        position = selectors.position_public(pk=pk)
    except NotFound:
        raise Http404() from None
    url = request.build_absolute_uri(reverse("stations:visit", args=[position.qr_token]))
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6, title=position.name)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


def qr_visit(request, token):
    position = ServicePosition.objects.filter(qr_token=token).first()
    if position is None:
        raise Http404()
    courier = couriers.courier_by_token(request.COOKIES.get("jiceng_courier"))
    try:
        couriers.visit_record(position=position, courier=courier, client_address=client_address(request))
    except ServiceError as exc:
        return render(request, "stations/refused.html", {"message": exc.message, "position": position},
                      status=exc.status)
    return redirect(reverse("stations:public", args=[position.pk]) + "?visited=1")


def finder_page(request):
    return render(request, "stations/finder.html", {
        "amenities": selectors.amenities_active(), "api": reverse("api:finder_api"),
        "public_url": reverse("stations:public", args=[0]),
        "text": {"none": _("No station open now with this amenity within 5 km."),
                 "walk": _("min walk"), "today": _("Today"), "locating": _("Locating…"),
                 "no_location": _("Your location is not available; enter it below."),
                 "error": _("Search failed")},
    })


def courier_sms_code(request):
    if request.method != "POST":
        return HttpResponse(status=405)
    try:
        masked = couriers.courier_sms_code_send(phone=request.POST.get("phone", ""),
                                                client_address=client_address(request))
    except ServiceError as exc:
        return render(request, "stations/_sms_code.html", {"error": exc.message}, status=exc.status)
    return render(request, "stations/_sms_code.html", {"masked": masked})


def courier_register(request):
    courier = couriers.courier_by_token(request.COOKIES.get("jiceng_courier"))
    form = CourierForm(request.POST or None)
    status = 200
    if request.method == "POST" and "activity" in request.POST and courier is not None:
        act = Activity.objects.filter(pk=request.POST.get("activity") or 0).first()
        try:
            if act is None:
                raise NotFound()
            couriers.courier_signup(courier=courier, activity=act)
            messages.success(request, _("Signed up. Thank you!"))
        except ServiceError as exc:
            messages.error(request, exc.message)
        return redirect("stations:courier_register")
    if request.method == "POST" and courier is None:
        if form.is_valid():
            data = form.cleaned_data
            try:
                courier = couriers.courier_register(phone=data["phone"], sms_code=data["sms_code"], kind=data["kind"],
                                                    name=data["name"], community_code=data["community"],
                                                    platform=data["platform"],
                                                    client_address=client_address(request))
            except ServiceError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                response = redirect("stations:courier_register")
                response.set_cookie("jiceng_courier", courier.token, max_age=365 * 86400, httponly=True,
                                    samesite="Lax", secure=request.is_secure())
                return response
        else:
            status = 422
    activities = couriers.upcoming_activities(courier) if courier else []
    signed = set(courier.signups.values_list("activity_id", flat=True)) if courier else set()
    return render(request, "stations/courier.html", {"form": form, "courier": courier, "activities": activities,
                                                     "signed": signed}, status=status)
