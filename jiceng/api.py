"""The one NinjaAPI at /api/v1/. Each app's `api.py` exposes `router` (and may set `PREFIX`)."""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from jiceng.accounts.services import token_user
from jiceng.core.api_errors import document_errors, validation_payload
from jiceng.core.discovery import app_modules
from jiceng.core.errors import ServiceError


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Jiceng API",
    version="1",
    description="Party-building-led urban grassroots governance. All reads are limited to the caller's area.",
    urls_namespace="api",
    auth=[BearerToken(), django_auth],
)


@api.exception_handler(ServiceError)
def service_error(request, exc: ServiceError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return api.create_response(
        request, {"detail": _("Not logged in, or the token is unknown, expired or revoked."),
                  "code": "unauthenticated"}, status=401)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc):
    return api.create_response(request, validation_payload(exc.errors), status=422)


@api.exception_handler(HttpError)
def http_error(request, exc):
    return api.create_response(request, {"detail": str(exc), "code": "error"}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found, or outside your area."), "code": "not_found"},
                               status=404)


@api.exception_handler(RequestDataTooBig)
@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def too_large(request, exc):
    return api.create_response(request, {"detail": _("The request is too large."), "code": "too_large"},
                               status=413)


def _mount():
    for cfg, module in app_modules("api"):
        router = getattr(module, "router", None)
        if router is None:
            continue
        api.add_router(getattr(module, "PREFIX", f"/{cfg.label}/"), router)


_mount()
document_errors(api)
