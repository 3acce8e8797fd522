import functools

from django.urls import NoReverseMatch, reverse

from jiceng.core.discovery import app_modules
from jiceng.core.scope import user_grants


@functools.cache
def nav_entries() -> tuple:
    """(url name, label) of every app's nav bar entry, in their order: each app's urls.py declares
    `NAV = [(order, url name, label)]`, so a new app adds its entry without editing a central list."""
    entries = [entry for _cfg, module in app_modules("urls") for entry in getattr(module, "NAV", ())]
    return tuple((name, label) for _order, name, label in sorted(entries, key=lambda e: e[0]))


def navigation(request):
    items = []
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        for name, label in nav_entries():
            try:
                items.append({"url": reverse(name), "label": label, "name": name})
            except NoReverseMatch:
                continue
        grants = user_grants(request.user)
    else:
        grants = []
    return {"nav_items": items, "user_grants": grants}
