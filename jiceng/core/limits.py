"""Size limits of requests and of what a request may carry (issue 10, item 9).

- RequestSizeMiddleware refuses, with 413 and a Chinese message, a request whose declared body is over
  JICENG_MAX_REQUEST_BYTES (multipart uploads) or DATA_UPLOAD_MAX_MEMORY_SIZE (anything else) before
  a byte of it is read, and a form that Django refuses to parse (too many fields or files).
- `cap_count` and `read_upload` are the per-route caps services and API operations use: a GeoJSON
  import's features, a wartime call's posts, a file's bytes. Each raises TooLarge (413).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from jiceng.core.errors import TooLarge

MB = 1024 * 1024
MAX_GEOJSON_BYTES = 20 * MB
MAX_GEOJSON_FEATURES = 5000
MAX_GEOJSON_VERTICES = 2_000_000


def _too_large(request, message):
    data = {"detail": str(message), "code": "too_large"}
    if request.path_info.startswith("/api/") or request.path_info.startswith("/open311/"):
        return JsonResponse(data, status=413, json_dumps_params={"ensure_ascii": False})
    return render(request, "core/error.html", {"message": message}, status=413)


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            multipart = (request.content_type or "").startswith("multipart/")
            cap = settings.JICENG_MAX_REQUEST_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if cap is not None and length > cap:
                return _too_large(request, _("The request is too large: at most %(mb).0f MB.") % {"mb": cap / MB})
            if multipart or request.content_type == "application/x-www-form-urlencoded":
                try:
                    request.POST  # noqa: B018 — parse now, so that Django's own limits answer 413 here
                except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
                    return _too_large(request, _("The request has too many fields or files, or is too large."))
        return self.get_response(request)


def cap_count(items, limit: int, *, what, field: str | None = None):
    """Refuse a collection of more than `limit` items (`what`: a translated plural noun)."""
    n = len(items)
    if n > limit:
        raise TooLarge(_("Too many %(what)s: %(n)d, at most %(limit)d.") % {"what": what, "n": n, "limit": limit},
                       field=field, code="too_many")
    return items


def read_upload(upload, *, max_bytes: int, field: str = "file", code: str = "too_large") -> bytes:
    """The bytes of an uploaded file, refused (413) past `max_bytes` without reading more than that."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise TooLarge(_("A file may be at most %(mb)d MB.") % {"mb": max_bytes // MB}, field=field, code=code)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TooLarge(_("A file may be at most %(mb)d MB.") % {"mb": max_bytes // MB}, field=field, code=code)
    return data
