"""The API's error responses, documented in one place.

Every error the API returns has one shape, `ErrorOut` (`{"detail", "code", "field"?, "errors"?}`), made by the
exception handlers of jiceng/api.py. `document_errors(api)` adds to every operation's OpenAPI entry each error
status the operation can return, by what the operation is:

- it needs a login: 401 (no or bad token), 403 (the role may not; a cookie session without its CSRF token)
  and 404 (unknown, or outside the caller's area: the two look the same);
- it has a path parameter: 404;
- it takes any input: 422 (the input is not valid) and 400 (a rule of the service is broken);
- it writes (POST, PUT, PATCH, DELETE): 409 (someone changed the object first, or it already exists);
- it takes a body: 413 (the request or an upload is larger than allowed);
- it writes, is open to anonymous callers or carries a throttle: 429 (too many requests).

An operation may add statuses of its own through `openapi_extra={"x-error-statuses": [...]}`; the statuses an
operation already declares in `response=` are kept as they are.
"""

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Schema

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# The OpenAPI document is for developers: its descriptions are English (the `detail` messages are translated).
DESCRIPTIONS = {
    400: "A rule of the service is broken; nothing was written.",
    401: "Not logged in, or the token is unknown, expired or revoked.",
    403: "The role may not do this (or a cookie session sent no CSRF token).",
    404: "Not found, or outside the caller's area: the two look the same.",
    409: "Someone else changed it first, or it already exists.",
    413: "The request or an uploaded file is larger than allowed.",
    422: "The request is not valid; `field` or `errors` say where.",
    429: "Too many requests; try again later.",
}


class ErrorOut(Schema):
    """Every error: a translated message, a stable code, and where the input was wrong."""

    detail: str
    code: str
    field: str | None = None
    errors: list[dict[str, Any]] | None = None


# pydantic's error types, said in the user's language (the `msg` of each error); ctx fills the placeholders.
VALIDATION_MESSAGES = {
    "missing": _("This field is required."),
    "greater_than_equal": _("At least %(ge)s."),
    "greater_than": _("More than %(gt)s."),
    "less_than_equal": _("At most %(le)s."),
    "less_than": _("Less than %(lt)s."),
    "string_too_long": _("At most %(max_length)s characters."),
    "string_too_short": _("At least %(min_length)s characters."),
    "too_long": _("At most %(max_length)s items."),
    "too_short": _("At least %(min_length)s items."),
    "string_type": _("Text is expected."),
    "int_type": _("A whole number is expected."),
    "int_parsing": _("A whole number is expected."),
    "int_from_float": _("A whole number is expected."),
    "float_type": _("A number is expected."),
    "float_parsing": _("A number is expected."),
    "finite_number": _("A finite number is expected."),
    "bool_type": _("true or false is expected."),
    "bool_parsing": _("true or false is expected."),
    "date_type": _("A date (YYYY-MM-DD) is expected."),
    "date_parsing": _("A date (YYYY-MM-DD) is expected."),
    "date_from_datetime_parsing": _("A date (YYYY-MM-DD) is expected."),
    "date_from_datetime_inexact": _("A date (YYYY-MM-DD) is expected."),
    "datetime_type": _("A date and time (ISO 8601) is expected."),
    "datetime_parsing": _("A date and time (ISO 8601) is expected."),
    "datetime_from_date_parsing": _("A date and time (ISO 8601) is expected."),
    "list_type": _("A list is expected."),
    "dict_type": _("An object is expected."),
    "model_type": _("An object is expected."),
    "model_attributes_type": _("An object is expected."),
    "tuple_type": _("A list is expected."),
    "json_invalid": _("The body is not valid JSON."),
}


def validation_payload(errors: list[dict]) -> dict:
    """The 422 body of a request that failed its schema: which field, and why, in the user's language."""
    items = []
    for err in errors:
        ctx = {k: v for k, v in (err.get("ctx") or {}).items() if isinstance(v, int | float | str)}
        template = VALIDATION_MESSAGES.get(err.get("type"))
        try:
            msg = str(template) % ctx if template is not None else gettext("This value is not valid.")
        except (KeyError, TypeError, ValueError):
            msg = gettext("This value is not valid.")
        items.append({"loc": list(err.get("loc", [])), "type": err.get("type", ""), "msg": msg})
    payload = {"detail": gettext("The request is not valid."), "code": "validation", "errors": items}
    if items:
        loc = items[0]["loc"]
        parts = loc[2:] if loc[:1] == ["body"] and len(loc) > 2 else loc[1:]  # body: skip the argument's name
        names = [part for part in parts if isinstance(part, str) and part != "[key]"]
        if names:
            payload["field"] = names[-1]
            payload["detail"] = gettext("The request is not valid: %(field)s: %(message)s") % {
                "field": ".".join(str(p) for p in parts), "message": items[0]["msg"]}
    return payload


def error_statuses(operation) -> set[int]:
    methods = {m.upper() for m in operation.methods}
    writes = bool(methods & WRITE_METHODS)
    authenticated = bool(operation.auth_callbacks)
    model = operation.signature.models
    has_input = any(m.__ninja_param_source__ for m in model) if model else False
    has_path = any(m.__ninja_param_source__ == "path" for m in model) if model else False
    has_body = any(m.__ninja_param_source__ in ("body", "form", "file") for m in model) if model else False
    statuses = set()
    if authenticated:
        statuses |= {401, 403, 404}
    if has_path:
        statuses.add(404)
    if has_input:
        statuses |= {400, 422}
    if writes:
        statuses |= {400, 409}
    if has_body:
        statuses.add(413)
    if writes or not authenticated or operation.throttle_objects:
        statuses.add(429)
    statuses |= set((operation.openapi_extra or {}).get("x-error-statuses", []))
    return statuses


def document_errors(api) -> None:
    """Declare the error statuses of every mounted operation (call once, after the routers are added)."""
    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                extra = dict(operation.openapi_extra or {})
                statuses = error_statuses(operation)
                extra.pop("x-error-statuses", None)
                responses = dict(extra.get("responses", {}))
                for status in sorted(statuses - set(operation.response_models)):
                    operation.response_models[status] = operation._create_response_model(ErrorOut)
                    responses.setdefault(status, {"description": DESCRIPTIONS.get(status, "Error")})
                if responses:
                    extra["responses"] = responses
                operation.openapi_extra = extra or None


def schema_name_collisions(api) -> dict[str, list[str]]:
    """Component names that two different models share: the OpenAPI document keeps only one of them, so the
    other operations would be documented with a stranger's schema. {name: ["module.Class", ...]}"""
    import typing

    from pydantic import BaseModel

    seen: dict[str, dict[str, type]] = {}

    def visit(tp, depth=0):
        if depth > 8 or tp is None:
            return
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if tp.__name__ != "NinjaResponseSchema" and not hasattr(tp, "__ninja_param_source__"):
                key = f"{tp.__module__}.{tp.__qualname__}"
                if key in seen.setdefault(tp.__name__, {}):
                    return
                seen[tp.__name__][key] = tp
            for field in tp.model_fields.values():
                visit(field.annotation, depth + 1)
            return
        for arg in typing.get_args(tp):
            visit(arg, depth + 1)

    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                for model in operation.signature.models:
                    visit(model)
                for model in operation.response_models.values():
                    if isinstance(model, type):
                        visit(model)
    collisions = {}
    for name, classes in seen.items():
        schemas = {str(sorted(cls.model_json_schema().items())) for cls in classes.values()}
        if len(schemas) > 1:
            collisions[name] = sorted(classes)
    return collisions
