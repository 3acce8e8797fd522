from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from jiceng.core.scope import user_grants

# (url name, label). Apps add their pages here; missing routes are skipped.
NAV = [
    ("orgs:home", _("Units")),
    ("people:list", _("People")),
    ("network:map", _("Map")),
    ("cases:desk", _("Cases")),
    ("mobilize:home", _("Mobilization")),
    ("meetings:home", _("Meetings")),
    ("projects:home", _("Projects")),
    ("workforce:home", _("Workforce")),
    ("stations:map", _("Service positions")),
    ("funds:home", _("Funds")),
    ("neworgs:home", _("New organizations")),
    ("consult:home", _("Asking the people")),
    ("cockpit:home", _("Cockpit")),
]


def navigation(request):
    items = []
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        for name, label in NAV:
            try:
                items.append({"url": reverse(name), "label": label, "name": name})
            except NoReverseMatch:
                continue
        grants = user_grants(request.user)
    else:
        grants = []
    return {"nav_items": items, "user_grants": grants}
