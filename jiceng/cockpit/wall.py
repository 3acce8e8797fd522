"""The wall display (大屏, H1; issue 18 item 11): headline figures, the latest cases and the open supervision
cards of a unit and everything under it, for a dark screen seen from three metres.

Nothing personal reaches a wall: a case shows its code, category, grid, status and time (never its
description, address, reporter or phone); a card its kind, holder unit and deadline. `wall_data` is what
the page draws first and what `/cockpit/wall/data` answers every 30 seconds (a fixed number of queries).
"""

import datetime

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from jiceng.cases import figures as case_figures
from jiceng.cases.selectors import cases_in_scope
from jiceng.cases.states import OPEN_STATUSES, Status
from jiceng.core.models import CARD_KIND_LABELS
from jiceng.core.scope import require_scope
from jiceng.core.supervision import cards_under, kind_label

LIST_ROWS = 12
STATUS_LABELS = dict(Status.choices)


def wall_allowed(*, user, unit) -> None:
    """The wall is for the staff of the unit (write on it): 404 outside the user's area, 403 for a resident or
    a party member inside it."""
    require_scope(user, unit.path, "write")


def _count(n: int) -> str:
    return number_format(n, force_grouping=True)


def _rate(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def wall_data(*, user, unit, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    now = timezone.localtime()
    start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    figures = case_figures.figures(unit, today=today)
    in_scope = cases_in_scope(user=user, unit=unit)
    cards = cards_under(user=user, unit=unit, kinds=list(CARD_KIND_LABELS))
    tiles = [
        ("cases_today", _("Cases received today"), _count(in_scope.filter(received_at__gte=start_of_day).count())),
        ("cases_received_year", _("Cases received this year"), _count(figures.get("cases_received_year") or 0)),
        ("cases_open", _("Cases being handled"), _count(in_scope.filter(status__in=OPEN_STATUSES).count())),
        ("cards_open", _("Open supervision cards"), _count(cards.count())),
    ] + [(key, label, _rate(figures.get(key))) for key, label in (
        ("response_rate", _("Response rate")), ("resolution_rate", _("Resolution rate")),
        ("satisfaction_rate", _("Satisfaction rate")), ("on_time_closure_rate", _("On-time closure rate")))]
    latest = [{"code": c.code, "category": c.category.name, "grid": c.grid.name,
               "status": str(STATUS_LABELS.get(c.status, c.status)), "late": bool(c.overdue),
               "at": timezone.localtime(c.received_at).strftime("%m-%d %H:%M")}
              for c in in_scope.only("code", "status", "overdue", "received_at", "category__name", "grid__name",
                                     "handler__name")[:LIST_ROWS]]
    open_cards = [{"kind": str(kind_label(c.kind)), "title": c.title, "unit": c.unit.name,
                   "deadline": c.deadline.isoformat() if c.deadline else "",
                   "late": bool(c.deadline and c.deadline < today)}
                  for c in cards.select_related("unit").only("kind", "title", "deadline", "raised_at", "unit__name")
                  .order_by("-raised_at", "-id")[:LIST_ROWS]]
    return {"as_of": now.strftime("%Y-%m-%d %H:%M:%S"),
            "figures": [{"key": k, "label": str(label), "value": v} for k, label, v in tiles],
            "cases": latest, "cards": open_cards}

