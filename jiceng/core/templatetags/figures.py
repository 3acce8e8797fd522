"""Template filters for figures, one rule each, used wherever a page shows a number (`{% load figures %}`):

- `{{ n|num }}` → "12,345" (thousands separated; `{{ x|num:2 }}` → "1,234.57"); "—" for nothing.
- `{{ rate|percent }}` → "95.2%" for a share 0–1 (`{{ progress|percent:"100" }}` for a value already in
  percent): one decimal at most, a whole number without ".0"; "—" when there is nothing to measure.
- `{{ s|score:5 }}` → "3.7 分（满分 5）": every score with its scale.
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext as _

register = template.Library()

NOTHING = "—"


def _number(value):
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def format_number(value, digits: int | None = None) -> str:
    """Thousands separated with ","; `digits` decimals (None: as many as the value has, for an integer none)."""
    d = _number(value)
    if d is None:
        return NOTHING if value is None or value == "" else str(value)
    if digits is None:
        digits = 0 if d == d.to_integral_value() else min(2, max(0, -d.as_tuple().exponent))
    return f"{d:,.{int(digits)}f}"


@register.filter
def num(value, digits=None) -> str:
    return format_number(value, None if digits in (None, "") else int(digits))


@register.filter
def percent(value, scale="1") -> str:
    d = _number(value)
    if d is None:
        return NOTHING if value is None or value == "" else str(value)
    if str(scale) != "100":
        d *= 100
    d = d.quantize(Decimal("0.1"))
    return f"{format_number(d, 0 if d == d.to_integral_value() else 1)}%"


@register.filter
def score(value, scale) -> str:
    d = _number(value)
    if d is None:
        return NOTHING
    return _("%(value)s points (of %(scale)s)") % {"value": format_number(d), "scale": format_number(scale)}
