"""Cockpit figures: each app's `figures.py` defines `figures(unit, *, today) -> dict`.

A figure whose capability is not built yet is absent, never zero or invented.

The figures of a unit are the same for everyone who may read that unit (the caller's scope is checked
before, by `unit_or_top`), and every app's figures for it take some thirty queries over the rollups. The
cockpit, the wall displays (which reload every minute) and the API readers of a city ask for the same few
units again and again, so the figures of a unit are kept in Django's cache for
JICENG_COCKPIT_CACHE_SECONDS (default 60; 0 turns it off), and the cost of the cockpit no longer grows with
the number of people looking at it (issue 17, measured in docs/scaling.md). The figures stay live: the key
carries the sequence number of the newest audit event, and every write of the platform writes one (in
every process's cache, since the number comes from the database), so a recruited worker or a raised budget
shows at the next look; only what moves with the clock alone (a deadline passing) waits out the period.
The cache is each process's memory unless CACHES names a shared one.
"""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from jiceng.core.discovery import app_modules
from jiceng.core.models import AuditEvent


def _compute(unit, today: datetime.date) -> dict:
    out = {}
    for _cfg, module in app_modules("figures"):
        out.update(module.figures(unit, today=today))
    return out


def compute_figures(unit, *, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    seconds = getattr(settings, "JICENG_COCKPIT_CACHE_SECONDS", 60)
    if not seconds:
        return _compute(unit, today)
    last_write = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    key = f"cockpit:figures:{unit.path}:{today.isoformat()}:{last_write}"
    out = cache.get(key)
    if out is None:
        out = _compute(unit, today)
        cache.set(key, out, seconds)
    return out
