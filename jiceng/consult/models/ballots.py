"""Participatory-budget ballots (as Decidim's budgets component): each household picks projects up to
the budget; the winners are taken by votes until the money runs out.

The ballot is secret. Two tables, never joined:
- `BallotParticipation` says that a household voted (and how: SMS code or a paper ballot recorded by a
  grid worker). It has no link to what was chosen.
- `BallotPaper` holds what one voter chose. It has no household, no user, no time, and a random UUID key,
  so neither its key nor any column orders or dates it against the participations.
The vote's audit event names the ballot and the method only (never the household or the paper).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiceng.core.models import SmsCodeRecord


class BallotStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Ballot(models.Model):
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2)
    status = models.CharField(_("status"), max_length=8, choices=BallotStatus.choices, default="draft")
    closes_at = models.DateTimeField(_("closes at"))
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)  # frozen at close
    published = models.BooleanField(_("published"), default=False)
    proposal_round = models.ForeignKey("consult.ProposalRound", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="ballots")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self):
        return self.title


class BallotOption(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="options")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    cost = models.DecimalField(_("cost"), max_digits=14, decimal_places=2)
    proposal = models.ForeignKey("consult.Proposal", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    project = models.ForeignKey("funds.LivelihoodProject", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")  # the livelihood project a winner became

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.title


class ParticipationMethod(models.TextChoices):
    SMS = "sms", _("SMS code")
    PAPER = "paper", _("Paper ballot")


class BallotParticipation(models.Model):
    """That a household voted: no choice, no time."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    method = models.CharField(max_length=8, choices=ParticipationMethod.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_by_name = models.CharField(max_length=60, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "household"], name="one_vote_per_household")]

    def __str__(self):
        return f"{self.ballot_id}: {self.household_id}"


class BallotPaper(models.Model):
    """What one voter chose: the option ids, sorted, comma-separated. No household, no time, random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="+")
    choices = models.CharField(max_length=400)

    def __str__(self):
        return str(self.ballot_id)


class VoteCode(SmsCodeRecord):
    """An SMS code sent to the phone registered on a household, good for one vote on one ballot for 10
    minutes and five tries. Neither the number nor the code is stored (keyed hashes only)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    used = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["ballot", "phone_hash"], name="votecode_ballot_phone"),
                   models.Index(fields=["address", "created_at"], name="votecode_addr_at")]

    def __str__(self):
        return f"{self.ballot_id} {self.phone_hash[:8]}…"
