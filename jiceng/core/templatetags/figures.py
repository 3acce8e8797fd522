"""Template filters for figures: `{% load figures %}` then `{{ rate|percent }}` → "95.2%" ("—" when
there is nothing to measure)."""

from django import template

register = template.Library()


@register.filter
def percent(value, digits: int = 1) -> str:
    if value is None or value == "":
        return "—"
    try:
        return f"{float(value) * 100:.{int(digits)}f}%"
    except (TypeError, ValueError):
        return str(value)
