"""The persona matrix: every URL pattern gets a verdict for every persona.

Each app lists its routes in `jiceng/<app>/tests/matrix.py` as `CHECKS = {route key: [Check, …]}`.
Route keys are the Django URL name ("orgs:unit") for pages and "METHOD /api/v1/path" for the API
(path as the OpenAPI document writes it, e.g. "GET /api/v1/units/{code}"). A route that needs no
check says why with `Exempt("reason")`. `jiceng/core/tests/test_persona_matrix.py` fails when a route
has no entry, so no endpoint or page can be added without a verdict.
"""

from collections.abc import Callable
from dataclasses import dataclass

ALL = ["city_admin", "street_official", "community_worker", "grid_worker", "party_member", "resident", "outsider"]


@dataclass
class Check:
    method: str
    url: Callable  # (city namespace) -> URL
    expect: dict  # persona name (or "anonymous") -> HTTP status
    data: Callable | None = None  # (city namespace) -> body
    json: bool = True  # send the body as JSON (else form-encoded)
    note: str = ""


@dataclass
class Exempt:
    reason: str


def statuses(ok: int, *, allowed: list[str], denied: int = 404, anonymous: int = 401, others: dict | None = None) -> dict:
    """Expectations: `ok` for the personas in `allowed`, `denied` for the rest; `others` override."""
    out = {p: (ok if p in allowed else denied) for p in ALL}
    out["anonymous"] = anonymous
    out.update(others or {})
    return out


# Who may see the small city's units (see jiceng/conftest.py): the grid G1 is in street S1.
SEE_CITY = ["city_admin"]
SEE_STREET = ["city_admin", "street_official"]
SEE_COMMUNITY = ["city_admin", "street_official", "community_worker", "party_member"]
SEE_GRID = SEE_COMMUNITY + ["grid_worker"]
SEE_HOUSEHOLD = SEE_GRID + ["resident"]
SEE_OTHER_STREET = ["city_admin", "outsider"]

