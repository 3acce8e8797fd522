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
