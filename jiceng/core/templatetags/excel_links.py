"""`{% excel_links "needs,resources" unit %}`: a list page's export (and import) links for its registries,
only for those who work with registers (staff and party members, not residents) and only those they may
use on the unit (export: the registry's read capability; import: the registry's capability)."""

from django import template

from jiceng.core.excel import registries
from jiceng.core.roles import role_can
from jiceng.core.scope import scope_prefixes, user_grants

register = template.Library()


def _holds(user, path: str, capability: str) -> bool:
    return any(path.startswith(prefix) for prefix in scope_prefixes(user, capability))


def _keeps_registers(user, path: str) -> bool:
    return any(path.startswith(g.unit_path) and (role_can(g.role, "staff") or role_can(g.role, "party_members"))
               for g in user_grants(user))


@register.inclusion_tag("core/_excel_links.html", takes_context=True)
def excel_links(context, names: str, unit):
    found = registries()
    user = getattr(context.get("request"), "user", None) or context.get("user")
    links = []
    if unit is not None and user is not None and _keeps_registers(user, unit.path):
        for name in names.split(","):
            if name in found and _holds(user, unit.path, found[name].read_capability):
                registry = found[name]
                links.append({"name": registry.name, "title": registry.title,
                              "imports": registry.imports and _holds(user, unit.path, registry.capability)})
    return {"unit": unit, "links": links}
