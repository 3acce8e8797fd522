"""Proposal rounds: residents submit proposals, others support them; the best become livelihood projects
(funds.LivelihoodProject, source "proposal") or options on a participatory-budget ballot."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiceng.consult.models.surveys import Consultation


class ProposalRound(Consultation):
    class Meta:
        verbose_name = _("proposal round")
        verbose_name_plural = _("proposal rounds")


class Proposal(models.Model):
    round = models.ForeignKey(ProposalRound, on_delete=models.CASCADE, related_name="proposals")
    unit_path = models.CharField(max_length=255, db_index=True)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("proposal"), blank=True)
    estimated_cost = models.DecimalField(_("estimated cost"), max_digits=14, decimal_places=2, null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    supports = models.PositiveIntegerField(_("supports"), default=0)
    project = models.ForeignKey("funds.LivelihoodProject", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self):
        return self.title


class ProposalSupport(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="support_once_per_user")]

    def __str__(self):
        return f"{self.proposal_id}"
