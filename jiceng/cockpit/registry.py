"""Cockpit figures: each app's `figures.py` defines `figures(unit, *, today) -> dict`.

A figure whose capability is not built yet is absent, never zero or invented.
"""

import datetime

from django.utils import timezone

from jiceng.core.discovery import app_modules


def compute_figures(unit, *, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    out = {}
    for _cfg, module in app_modules("figures"):
        out.update(module.figures(unit, today=today))
    return out
