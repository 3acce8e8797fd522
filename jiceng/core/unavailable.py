"""The database gone for a moment (a restart, a failover, a network blip): a clear 503, never a stack
trace or a hang, and the next request reconnects by itself.

`DatabaseUnavailableMiddleware.process_exception` answers a view's `OperationalError` or `InterfaceError`
(the connection refused, dropped or reset) with 503 and `Retry-After`; `server_error` (Django's
handler500) does the same for one raised outside a view (a session saved by middleware). JSON
`{"detail", "code": "unavailable"}` for the API and Open311, a page of its own otherwise: it extends no
template that would read the user or the session, since the database that holds them is what failed.
A broken connection is closed so that the next request opens a fresh one (Django reuses connections
for `CONN_MAX_AGE`)."""

import sys

from django.db import InterfaceError, OperationalError, connections
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

RETRY_AFTER_SECONDS = 5


def is_database_down(exc: BaseException | None) -> bool:
    return isinstance(exc, (OperationalError, InterfaceError))


def _close_broken_connections():
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and not conn.is_usable():
            conn.close()


def unavailable_response(request):
    _close_broken_connections()
    message = _("The service is briefly unavailable; please try again in a few seconds. "
                "Nothing you sent before this message was lost.")
    if request.path.startswith(("/api/", "/open311/")):
        response = JsonResponse({"detail": message, "code": "unavailable"}, status=503)
    else:
        response = render(request, "core/unavailable.html", {"message": message}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_down(exception):
            return unavailable_response(request)
        return None


def server_error(request, template_name="500.html"):
    if is_database_down(sys.exc_info()[1]):
        return unavailable_response(request)
    return defaults.server_error(request, template_name=template_name)
