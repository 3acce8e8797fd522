"""Helpers shared by the HTML views: turn service errors into messages and statuses."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from jiceng.core.errors import Conflict, Forbidden, NotFound, ServiceError
from jiceng.core.scope import user_can
from jiceng.core.uploads import served_type


def page(view):
    """Log-in required; NotFound becomes 404, Forbidden a 403 page and an unhandled Conflict (someone else
    acted first) a 409 page, so views stay thin."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from None
        except Forbidden as exc:
            return render(request, "core/error.html", {"message": exc.message}, status=403)
        except Conflict as exc:
            return render(request, "core/error.html", {"message": exc.message}, status=409)

    return wrapper


def form_error(form, exc) -> None:
    """A service's refusal as a form error: next to its field when the service names one of the form's,
    above the form otherwise. The refusal stays on the form as `form.refusal` (a page may answer with its
    status, or list its row errors)."""
    form.refusal = exc
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


def form_submit(form, fn, *, passthrough=(403, 404)):
    """Run `fn(cleaned_data)` (one service call) when the form is valid and return its result; None when
    the form is invalid or the service refused the input (the refusal is then a form error). The statuses
    in `passthrough` propagate to `page`."""
    if not form.is_valid():
        return None
    try:
        return fn(form.cleaned_data)
    except ServiceError as exc:
        if exc.status in passthrough:
            raise
        form_error(form, exc)
        return None


def run_and_redirect(request, fn, to, *, success: str | None = None, passthrough=(403, 404)):
    """The tail of a POST view: run `fn` (one service call) and redirect to `to`. A refusal becomes an
    error message on the page redirected to, except the statuses in `passthrough`, which propagate to
    `page` (403 page, 404, 409 page); `success` is the message when it worked."""
    try:
        fn()
    except ServiceError as exc:
        if exc.status in passthrough:
            raise
        messages.error(request, exc.message)
    else:
        if success:
            messages.success(request, success)
    return redirect(to)


def form_and_redirect(request, form, fn, to, *, success: str | None = None, passthrough=(403, 404)):
    """The tail of a POST view whose form lives on another page: validate `form` and run `fn(cleaned_data)`
    through `form_submit`, then redirect to `to`. Bad input or a refusal becomes one error message (the
    field's label first); the statuses in `passthrough` propagate to `page`."""
    form_submit(form, fn, passthrough=passthrough)
    if form.errors:
        messages.error(request, first_error(form))
    elif success:
        messages.success(request, success)
    return redirect(to)


def form_or_again(request, form, fn, *, to, again, success: str | None = None, passthrough=(403, 404)):
    """The tail of a POST view whose form sits on a page it can show again: run `fn(cleaned_data)` (one
    service call) through `form_submit`; when it worked, `success` as a message and a redirect to `to(result)`
    (a URL); otherwise `again()` shows the page once more with the bound form, its errors next to the fields
    (it answers 422). The statuses in `passthrough` propagate to `page`."""
    result = form_submit(form, fn, passthrough=passthrough)
    if result is None:
        return again()
    if success:
        messages.success(request, success)
    return redirect(to(result))


def flash_errors(request, form) -> None:
    """Every error of a form whose page is not shown again, as messages on the page redirected to (one a
    field, its errors joined)."""
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))


def first_error(form) -> str:
    """A form's first error as one line, the field's label first ("纬度：…")."""
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        if field is not None and field.label:
            return gettext("%(field)s: %(error)s") % {"field": field.label, "error": errors[0]}
        return str(errors[0])
    return ""


def _media_owners():
    """(model, file field, path lookup) for every Jiceng model with a file: the object's own
    `unit_path`, or that of the object it belongs to (its first foreign key to a model with one)."""
    from django.apps import apps
    from django.db import models

    for model in apps.get_models():
        if not model.__module__.startswith("jiceng."):
            continue
        files = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        if not files:
            continue
        names = {f.name for f in model._meta.concrete_fields}
        lookup = "unit_path" if "unit_path" in names else None
        if lookup is None:
            for f in model._meta.concrete_fields:
                if f.is_relation and "unit_path" in {g.name for g in f.related_model._meta.concrete_fields}:
                    lookup = f"{f.name}__unit_path"
                    break
        if lookup:
            for f in files:
                yield model, f.name, lookup


@page
def protected_media(request, path):
    """Uploaded files (case photos, project evidence) only for users whose area holds their object.

    Served with the type of the server-chosen extension (jiceng.core.uploads), never sniffed, under a
    policy that runs nothing (`default-src 'none'`); anything but an image is an attachment."""
    from django.conf import settings
    from django.http import FileResponse

    for model, field, lookup in _media_owners():
        owner_path = model.objects.filter(**{field: path}).values_list(lookup, flat=True).first()
        if owner_path is not None:
            if not user_can(request.user, owner_path, "read"):
                raise NotFound()
            full = (settings.MEDIA_ROOT / path).resolve()
            if not str(full).startswith(str(settings.MEDIA_ROOT.resolve())) or not full.is_file():
                raise NotFound()
            content_type, inline = served_type(full.name)
            response = FileResponse(open(full, "rb"), content_type=content_type, as_attachment=not inline,
                                    filename=full.name)
            return harden_file_response(response)
    raise NotFound()


def harden_file_response(response):
    """Headers of every served upload: no sniffing, no script, no framing, private cache."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=3600"
    response._csp_exempt = True  # django-csp must not replace this policy with the site's
    return response


def map_tiles() -> str:
    """The base map's tile URL for Leaflet pages (LEAFLET_CONFIG["TILES"]: a URL template, or
    django-leaflet's [(name, url, options), …]); "" = no base map (intranets often have none)."""
    from django.conf import settings

    tiles = getattr(settings, "LEAFLET_CONFIG", {}).get("TILES") or ""
    if isinstance(tiles, list | tuple):
        tiles = tiles[0][1] if tiles and isinstance(tiles[0], list | tuple) else (tiles[0] if tiles else "")
    return str(tiles)


# --- Excel for every registry (H5): /excel/<registry>/export and /excel/<registry>/import ------------


def _registry_and_unit(request, name: str, *, importing: bool = False):
    """The registry named in the URL and the unit of ?unit= by the registry's own scope rule: 404 for an
    unknown registry (or one without import) or a unit outside the user's area, 403 in the area for a
    role that may not read (export) or write the registry (import: its `capability`)."""
    from jiceng.core.errors import NotFound
    from jiceng.core.excel import registries
    from jiceng.core.scope import require_scope

    registry = registries().get(name)
    if registry is None or (importing and not registry.imports):
        raise NotFound()
    unit = registry.scope(request.user, request.GET.get("unit") or "")
    require_scope(request.user, unit.path, registry.capability if importing else registry.read_capability)
    return registry, unit


@page
def excel_export(request, registry):
    """The registry's rows under the unit as .xlsx (audited by ExportAuditMiddleware)."""
    from jiceng.core.exports import xlsx_response

    registry, unit = _registry_and_unit(request, registry)
    data = registry.table.export(registry.rows(request.user, unit), title=str(registry.title))
    return xlsx_response(data, f"{registry.name}-{unit.code}.xlsx")


@page
def excel_import(request, registry):
    """Upload a sheet of the registry's columns into the unit: every row or none, each problem listed
    with its row and column."""
    from django import forms
    from django.utils.translation import gettext as _
    from django.utils.translation import gettext_lazy

    from jiceng.core.errors import ValidationFailed

    registry, unit = _registry_and_unit(request, registry, importing=True)

    class ImportForm(forms.Form):
        file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"))

    form = ImportForm(request.POST or None, request.FILES or None)
    errors, status, created = [], 200, None
    if request.method == "POST":
        if form.is_valid():
            try:
                created = registry.import_file(request.user, unit, form.cleaned_data["file"])
            except ValidationFailed as exc:
                errors = exc.errors or []
                form.add_error("file", str(exc.message))
                status = 422
            else:
                messages.success(request, _("%(n)d row(s) imported.") % {"n": created})
                return redirect(f"{request.path}?unit={unit.code}")
        else:
            status = 422
    list_url = registry.list_url(unit) if registry.list_url else ""
    return render(request, "core/excel_import.html",
                  {"registry": registry, "unit": unit, "form": form, "errors": errors, "list_url": list_url,
                   "columns": registry.table.import_columns}, status=status)

