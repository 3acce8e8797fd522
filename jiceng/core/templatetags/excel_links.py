"""`{% excel_links "needs,resources" unit %}`: a list page's export (and import) links for its registries."""

from django import template

from jiceng.core.excel import registries

register = template.Library()


@register.inclusion_tag("core/_excel_links.html")
def excel_links(names: str, unit):
    found = registries()
    return {"unit": unit, "links": [found[n] for n in names.split(",") if n in found]}
