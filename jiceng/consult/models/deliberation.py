"""Deliberation on record (D2) 协商议事: a matter opened by the community or the compound branch, the
parties invited, sessions with attendance and minutes, proposals from the parties, one decision (by
consensus or a recorded vote of the parties' representatives) and follow-up actions. The actions are the
joint meetings' action items (`meetings.ActionItem`, source "consult.matter"), not a second kind."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MatterKind(models.TextChoices):
    DISPUTE = "dispute", _("Dispute")
    COMPOUND_PROBLEM = "compound_problem", _("Compound problem")
    CASE = "case", _("Case reported up")
    RESOLUTION = "resolution", _("Joint meeting resolution")


class MatterStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DECIDED = "decided", _("Decided")


class Matter(models.Model):
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")  # community or compound
    unit_path = models.CharField(max_length=255, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=MatterKind.choices)
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    resolution = models.ForeignKey("meetings.Resolution", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    status = models.CharField(_("status"), max_length=8, choices=MatterStatus.choices, default=MatterStatus.OPEN)
    opened_on = models.DateField(_("opened on"))
    decide_by = models.DateField(_("decide by"), db_index=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("deliberation matter")
        verbose_name_plural = _("deliberation matters")
        indexes = [models.Index(fields=["status", "decide_by"], name="matter_status_due")]

    def __str__(self):
        return self.title


class PartyKind(models.TextChoices):
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    PROPERTY_COMPANY = "property_company", _("Property company")
    RESIDENTS = "residents", _("Residents' representatives")
    DEPARTMENT = "department", _("Department")
    OTHER = "other", _("Other")


class MatterParty(models.Model):
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="parties")
    unit_path = models.CharField(max_length=255, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=PartyKind.choices)
    name = models.CharField(_("name"), max_length=120)
    owners_committee = models.ForeignKey("consult.OwnersCommittee", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    property_company = models.ForeignKey("consult.PropertyCompany", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("invited party")
        verbose_name_plural = _("invited parties")
        ordering = ["id"]

    def __str__(self):
        return self.name


class MatterSession(models.Model):
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="sessions")
    unit_path = models.CharField(max_length=255, db_index=True)
    held_on = models.DateField(_("held on"))
    minutes = models.TextField(_("minutes"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("deliberation session")
        verbose_name_plural = _("deliberation sessions")
        ordering = ["held_on", "id"]

    def __str__(self):
        return f"{self.matter_id} {self.held_on}"


class SessionAttendance(models.Model):
    """Who represented an invited party at a session (by name; a registered person when known)."""

    session = models.ForeignKey(MatterSession, on_delete=models.CASCADE, related_name="attendance")
    unit_path = models.CharField(max_length=255, db_index=True)
    party = models.ForeignKey(MatterParty, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


class MatterProposal(models.Model):
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="proposals")
    unit_path = models.CharField(max_length=255, db_index=True)
    party = models.ForeignKey(MatterParty, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("proposal"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.text[:40]


class DecisionMethod(models.TextChoices):
    CONSENSUS = "consensus", _("By consensus")
    VOTE = "vote", _("By a vote of the parties' representatives")


class MatterDecision(models.Model):
    matter = models.OneToOneField(Matter, on_delete=models.CASCADE, related_name="decision")
    unit_path = models.CharField(max_length=255, db_index=True)
    session = models.ForeignKey(MatterSession, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("method"), max_length=10, choices=DecisionMethod.choices)
    text = models.TextField(_("decision"))
    votes_for = models.PositiveSmallIntegerField(null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(null=True, blank=True)
    abstentions = models.PositiveSmallIntegerField(null=True, blank=True)
    public = models.BooleanField(_("published on the compound's public page"), default=False)
    decided_on = models.DateField(_("decided on"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return self.text[:40]
