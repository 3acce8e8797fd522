"""Open311 GeoReport v2: discovery, services, service definitions, requests, tokens; `.json` and `.xml`.

Spec points kept: errors are a list of {code, description} (XML <errors><error>) with the same HTTP
status; empty parameters count as absent; ids are strings; datetimes are UTC with "Z"; GET requests
takes comma lists for service_request_id, service_code and status, and a start/end span of at most
90 days (default: the last 90 days); api_key and jurisdiction_id are accepted in the query or the body;
POST accepts urlencoded or multipart bodies (a multipart `media` file is stored as a photo).
"""

import datetime
import hashlib
from xml.etree import ElementTree as ET  # nosec B405  # builds XML only, never parses input

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from jiceng.cases import services
from jiceng.cases.models import FINAL_STATUSES, Case, Category, Open311Key, Source, Status
from jiceng.core.errors import ServiceError
from jiceng.orgs.models import Unit

DEMO_KEY = "demo-open311-key"
MAX_SPAN = datetime.timedelta(days=90)
MAX_RESULTS = 1000


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status, self.description = status, description


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def open311_key_create(*, name: str, key: str) -> Open311Key:
    obj, _ = Open311Key.objects.get_or_create(key_hash=key_hash(key), defaults={"name": name})
    return obj


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
        "key_service": "Ask the city case centre for an api_key; the demo city has demo-open311-key.",
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
]


@endpoint
def service_definition(request, fmt, service_code):
    cat = Category.objects.filter(code=service_code, active=True, parent__isnull=False).first()
    if cat is None:
        raise Open311Error(404, f"service_code {service_code} not found")
    return render({"service_code": cat.code, "attributes": ATTRIBUTES}, fmt, root="service_definition")


def _status(case: Case) -> str:
    return "closed" if case.status in FINAL_STATUSES else "open"


def _request_dict(case: Case) -> dict:
    notes = {Status.REJECTED: "rejected", Status.VOIDED: "voided", Status.MERGED: "duplicate",
             Status.CLOSED: "closed"}.get(case.status, Status(case.status).label)
    return {
        "service_request_id": case.code, "status": _status(case), "status_notes": str(notes),
        "service_name": case.category.name, "service_code": case.category.code, "description": case.description,
        "agency_responsible": case.handler.name, "service_notice": "",
        "requested_datetime": _utc(case.received_at), "updated_datetime": _utc(case.closed_at or case.received_at),
        "expected_datetime": _utc(case.deadline_at), "address": case.address, "address_id": "",
        "zipcode": "", "lat": case.lat, "long": case.lng, "media_url": "",
    }


def _require_key(request):
    key = _param(request, "api_key")
    if key is None:
        raise Open311Error(403, "api_key is required")
    if not Open311Key.objects.filter(key_hash=key_hash(key), active=True).exists():
        raise Open311Error(403, "api_key is not valid")
    return key


def _parse_dt(value, name):
    moment = parse_datetime(value.replace(" ", "+")) if value else None
    if value and moment is None:
        raise Open311Error(400, f"{name} is not a w3c datetime")
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment


def _float(value, name):
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        raise Open311Error(400, f"{name} is not a number") from None


def _post_request(request, fmt):
    key = _require_key(request)
    code = _param(request, "service_code")
    if code is None:
        raise Open311Error(400, "service_code is required")
    cat = Category.objects.filter(code=code, active=True, parent__isnull=False).first()
    if cat is None:
        raise Open311Error(404, f"service_code {code} not found")
    lat, lng = _float(_param(request, "lat"), "lat"), _float(_param(request, "long"), "long")
    address = _param(request, "address_string") or ""
    if (lat is None or lng is None) and not address:
        raise Open311Error(400, "lat and long, or address_string, are required")
    description = _param(request, "description") or ""
    if not description:
        raise Open311Error(400, "description is required")
    name = " ".join(p for p in [_param(request, "last_name"), _param(request, "first_name")] if p)
    anonymous = (request.POST.get("attribute[anonymous]") or "").lower() == "true"
    device = _param(request, "device_id") or ""
    photos = request.FILES.getlist("media")
    # The same request replayed (same key, device, service, place and text) returns the first case.
    fingerprint = hashlib.sha256("|".join(
        [key, device, code, str(lat), str(lng), address, description, _param(request, "email") or ""]).encode()
    ).hexdigest()
    case, _created = services.case_submit(
        actor=None, category=cat, description=description, source=Source.OPEN311, lat=lat, lng=lng,
        address=address, anonymous=anonymous, reporter_name=name, reporter_phone=_param(request, "phone") or "",
        reporter_email=_param(request, "email") or "", photos=photos, idempotency_key=f"open311:{fingerprint}")
    return render([{"service_request_id": case.code, "service_notice": "", "account_id": ""}], fmt,
                  root="service_requests", item="request", status=201 if _created else 200)


@endpoint
def requests_view(request, fmt):
    if request.method == "POST":
        return _post_request(request, fmt)
    if request.method != "GET":
        raise Open311Error(405, "method not allowed")
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
    rows = [_request_dict(c) for c in qs.order_by("-received_at", "-id")[:MAX_RESULTS]]
    return render(rows, fmt, root="service_requests", item="request")


@endpoint
def request_detail(request, fmt, request_id):
    case = Case.objects.select_related("category", "handler").filter(code=request_id.strip().upper()).first()
    if case is None:
        raise Open311Error(404, f"service_request_id {request_id} not found")
    return render([_request_dict(case)], fmt, root="service_requests", item="request")


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
