"""Errors that services raise. Views and the API turn them into a message and a 4xx status."""

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    """Bad input or a broken rule: nothing was written. HTTP 400 (422 for field validation)."""

    status = 400
    default_code = "invalid"

    def __init__(self, message, *, code: str | None = None, field: str | None = None, errors=None):
        super().__init__(str(message))
        self.message = message
        self.code = code or self.default_code
        self.field = field
        self.errors = errors or []

    def as_dict(self) -> dict:
        data = {"detail": str(self.message), "code": self.code}
        if self.field:
            data["field"] = self.field
        if self.errors:
            data["errors"] = [
                {k: (str(v) if k == "message" else v) for k, v in err.items()} for err in self.errors
            ]
        return data


class ValidationFailed(ServiceError):
    status = 422
    default_code = "validation"


class NotFound(ServiceError):
    """Unknown, or outside the user's scope: the two look the same from outside."""

    status = 404
    default_code = "not_found"

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("Not found, or outside your area."), **kwargs)


class Forbidden(ServiceError):
    """Inside the user's scope, but the role may not do this."""

    status = 403
    default_code = "forbidden"

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("Your role may not do this."), **kwargs)


class Conflict(ServiceError):
    """Someone else changed the object first, or it already exists."""

    status = 409
    default_code = "conflict"


class Throttled(ServiceError):
    """Too many requests from one client, user, number or key in a window: HTTP 429."""

    status = 429
    default_code = "throttled"


class TooLarge(ValidationFailed):
    """A request, a file or a collection beyond its cap: HTTP 413, nothing written."""

    status = 413
    default_code = "too_large"
