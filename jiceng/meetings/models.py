"""Joint meetings (E1–E2): cadence systems per unit, the generated yearly schedule, meeting records,
attendance (with higher leaders at their contact points), resolutions and action items."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiceng.core.supervision import kinds_register


class MeetingCardKind(models.TextChoices):
    """Kinds of the supervision prompt cards joint meetings raise (core cards, jiceng.core.supervision)."""

    MEETING_MISSED = "meeting_missed", _("Joint meeting not held in its period")
    MEETING_DUE = "meeting_due", _("Joint meeting due")
    ACTION_OVERDUE = "action_overdue", _("Action item overdue")


kinds_register(MeetingCardKind.choices)


class Cadence(models.TextChoices):
    MONTH = "month", _("Every month")
    TWO_MONTHS = "two_months", _("Every two months")
    QUARTER = "quarter", _("Every quarter")
    HALF_YEAR = "half_year", _("Every half year")
    YEAR = "year", _("Every year")


# Months per period of each cadence.
CADENCE_MONTHS = {"month": 1, "two_months": 2, "quarter": 3, "half_year": 6, "year": 12}
# The default cadence of each level (E1): the street's is configurable, quarterly unless set.
DEFAULT_CADENCE = {"city": "half_year", "county": "quarter", "street": "quarter", "community": "month"}


class MeetingSystem(models.Model):
    """A unit's joint-meeting system 联席会议制度 (for a community: its big committee's monthly meeting)."""

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="meeting_systems")
    unit_path = models.CharField(max_length=255, db_index=True)
    level = models.CharField(_("level"), max_length=16)
    name = models.CharField(_("name"), max_length=120)
    cadence = models.CharField(_("cadence"), max_length=16, choices=Cadence.choices)
    # A meeting is quorate when at least this share of the members is present.
    quorum_share = models.FloatField(_("quorum share"), default=0.5)
    remind_days = models.PositiveSmallIntegerField(_("remind days before the period ends"), default=7)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("joint-meeting system")
        verbose_name_plural = _("joint-meeting systems")
        constraints = [models.UniqueConstraint(fields=["unit"], condition=models.Q(active=True),
                                               name="meetingsystem_one_active_per_unit")]

    def __str__(self):
        return self.name


class SystemMember(models.Model):
    """A member of the joint meeting (counts toward the quorum)."""

    system = models.ForeignKey(MeetingSystem, on_delete=models.CASCADE, related_name="members")
    unit_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField(_("name"), max_length=60)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    position = models.CharField(_("position"), max_length=80, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("joint-meeting member")
        verbose_name_plural = _("joint-meeting members")

    def __str__(self):
        return self.name


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("Open")
    HELD = "held", _("Held on time")
    MISSED = "missed", _("Missed")


class MeetingPeriod(models.Model):
    """One period of the generated schedule; a meeting inside it with a quorum makes it held on time."""

    system = models.ForeignKey(MeetingSystem, on_delete=models.CASCADE, related_name="periods")
    unit_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField(db_index=True)
    index = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=8, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    meeting = models.ForeignKey("Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reminded_at = models.DateTimeField(null=True, blank=True)
    missed_card_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("meeting period")
        verbose_name_plural = _("meeting periods")
        constraints = [models.UniqueConstraint(fields=["system", "year", "index"], name="meetingperiod_unique")]
        indexes = [models.Index(fields=["year", "unit_path"], name="meetingperiod_year_path")]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"


class Meeting(models.Model):
    system = models.ForeignKey(MeetingSystem, on_delete=models.PROTECT, related_name="meetings")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    held_on = models.DateField(_("held on"), db_index=True)
    title = models.CharField(_("title"), max_length=160)
    minutes = models.TextField(_("minutes"), blank=True)
    member_count = models.PositiveSmallIntegerField(default=0)
    present_count = models.PositiveSmallIntegerField(default=0)
    quorate = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")

    def __str__(self):
        return self.title


class AgendaItem(models.Model):
    """An agenda item, optionally linked to a case, need, project or task by a generic reference."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    unit_path = models.CharField(max_length=255, db_index=True)
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    ref_type = models.CharField(_("linked record type"), max_length=40, blank=True)  # "cases.case", …
    ref_id = models.CharField(_("linked record"), max_length=40, blank=True)

    class Meta:
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["ref_type", "ref_id"], name="agenda_ref")]

    def __str__(self):
        return self.title


class ContactPoint(models.Model):
    """联系点: a higher leader's contact point at a lower unit."""

    leader_name = models.CharField(_("leader"), max_length=60)
    leader = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    leader_unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="contact_points")
    unit_path = models.CharField(max_length=255, db_index=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")

    def __str__(self):
        return self.leader_name


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    unit_path = models.CharField(max_length=255, db_index=True)
    member = models.ForeignKey(SystemMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # At a street's or community's meeting while its big committee is in office, those due are the roster.
    roster_member = models.ForeignKey("orgs.PartTimeMember", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    contact_point = models.ForeignKey(ContactPoint, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="attendances")
    name = models.CharField(_("name"), max_length=60)
    # Present in person, or (with `deputy` set) represented by the deputy they sent; absent otherwise.
    present = models.BooleanField(default=True)
    deputy = models.CharField(_("deputy"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self):
        return self.name


class Resolution(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="resolutions")
    unit_path = models.CharField(max_length=255, db_index=True)
    text = models.TextField(_("resolution"))

    def __str__(self):
        return self.text[:40]


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class ActionItem(models.Model):
    """A follow-up action with an owner and a deadline: from a joint meeting's resolution, or from another
    record's decision (a deliberation's, `source_type` "consult.matter"), without a second kind of item."""

    resolution = models.ForeignKey(Resolution, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="actions")
    source_type = models.CharField(_("linked record type"), max_length=40, blank=True)
    source_id = models.CharField(_("linked record"), max_length=40, blank=True)
    unit_path = models.CharField(max_length=255, db_index=True)
    title = models.CharField(_("action"), max_length=200)
    owner_name = models.CharField(_("owner"), max_length=60)
    owner_unit = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(_("deadline"), db_index=True)
    status = models.CharField(max_length=8, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    done_on = models.DateField(null=True, blank=True)
    done_note = models.TextField(blank=True)
    overdue_card_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [models.Index(fields=["source_type", "source_id"], name="actionitem_source")]

    def __str__(self):
        return self.title


class MeetingNotice(models.Model):
    """会议通知: a joint meeting called ahead of its day. Those due that day (the big committee's roster, else
    the system's members) are invited; each answers on their phone; the held meeting recorded for that day
    is linked back, so its attendance can be compared with the answers."""

    system = models.ForeignKey(MeetingSystem, on_delete=models.PROTECT, related_name="notices")
    unit_path = models.CharField(max_length=255, db_index=True)
    planned_on = models.DateField(_("meeting day"), db_index=True)
    title = models.CharField(_("title"), max_length=160)
    place = models.CharField(_("place"), max_length=120, blank=True)
    # How many times the invitations went out (the first sending is round 1; a re-invitation adds one).
    rounds = models.PositiveSmallIntegerField(default=1)
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting notice")
        verbose_name_plural = _("meeting notices")

    def __str__(self):
        return self.title


class InvitationStatus(models.TextChoices):
    INVITED = "invited", _("Invited, no answer yet")
    ACCEPTED = "accepted", _("Will attend")
    DECLINED = "declined", _("Cannot attend")


class Invitation(models.Model):
    """One invitee of a meeting notice: a roster member (or system member), the account that answers, and
    the answer."""

    notice = models.ForeignKey(MeetingNotice, on_delete=models.CASCADE, related_name="invitations")
    unit_path = models.CharField(max_length=255, db_index=True)
    roster_member = models.ForeignKey("orgs.PartTimeMember", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    member = models.ForeignKey(SystemMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    # The invitee's account (through the member's person); without one the desk tells them another way.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="meeting_invitations")
    status = models.CharField(_("answer"), max_length=10, choices=InvitationStatus.choices,
                              default=InvitationStatus.INVITED)
    note = models.CharField(_("note"), max_length=200, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    invited_at = models.DateTimeField()
    times_invited = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = _("meeting invitation")
        verbose_name_plural = _("meeting invitations")
        indexes = [models.Index(fields=["user", "status"], name="invitation_user_status")]

    def __str__(self):
        return self.name
