"""The states of a case: handling levels and workflow statuses. Both the models and the workflow table
(`cases/workflow.py`) import them from here, so neither imports the other's module to know a status."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """The handling level of a case: the kind of the unit that holds it."""

    GRID = "grid", _("Grid")
    COMMUNITY = "community", _("Community")
    STREET = "street", _("Street")
    COUNTY = "county", _("County / district")
    CITY = "city", _("City")


LEVEL_ORDER = [lv.value for lv in Level]
LEVEL_UP = dict(zip(LEVEL_ORDER[:-1], LEVEL_ORDER[1:], strict=True))


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    REGISTERED = "registered", _("Registered")
    DISPATCHED = "dispatched", _("Dispatched")
    IN_PROGRESS = "in_progress", _("In progress")
    HANDLED = "handled", _("Handled")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    REWORK = "rework", _("Returned for rework")
    SUSPENDED = "suspended", _("Suspended")
    VOIDED = "voided", _("Voided")
    MERGED = "merged", _("Merged")


FINAL_STATUSES = {Status.CLOSED, Status.REJECTED, Status.VOIDED, Status.MERGED}
OPEN_STATUSES = [s.value for s in Status if s not in FINAL_STATUSES]


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    NOT = "not", _("Not satisfied")
