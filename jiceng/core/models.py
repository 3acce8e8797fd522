from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Append-only, hash-chained record of every write (database triggers refuse UPDATE/DELETE)."""

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64, blank=True)
    unit_path = models.CharField(max_length=255, blank=True, db_index=True)
    changes = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    unit_path_is_historic = True  # a unit move does not rewrite the past

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The chain's head; locked by each writer so the chain has one order."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)


class SmsCodeRecord(models.Model):
    """The columns of an SMS code sent to a mobile number (the public report check of cases, the ballot
    code of consult): the number as its keyed lookup hash and the code as a hash bound to it, never
    either in the clear; the client address for throttling; when it was sent and until when it is good;
    the wrong tries so far. An abstract base: each use keeps its own table and adds how a code is used up."""

    phone_hash = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    address = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True


# kind -> label of every supervision card kind, filled by the apps that raise them
# (`jiceng.core.supervision.kinds_register`, called from their models modules).
CARD_KIND_LABELS: dict = {}


class SupervisionCard(models.Model):
    """One card for every 督办 the platform raises (`jiceng.core.supervision` raises and resolves them):
    a 督办单 on a case that missed its deadline (cases), a 督办提示卡 on a missed milestone, a project
    behind schedule, a joint meeting due or missed, an overdue action item (projects, meetings), a
    督促提醒函 to a county short of the fund standards (funds).

    A card is held by a unit (`unit`, `unit_path`: seen by that unit and the levels above it) and is about
    a generic subject (`subject_type` "app.model" or "app.concept", `subject_id`), never a foreign key to
    the app above core that raised it. `open_key` is set while an exclusive card is open, so that at most
    one such card per (kind, subject) is open at a time, whatever the number of sweepers."""

    kind = models.CharField(_("kind"), max_length=32, db_index=True)
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")  # the holder
    unit_path = models.CharField(max_length=255, db_index=True)
    subject_type = models.CharField(max_length=40)
    subject_id = models.CharField(max_length=40)
    title = models.CharField(_("title"), max_length=240, blank=True)
    body = models.TextField(_("letter"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)  # by when the holder must act
    missed_deadline = models.DateTimeField(null=True, blank=True)  # the subject's deadline whose breach raised it
    data = models.JSONField(default=dict, blank=True)  # facts of the kind (a case's handler path, a year …)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    raised_at = models.DateTimeField(db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    open_key = models.CharField(max_length=120, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("supervision card")
        verbose_name_plural = _("supervision cards")
        indexes = [models.Index(fields=["unit_path", "resolved_at"], name="supervisioncard_path_open"),
                   models.Index(fields=["subject_type", "subject_id"], name="supervisioncard_subject")]

    def __str__(self):
        return self.title or f"{self.kind} {self.subject_type}:{self.subject_id}"

    def get_kind_display(self):
        return CARD_KIND_LABELS.get(self.kind, self.kind)


class Notification(models.Model):
    """An in-app notification (H4), for a user or for a whole unit's desk (`unit_path`); other channels
    leave no row besides the delivery log. Its subject is generic (the app that raised it names the
    type, id, a label and a link), so core points at no app above it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="notifications")
    unit_path = models.CharField(max_length=255, blank=True, db_index=True)
    subject_type = models.CharField(max_length=40, blank=True)
    subject_id = models.CharField(max_length=40, blank=True)
    subject_label = models.CharField(max_length=80, blank=True)
    link = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=32)
    text = models.CharField(max_length=400)
    # The idempotency key of the message (see core/notify.py): a second delivery of the same message
    # to the same recipient is dropped by the two partial unique constraints below.
    key = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="notification_subject")]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_user_key",
                                    condition=models.Q(user__isnull=False) & ~models.Q(key="")),
            models.UniqueConstraint(fields=["unit_path", "key"], name="notification_desk_key",
                                    condition=models.Q(user__isnull=True) & ~models.Q(key="")),
        ]

    def __str__(self):
        return self.text[:40]


class NotificationDelivery(models.Model):
    """One outward delivery (e-mail, SMS, webhook) of one message: a task run twice (a retried worker,
    a duplicate enqueue) finds its row and sends nothing the second time."""

    key = models.CharField(max_length=80)
    channel = models.CharField(max_length=16)
    status = models.CharField(max_length=40)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "channel"], name="delivery_once")]


class NotificationSetting(models.Model):
    """A user's choice of outward channels and quiet hours (H4). Without a row: every channel, no quiet
    hours. In-app notifications always arrive; urgent ones (a wartime call) ignore the quiet hours."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_setting")
    sms = models.BooleanField(_("by SMS"), default=True)
    email = models.BooleanField(_("by e-mail"), default=True)
    quiet_start = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet until"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return str(self.user_id)
