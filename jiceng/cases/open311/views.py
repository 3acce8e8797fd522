"""Open311 GeoReport v2: discovery, services, service definitions, requests, tokens; `.json` and `.xml`.

Spec points kept: errors are a list of {code, description} (XML <errors><error>) with the same HTTP
status; empty parameters count as absent; ids are strings; datetimes are UTC with "Z"; GET requests
takes comma lists for service_request_id, service_code and status, and a start/end span of at most
90 days (default: the last 90 days); api_key and jurisdiction_id are accepted in the query or the body;
POST accepts urlencoded or multipart bodies (a multipart `media` file is stored as a photo).

What a reader sees (jiceng.cases.public): without an api_key, only published cases (publishable
category, public channel, reporter's consent) with coordinates snapped to 100 m and no personal data;
a request's id alone reads its status; a valid api_key reads in full the cases inside its
jurisdiction unit, and posts requests located there. A posted request is public unless
`attribute[public]=false` (civic-report practice).
"""

import datetime
import hashlib
from xml.etree import ElementTree as ET  # nosec B405  # builds XML only, never parses input

from django import forms
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from jiceng.cases import public, services
from jiceng.cases.models import FINAL_STATUSES, Case, Category, Open311Key, Source, Status, public_q
from jiceng.cases.services import open311_key_find
from jiceng.core.errors import ServiceError
from jiceng.core.scope import subtree_q
from jiceng.orgs.models import Unit

MAX_SPAN = datetime.timedelta(days=90)
MAX_RESULTS = 1000


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status, self.description = status, description


def _param(request, name):
    value = request.POST.get(name) if request.method == "POST" else None
    if value in (None, ""):
        value = request.GET.get(name)
    return None if value in (None, "") else value.strip() or None


def _utc(moment):
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _jurisdiction_ok(request):
    jid = _param(request, "jurisdiction_id")
    if jid is None:
        return
    if not Unit.objects.filter(kind="city", code=jid).exists():
        raise Open311Error(404, f"jurisdiction_id {jid} not found")


# ------------------------------------------------------------------------------------------------
# Rendering


def _xml_value(parent, key, value):
    el = ET.SubElement(parent, key)
    if isinstance(value, dict):
        for k, v in value.items():
            _xml_value(el, k, v)
    elif isinstance(value, list):
        child = {"values": "value", "attributes": "attribute", "endpoints": "endpoint", "formats": "format"}.get(
            key, "item")
        for item in value:
            _xml_value(el, child, item)
    elif isinstance(value, bool):
        el.text = "true" if value else "false"
    elif value is not None:
        el.text = str(value)
    return el


def render(data, fmt: str, *, root: str, item: str | None = None, status: int = 200):
    if fmt == "json":
        return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})
    top = ET.Element(root)
    if isinstance(data, list):
        for obj in data:
            _xml_value_obj = ET.SubElement(top, item)
            for k, v in obj.items():
                _xml_value(_xml_value_obj, k, v)
    else:
        for k, v in data.items():
            _xml_value(top, k, v)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def error_response(status: int, description: str, fmt: str):
    return render([{"code": status, "description": description}], fmt, root="errors", item="error", status=status)


def endpoint(view):
    """Wrap a view: format check, spec errors for Open311Error and service errors, CSRF-exempt POST."""

    @csrf_exempt
    def wrapper(request, fmt, *args, **kwargs):
        if fmt not in ("json", "xml"):
            return error_response(400, "format must be json or xml", "json")
        try:
            _jurisdiction_ok(request)
            return view(request, fmt, *args, **kwargs)
        except Open311Error as exc:
            return error_response(exc.status, exc.description, fmt)
        except ServiceError as exc:
            status = 404 if exc.status == 404 else (429 if exc.status == 429 else 400)
            return error_response(status, str(exc.message), fmt)

    wrapper.__name__ = view.__name__
    return wrapper


# ------------------------------------------------------------------------------------------------
# Views


@endpoint
def discovery(request, fmt):
    base = request.build_absolute_uri(reverse("cases:open311_root"))
    data = {
        "changeset": "2026-11-28T00:00:00Z",
        "contact": "Jiceng city case centre (12345 hotline)",
        "key_service": "Ask the city case centre for an api_key (it reads the cases of its jurisdiction; "
                       "without one, published cases only).",
        "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": base.rstrip("/"),
                       "changeset": "2026-11-28T00:00:00Z", "type": "production",
                       "formats": ["application/json", "text/xml"]}],
    }
    return render(data, fmt, root="discovery")


def _service(cat: Category) -> dict:
    return {"service_code": cat.code, "service_name": cat.name,
            "description": f"{cat.parent.name} / {cat.name}", "metadata": True, "type": "realtime",
            "keywords": cat.business_line, "group": cat.parent.name}


@endpoint
def services_list(request, fmt):
    cats = Category.objects.filter(active=True, parent__isnull=False).select_related("parent").order_by("code")
    return render([_service(c) for c in cats], fmt, root="services", item="service")


ATTRIBUTES = [
    {"variable": True, "code": "urgency", "datatype": "singlevaluelist", "required": False,
     "datatype_description": "", "order": 1, "description": "How urgent is it?",
     "values": [{"key": "normal", "name": "Normal"}, {"key": "urgent", "name": "Urgent"}]},
    {"variable": True, "code": "anonymous", "datatype": "singlevaluelist", "required": False,
     "datatype_description": "", "order": 2, "description": "Report anonymously",
     "values": [{"key": "false", "name": "No"}, {"key": "true", "name": "Yes"}]},
    {"variable": True, "code": "public", "datatype": "singlevaluelist", "required": False,
     "datatype_description": "", "order": 3,
     "description": "Publish the request (never the reporter's name or contact); default yes",
     "values": [{"key": "true", "name": "Yes"}, {"key": "false", "name": "No"}]},
]


@endpoint
def service_definition(request, fmt, service_code):
    cat = Category.objects.filter(code=service_code, active=True, parent__isnull=False).first()
    if cat is None:
        raise Open311Error(404, f"service_code {service_code} not found")
    return render({"service_code": cat.code, "attributes": ATTRIBUTES}, fmt, root="service_definition")


def _status(case: Case) -> str:
    return "closed" if case.status in FINAL_STATUSES else "open"


REQUEST_FIELDS = ("code", "status", "received_at", "closed_at", "deadline_at", "description", "address", "lat", "lng",
                  "level", "unit_path", "source", "publish_consent", "category__name", "category__code",
                  "category__publishable", "handler__name")


def _request_dict(case: Case, view: str = "full") -> dict:
    """One request as `view` allows: "full" (inside the key's jurisdiction), "public" (a published
    case: snapped point, redacted text, no address) or "status" (the id alone: status and dates)."""
    notes = {Status.REJECTED: "rejected", Status.VOIDED: "voided", Status.MERGED: "duplicate",
             Status.CLOSED: "closed"}.get(case.status, Status(case.status).label)
    out = {
        "service_request_id": case.code, "status": _status(case), "status_notes": str(notes),
        "service_name": case.category.name, "service_code": case.category.code, "description": "",
        "agency_responsible": "", "service_notice": "",
        "requested_datetime": _utc(case.received_at), "updated_datetime": _utc(case.closed_at or case.received_at),
        "expected_datetime": _utc(case.deadline_at), "address": "", "address_id": "",
        "zipcode": "", "lat": None, "long": None, "media_url": "",
    }
    if view == "full":
        out.update(description=case.description, agency_responsible=case.handler.name, address=case.address,
                   lat=case.lat, long=case.lng)
    elif view == "public":
        lat, lng = public.snap(case.lat, case.lng)
        out.update(description=public.redact(case.description), agency_responsible=public.public_agency(case),
                   lat=lat, long=lng)
    return out


def _key(request) -> Open311Key | None:
    """The request's api_key, when it gives one: 403 when it is not a valid, active key."""
    key = _param(request, "api_key")
    if key is None:
        return None
    found = open311_key_find(key)
    if found is None:
        raise Open311Error(403, "api_key is not valid")
    return found


def _require_key(request) -> Open311Key:
    found = _key(request)
    if found is None:
        raise Open311Error(403, "api_key is required")
    return found


def _view_for(case: Case, key: Open311Key | None) -> str:
    if key is not None and case.unit_path.startswith(key.unit_path):
        return "full"
    return "public" if case.is_public else "status"


def _parse_dt(value, name):
    moment = parse_datetime(value.replace(" ", "+")) if value else None
    if value and moment is None:
        raise Open311Error(400, f"{name} is not a w3c datetime")
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment


class _PointForm(forms.Form):
    lat = forms.FloatField(min_value=-90, max_value=90, required=False)
    long = forms.FloatField(min_value=-180, max_value=180, required=False)


def _point(request) -> tuple[float | None, float | None]:
    """The request's lat and long: numbers in range, or absent (an address is given instead)."""
    form = _PointForm({"lat": _param(request, "lat") or "", "long": _param(request, "long") or ""})
    if not form.is_valid():
        raise Open311Error(400, f"{next(iter(form.errors))} is not a number in its range")
    return form.cleaned_data["lat"], form.cleaned_data["long"]


def _post_request(request, fmt):
    api_key = _require_key(request)
    key = _param(request, "api_key")
    code = _param(request, "service_code")
    if code is None:
        raise Open311Error(400, "service_code is required")
    cat = Category.objects.filter(code=code, active=True, parent__isnull=False).first()
    if cat is None:
        raise Open311Error(404, f"service_code {code} not found")
    lat, lng = _point(request)
    address = _param(request, "address_string") or ""
    if (lat is None or lng is None) and not address:
        raise Open311Error(400, "lat and long, or address_string, are required")
    description = _param(request, "description") or ""
    if not description:
        raise Open311Error(400, "description is required")
    name = " ".join(p for p in [_param(request, "last_name"), _param(request, "first_name")] if p)
    anonymous = (request.POST.get("attribute[anonymous]") or "").lower() == "true"
    publish = (request.POST.get("attribute[public]") or "true").lower() != "false"
    device = _param(request, "device_id") or ""
    photos = request.FILES.getlist("media")
    # The same request replayed (same key, device, service, place and text) returns the first case.
    fingerprint = hashlib.sha256("|".join(
        [key, device, code, str(lat), str(lng), address, description, _param(request, "email") or ""]).encode()
    ).hexdigest()
    case, _created = services.case_submit(
        actor=None, category=cat, description=description, source=Source.OPEN311, lat=lat, lng=lng,
        address=address, anonymous=anonymous, reporter_name=name, reporter_phone=_param(request, "phone") or "",
        reporter_email=_param(request, "email") or "", photos=photos, idempotency_key=f"open311:{fingerprint}",
        publish=publish, open311_key=api_key)
    return render([{"service_request_id": case.code, "service_notice": "", "account_id": ""}], fmt,
                  root="service_requests", item="request", status=201 if _created else 200)


@endpoint
def requests_view(request, fmt):
    if request.method == "POST":
        return _post_request(request, fmt)
    if request.method != "GET":
        raise Open311Error(405, "method not allowed")
    key = _key(request)
    qs = Case.objects.select_related("category", "handler")
    ids = _param(request, "service_request_id")
    if ids:
        qs = qs.filter(code__in=[i.strip().upper() for i in ids.split(",") if i.strip()])
    else:
        codes = _param(request, "service_code")
        if codes:
            qs = qs.filter(category__code__in=[c.strip() for c in codes.split(",") if c.strip()])
        start, end = _parse_dt(_param(request, "start_date"), "start_date"), _parse_dt(_param(request, "end_date"),
                                                                                       "end_date")
        if start and end and end < start:
            raise Open311Error(400, "end_date is before start_date")
        if start and end and end - start > MAX_SPAN:
            raise Open311Error(400, "start_date and end_date may span at most 90 days")
        if end is None:
            end = start + MAX_SPAN if start else timezone.now()
        if start is None:
            start = end - MAX_SPAN
        qs = qs.filter(received_at__gte=start, received_at__lte=end)
        statuses = _param(request, "status")
        if statuses:
            wanted = {s.strip().lower() for s in statuses.split(",") if s.strip()}
            if not wanted <= {"open", "closed"}:
                raise Open311Error(400, "status is open, closed or both")
            if wanted == {"open"}:
                qs = qs.exclude(status__in=list(FINAL_STATUSES))
            elif wanted == {"closed"}:
                qs = qs.filter(status__in=list(FINAL_STATUSES))
        # A list holds published cases, and with a key the cases of its jurisdiction; ids name any case
        # (each shown as its reader may see it).
        visible = public_q()
        if key is not None:
            visible |= subtree_q(key.unit_path, "unit_path")
        qs = qs.filter(visible)
    # Only the columns a request shows: up to MAX_RESULTS rows per poll, and the handler's boundary
    # (a polygon per row) or the case's other dates cost more than the list itself (issue 17).
    rows = [_request_dict(c, _view_for(c, key))
            for c in qs.only(*REQUEST_FIELDS).order_by("-received_at", "-id")[:MAX_RESULTS]]
    return render(rows, fmt, root="service_requests", item="request")


@endpoint
def request_detail(request, fmt, request_id):
    key = _key(request)
    case = Case.objects.select_related("category", "handler").filter(code=request_id.strip().upper()).first()
    if case is None:
        raise Open311Error(404, f"service_request_id {request_id} not found")
    return render([_request_dict(case, _view_for(case, key))], fmt, root="service_requests", item="request")


@endpoint
def token_detail(request, fmt, token):
    # Requests are created synchronously: a token is the request id itself.
    case = Case.objects.filter(code=token.strip().upper()).first()
    if case is None:
        raise Open311Error(404, f"token {token} not found")
    return render([{"service_request_id": case.code, "token": case.code}], fmt, root="service_requests",
                  item="request")


def root(request):
    return JsonResponse({"discovery": reverse("cases:open311_discovery", args=["json"])})
