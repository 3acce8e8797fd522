import functools

from django.urls import NoReverseMatch, reverse

from jiceng.core.discovery import app_modules
from jiceng.core.roles import LANDING, Role, role_can
from jiceng.core.scope import user_grants


@functools.cache
def nav_entries() -> tuple:
    """(url name, label, need) of every app's nav bar entries, in their order: each app's urls.py declares
    `NAV = [(order, url name, label[, need])]`, so a new app adds its entry without editing a central list.
    `need` (optional) is a capability or an audience of jiceng/core/roles.py: the entry is shown to a user
    holding a grant whose role `role_can` it (no need: every signed-in user)."""
    entries = [entry for _cfg, module in app_modules("urls") for entry in getattr(module, "NAV", ())]
    out = []
    for entry in sorted(entries, key=lambda e: e[0]):
        _order, name, label, *rest = entry
        need = rest[0] if rest else None
        role_can(Role.RESIDENT, need)  # an unknown capability or audience fails at the first page, not silently
        out.append((name, label, need))
    return tuple(out)


def nav_for(user) -> list[dict]:
    """The menu entries a user's roles use: {url, label, name}."""
    roles = {grant.role for grant in user_grants(user)}
    items = []
    for name, label, need in nav_entries():
        if need is not None and not any(role_can(role, need) for role in roles):
            continue
        try:
            items.append({"url": reverse(name), "label": label, "name": name})
        except NoReverseMatch:
            continue
    return items


def landing_url(user) -> str | None:
    """Where a user lands after login and at `/`: the LANDING page of the user's foremost role (the order of
    Role: the widest first); None without a grant."""
    roles = {grant.role for grant in user_grants(user)}
    for role in Role:
        if role in roles and role in LANDING:
            try:
                return reverse(LANDING[role])
            except NoReverseMatch:
                continue
    return None


def navigation(request):
    items = []
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        items = nav_for(request.user)
        grants = user_grants(request.user)
    else:
        grants = []
    return {"nav_items": items, "user_grants": grants}
