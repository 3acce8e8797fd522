"""Scope is security: every read that serves a user is filtered to the user's unit subtrees.

A unit's `path` is its ancestors' codes joined by "/", ending with "/"; "everything under X" is a
prefix match on an indexed column. On PostgreSQL Django's LIKE 'x%' uses the varchar_pattern_ops
index it creates beside the plain one; on SQLite a BINARY range (path >= x AND path < x + "~") uses
the plain index (paths hold only digits and "/", which sort below "~").
"""

import os

from django.db import connection
from django.db.models import Q

from jiceng.core.errors import Forbidden, NotFound
from jiceng.core.roles import role_has

PATH_END = "~"


def subtree_q(path: str, field: str = "path") -> Q:
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__startswith": path})
    return Q(**{f"{field}__gte": path, f"{field}__lt": path + PATH_END})


def path_within(path: str, prefixes) -> bool:
    return any(path.startswith(prefix) for prefix in prefixes)


def common_path(paths) -> str:
    """The deepest unit path that holds every one of `paths` ("" for none): a batch's audit path."""
    prefix = os.path.commonprefix(list(paths))
    return prefix if prefix.endswith("/") or not prefix else prefix[: prefix.rstrip("/").rfind("/") + 1]


def user_grants(user):
    """The user's grants, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_jiceng_grants", None)
    if cached is None:
        # The user's reverse relation to accounts.Grant: core imports nothing of accounts.
        cached = list(user.grants.filter(active=True).select_related("unit"))
        user._jiceng_grants = cached
    return cached


def scope_prefixes(user, capability: str | None = None) -> list[str]:
    """Paths of the user's subtrees; with a capability, only grants whose role has it."""
    prefixes = []
    for grant in user_grants(user):
        if capability is None or role_has(grant.role, capability):
            prefixes.append(grant.unit_path)
    # A prefix inside another one adds nothing.
    prefixes.sort(key=len)
    kept = []
    for prefix in prefixes:
        if not any(prefix.startswith(k) for k in kept):
            kept.append(prefix)
    return kept


def scope_filter(qs, user, field: str = "path", capability: str | None = None):
    """Restrict a queryset to rows whose `field` path lies under one of the user's units."""
    prefixes = scope_prefixes(user, capability)
    if not prefixes:
        return qs.none()
    q = Q()
    for prefix in prefixes:
        q |= subtree_q(prefix, field)
    return qs.filter(q)


def scoped_get(qs, *, user, pk, field: str = "unit_path"):
    """The one access rule of a row that belongs to a unit: the row with this `pk` when its `field` path
    lies in the user's area, else 404 (unknown and outside look the same). Each app's `<entity>_get`
    selector calls this, so an API endpoint and a page load the object the same way."""
    obj = scope_filter(qs, user, field).filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def require_scope(user, path: str, capability: str = "read") -> None:
    """Raise NotFound when `path` is outside the user's area, Forbidden when the role may not act.

    `user=None` is the system itself (demo builder, sweeps, background tasks), which may act
    everywhere; views and endpoints always pass `request.user`, never None.
    """
    if user is None:
        return
    if not path_within(path, scope_prefixes(user)):
        raise NotFound()
    if not path_within(path, scope_prefixes(user, capability)):
        raise Forbidden()


def require_scope_all(user, paths, capability: str = "read") -> None:
    """`require_scope` for each of `paths` (a batch's rows): the first outside the area or the role refuses."""
    for path in paths:
        require_scope(user, path, capability)


def user_can(user, path: str, capability: str) -> bool:
    if user is None:
        return True
    return path_within(path, scope_prefixes(user, capability))
