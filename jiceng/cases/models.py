"""Cases (B1–B9): categories, the case with its workflow state, timeline, whistles to departments,
idempotency and throttling records, and the monthly rollup that
keeps the measures fast."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiceng.cases.states import FINAL_STATUSES, LEVEL_ORDER, LEVEL_UP, OPEN_STATUSES, Level, Rating, Status
from jiceng.cases.workflow import step_label
from jiceng.core.models import SmsCodeRecord
from jiceng.core.supervision import cards_about, kinds_register
from jiceng.network.models import DEFAULT_LINES as LINES  # the business lines (条线): one list, network's

__all__ = ["FINAL_STATUSES", "LEVEL_ORDER", "LEVEL_UP", "OPEN_STATUSES", "Level", "Rating", "Status"]  # re-exported


class DeadlineKind(models.TextChoices):
    CALENDAR = "calendar", _("Calendar hours")
    WORKING = "working", _("Working hours")


class Category(models.Model):
    """A node of the category tree (GB/T 30428.2 spirit plus social governance)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=80)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    group = models.CharField(_("group"), max_length=16, blank=True)  # event / component / social
    default_level = models.CharField(_("default handling level"), max_length=16, choices=Level.choices,
                                     default=Level.GRID)
    deadline_hours = models.PositiveIntegerField(_("deadline (hours)"), default=72)
    deadline_kind = models.CharField(_("deadline counted in"), max_length=16, choices=DeadlineKind.choices,
                                     default=DeadlineKind.CALENDAR)
    response_hours = models.PositiveIntegerField(_("response limit (hours)"), default=24)
    business_line = models.CharField(_("responsible line"), max_length=16, choices=LINES,
                                     default="governance")
    active = models.BooleanField(default=True)
    # Cases of a publishable category may be published (Open311, public pages) when they came through a
    # public channel with the reporter's consent; disputes, safety hazards, personal help never are.
    publishable = models.BooleanField(_("publishable"), default=False)

    class Meta:
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def is_leaf(self) -> bool:
        return self.parent_id is not None


class Holiday(models.Model):
    """A day that differs from the Monday–Friday rule: a holiday (workday=False) or a make-up workday."""

    date = models.DateField(unique=True)
    workday = models.BooleanField(default=False)
    name = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self):
        return str(self.date)


class Department(models.Model):
    """A functional department that a street (or higher) can whistle to (吹哨)."""

    name = models.CharField(_("name"), max_length=80)
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    business_line = models.CharField(_("line"), max_length=16, choices=LINES)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class Source(models.TextChoices):
    PHONE = "phone", _("Resident phone page")
    PATROL = "patrol", _("Grid patrol")
    HOTLINE = "hotline", _("Hotline")
    API = "api", _("REST API")
    OPEN311 = "open311", _("Open311")
    IMPORT = "import", _("Bulk import")


# Channels whose reports may be published (with the reporter's consent and a publishable category):
# the residents' phone page and Open311 clients. Hotline, patrol, API and import cases never are.
PUBLIC_SOURCES = (Source.PHONE, Source.OPEN311)

PENDING_LABELS = {"suspend": _("Suspend the case"), "extend": _("Extend the deadline"), "void": _("Void the case")}


class Case(models.Model):
    code = models.CharField(_("case code"), max_length=16, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    version = models.PositiveIntegerField(default=1)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    description = models.TextField(_("description"), max_length=4000)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    # The grid where the case lies (scope: that grid and every unit above it see the case).
    grid = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    # The unit that holds the case now (grid, community, street, county, city).
    handler = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    handler_path = models.CharField(max_length=255, db_index=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.GRID)
    # The department the case was dispatched to (派遣), if any; the handling unit keeps the case.
    department = models.ForeignKey("Department", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="dispatched_cases", verbose_name=_("dispatched to department"))
    # Reporter: never shown in full; phone encrypted like every personal number.
    anonymous = models.BooleanField(default=False)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    reporter_name = models.CharField(max_length=60, blank=True)
    reporter_phone_enc = models.TextField(blank=True, editable=False)
    reporter_phone_masked = models.CharField(max_length=20, blank=True, editable=False)
    reporter_email_enc = models.TextField(blank=True, editable=False)
    idempotency_key = models.CharField(max_length=140, null=True, blank=True, unique=True)
    received_at = models.DateTimeField(db_index=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_on_time = models.BooleanField(default=False)
    handled_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    deadline_at = models.DateTimeField(null=True, blank=True)
    warn_at = models.DateTimeField(null=True, blank=True)
    warned = models.BooleanField(default=False)
    overdue = models.BooleanField(default=False)  # missed a deadline at least once
    closed_on_time = models.BooleanField(default=False)
    escalations = models.PositiveSmallIntegerField(default=0)
    reworks = models.PositiveSmallIntegerField(default=0)
    reopened = models.BooleanField(default=False)
    settled_level = models.CharField(max_length=16, choices=Level.choices, blank=True)
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="merged_cases")
    # A pending suspend / extend / void request, waiting for the level above.
    pending_action = models.CharField(max_length=16, blank=True)
    pending_reason = models.CharField(max_length=400, blank=True)
    pending_hours = models.PositiveIntegerField(default=0)
    service_request_token = models.CharField(max_length=40, blank=True, db_index=True)
    # The reporter agreed that the report (never their name or contact) is published.
    publish_consent = models.BooleanField(_("may be published"), default=False)
    # The reporter's follow secret (shown once at intake), as its keyed hash: rating and reopening need it.
    follow_secret_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["unit_path", "received_at"], name="case_path_received"),
            models.Index(fields=["handler_path", "status"], name="case_handler_status"),
            models.Index(fields=["status", "deadline_at"], name="case_status_deadline"),
            models.Index(fields=["status", "warn_at"], name="case_status_warn"),
            models.Index(fields=["category", "received_at"], name="case_category_received"),
            # The open cases (a few percent of a year's): desk, queue and map read them through this, never
            # the closed ones, so a city's desk costs what its open work is, not its history.
            models.Index(fields=["status", "deadline_at"], name="case_open_status_deadline",
                         condition=models.Q(status__in=["received", "registered", "dispatched", "in_progress",
                                                        "handled", "verified", "rework", "suspended"])),
        ]

    def __str__(self):
        return self.code

    @property
    def pending_label(self) -> str:
        """What the handler asked the level above for, in words."""
        return str(PENDING_LABELS.get(self.pending_action, self.pending_action))

    @property
    def cards(self):
        """The supervision cards raised on this case (core cards about it)."""
        return cards_about(subject_type=CARD_SUBJECT, subject_ids=[self.pk], kinds=[CARD_KIND])

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def is_public(self) -> bool:
        """Published (Open311 without a key, public pages): see `public_q`."""
        return bool(self.publish_consent and self.source in PUBLIC_SOURCES and self.category.publishable)


def public_q(prefix: str = ""):
    """The published cases, as a filter (`prefix` for a relation, e.g. "case__")."""
    return models.Q(**{f"{prefix}publish_consent": True, f"{prefix}source__in": list(PUBLIC_SOURCES),
                       f"{prefix}category__publishable": True})


class CaseEvent(models.Model):
    """One step on the case timeline (the audit log holds the tamper-evident copy)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=24)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    handler_path = models.CharField(max_length=255, blank=True)
    comment = models.CharField(max_length=2000, blank=True)
    public = models.BooleanField(default=True)  # shown on the reporter's follow page

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case_at")]

    def __str__(self):
        return f"{self.case_id} {self.action}"

    @property
    def action_label(self) -> str:
        return step_label(self.action)

    @property
    def status_label(self) -> str:
        return str(Status(self.to_status).label) if self.to_status in Status.values else self.to_status


def attachment_path(instance, filename):
    return f"cases/{instance.case.code}/{instance.event_id or 'intake'}-{filename[-60:]}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.file.name


class Whistle(models.Model):
    """A street (or higher) calls a department to a case (吹哨); the department reports in (报到)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="whistles")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="whistles")
    unit_path = models.CharField(max_length=255, db_index=True)  # the calling unit
    called_at = models.DateTimeField()
    report_in_by = models.DateTimeField()
    reported_in_at = models.DateTimeField(null=True, blank=True)
    part = models.CharField(_("part in the joint handling"), max_length=2000, blank=True)
    handled_on_time = models.BooleanField(null=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)  # 1–5 by the street

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "department"], name="whistle_case_department")]

    def __str__(self):
        return f"{self.case_id} → {self.department_id}"


# A case that misses its deadline gets a supervision card (督办单), held by the level above its handler:
# a core card (jiceng.core.supervision) about the subject ("cases.case", pk), its data the handler's path.
CARD_KIND = "case_overdue"
CARD_SUBJECT = "cases.case"
kinds_register([(CARD_KIND, _("Case past its deadline"))])


class PhoneCheck(SmsCodeRecord):
    """One SMS code sent to a reporter's mobile number before a public report (optional check,
    JICENG_INTAKE_SMS_CHECK). Neither the number nor the code is stored: the number as its keyed
    lookup hash, the code as a hash bound to that number. A code is good for 10 minutes, five tries
    and one report."""

    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["phone_hash", "created_at"], name="phonecheck_phone_at"),
                   models.Index(fields=["address", "created_at"], name="phonecheck_addr_at")]

    def __str__(self):
        return f"{self.phone_hash[:8]}… {self.created_at:%Y-%m-%d %H:%M}"


class Open311Key(models.Model):
    """An Open311 client's api_key (stored as its hash, shown once at creation). It reads in full the
    cases inside its jurisdiction unit and posts requests located there; without a key, only published
    cases are seen."""

    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("key begins with"), max_length=8, blank=True)
    name = models.CharField(_("name"), max_length=80)
    unit = models.ForeignKey("orgs.Unit", null=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("jurisdiction"))
    unit_path = models.CharField(max_length=255, db_index=True, default="/")
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 key")
        verbose_name_plural = _("Open311 keys")

    def __str__(self):
        return self.name


class ThrottleCount(models.Model):
    """Requests counted per key (a user, a destination number, a client address …) and fixed window.
    One conditional upsert per request (`jiceng.cases.throttle.throttle_take`) keeps the count exact
    under concurrent requests: the row lock serialises them and the condition refuses the one too many."""

    key = models.CharField(max_length=120)
    window = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="throttle_key_window")]
        indexes = [models.Index(fields=["window"], name="throttle_window")]

    def __str__(self):
        return f"{self.key} {self.window:%Y-%m-%d %H:%M} {self.count}"


class Rollup(models.Model):
    """Counters per grid and month of receipt, kept current in the same transaction as case writes."""

    unit_path = models.CharField(max_length=255)
    month = models.DateField()
    received = models.IntegerField(default=0)
    responded = models.IntegerField(default=0)  # responded within the category's response limit
    accepted = models.IntegerField(default=0)  # received minus rejected, voided and merged
    closed = models.IntegerField(default=0)
    closed_on_time = models.IntegerField(default=0)
    rework = models.IntegerField(default=0)  # closed cases that were returned for rework at least once
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    basic = models.IntegerField(default=0)
    settled_grid = models.IntegerField(default=0)
    settled_community = models.IntegerField(default=0)  # at community level or below

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit_path", "month"], name="rollup_path_month")]
        indexes = [models.Index(fields=["month", "unit_path"], name="rollup_month_path")]


    def __str__(self):
        return f"{self.unit_path} {self.month}"


ROLLUP_FIELDS = ["received", "responded", "accepted", "closed", "closed_on_time", "rework", "rated",
                 "satisfied", "basic", "settled_grid", "settled_community"]
