"""Funds (G5): fund types and their yearly standards, budgets per unit, year and source, reminder letters
to counties that fall short, spending with vouchers, and livelihood projects from proposal to rating."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiceng.core.models import SupervisionCard
from jiceng.core.supervision import kinds_register


class FundLevel(models.TextChoices):
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")


class FundType(models.Model):
    """街道运转经费, 社区工作经费, 服务群众专项经费 and whatever the city adds."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    level = models.CharField(_("level"), max_length=12, choices=FundLevel.choices)
    default_minimum = models.DecimalField(_("default standard"), max_digits=14, decimal_places=2,
                                          default=Decimal("0"))
    builtin = models.BooleanField(default=False)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("fund type")
        verbose_name_plural = _("fund types")
        ordering = ["level", "id"]

    def __str__(self):
        return self.name


class FundStandard(models.Model):
    """The minimum a unit of the fund type's level should get in a year (the city sets it)."""

    year = models.PositiveSmallIntegerField(_("year"))
    fund_type = models.ForeignKey(FundType, on_delete=models.PROTECT, related_name="standards")
    minimum = models.DecimalField(_("minimum"), max_digits=14, decimal_places=2)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("fund standard")
        verbose_name_plural = _("fund standards")
        constraints = [models.UniqueConstraint(fields=["year", "fund_type"], name="fundstandard_year_type")]

    def __str__(self):
        return f"{self.year} {self.fund_type_id} ≥ {self.minimum}"


class FundSource(models.TextChoices):
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    STREET = "street", _("Street")


class Budget(models.Model):
    """One budget line: a unit's money of one fund type from one source in one year."""

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    fund_type = models.ForeignKey(FundType, on_delete=models.PROTECT, related_name="budgets")
    source = models.CharField(_("source"), max_length=12, choices=FundSource.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [models.UniqueConstraint(fields=["unit", "year", "fund_type", "source"],
                                               name="budget_unit_year_type_source")]
        indexes = [models.Index(fields=["year", "unit_path"], name="budget_year_path")]

    def __str__(self):
        return f"{self.unit_id} {self.year} {self.fund_type_id} {self.source}: {self.amount}"


class ClosedYear(models.Model):
    """A year closed for spending under a unit (its accounts are final)."""

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    closed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="closedyear_unit_year")]

    def __str__(self):
        return f"{self.unit_id} {self.year}"


class LetterManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=ReminderLetter.KIND)


class ReminderLetter(SupervisionCard):
    """督促提醒函: a supervision card from the organization department to a county whose streets or
    communities fall short of the fund standards, with a deadline; resolved when they all comply.

    It is a core supervision card (jiceng.core.supervision, the mechanism every app's cards share) of
    kind `funds_reminder`, held by the county, about the subject ("funds.compliance", "<county code>:<year>"),
    the year and the number of units short at sending in its data; this proxy is funds' view of them."""

    KIND = "funds_reminder"
    SUBJECT = "funds.compliance"

    objects = LetterManager()

    class Meta:
        proxy = True
        verbose_name = _("reminder letter")
        verbose_name_plural = _("reminder letters")

    @property
    def year(self) -> int:
        return self.data.get("year")

    @property
    def shortfalls(self) -> int:
        return self.data.get("shortfalls", 0)


kinds_register([(ReminderLetter.KIND, _("Reminder letter on the fund standards"))])


# ---------------------------------------------------------------- livelihood projects


class LivelihoodStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    FEASIBLE = "feasible", _("Feasible")
    INFEASIBLE = "infeasible", _("Not feasible")
    CHOSEN = "chosen", _("Chosen")
    FUNDED = "funded", _("Funded")
    BUILT = "built", _("Built")
    ACCEPTED = "accepted", _("Accepted")
    RATED = "rated", _("Rated")


LIFECYCLE = ["proposed", "feasible", "chosen", "funded", "built", "accepted", "rated"]


class LivelihoodSource(models.TextChoices):
    NEED = "need", _("Needs list")
    PROPOSAL = "proposal", _("Residents' proposal")
    BALLOT = "ballot", _("Participatory budget")
    COMMUNITY = "community", _("Community")


class ChosenBy(models.TextChoices):
    VOTE = "vote", _("Residents' vote")
    JOINT_MEETING = "joint_meeting", _("Joint meeting")


class LivelihoodProject(models.Model):
    """民生项目: proposal → feasibility → chosen → funded → built → accepted → rated."""

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=12, choices=LivelihoodSource.choices)
    source_ref = models.CharField(_("source reference"), max_length=40, blank=True)  # need id, proposal id…
    estimated_cost = models.DecimalField(_("estimated cost"), max_digits=14, decimal_places=2)
    status = models.CharField(_("status"), max_length=12, choices=LivelihoodStatus.choices, default="proposed",
                              db_index=True)
    feasibility_note = models.TextField(_("feasibility note"), blank=True)
    chosen_by = models.CharField(_("chosen by"), max_length=16, choices=ChosenBy.choices, blank=True)
    chosen_on = models.DateField(_("chosen on"), null=True, blank=True, db_index=True)
    budget = models.ForeignKey(Budget, null=True, blank=True, on_delete=models.PROTECT, related_name="projects")
    funded_amount = models.DecimalField(_("funded amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    built_on = models.DateField(_("built on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    acceptance_note = models.TextField(_("acceptance note"), blank=True)
    rating_sum = models.PositiveIntegerField(default=0)
    rating_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("livelihood project")
        verbose_name_plural = _("livelihood projects")
        indexes = [models.Index(fields=["year", "unit_path"], name="livelihood_year_path"),
                   models.Index(fields=["source", "source_ref"], name="livelihood_source")]

    def __str__(self):
        return self.title

    @property
    def rating(self):
        return round(self.rating_sum / self.rating_count, 2) if self.rating_count else None


class ProjectPhoto(models.Model):
    project = models.ForeignKey(LivelihoodProject, on_delete=models.CASCADE, related_name="photos")
    unit_path = models.CharField(max_length=255, db_index=True)
    step = models.CharField(_("step"), max_length=12, choices=LivelihoodStatus.choices)
    image = models.FileField(_("photo"), upload_to="funds/photos/%Y/%m/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.project_id} {self.step}"


class ProjectRating(models.Model):
    """A served resident's rating (1–5); one per user and project."""

    project = models.ForeignKey(LivelihoodProject, on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="rating_once_per_user")]

    def __str__(self):
        return f"{self.project_id}: {self.score}"


# ---------------------------------------------------------------- spending


class SpendingStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    PENDING = "pending", _("Awaiting the level above's approval")
    APPROVED = "approved", _("Approved beyond budget")
    REJECTED = "rejected", _("Refused")


COUNTED = ("recorded", "approved")


class Expenditure(models.Model):
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    fund_type = models.ForeignKey(FundType, on_delete=models.PROTECT, related_name="expenditures")
    spent_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    purpose = models.CharField(_("purpose"), max_length=200)
    project = models.ForeignKey(LivelihoodProject, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="expenditures")
    voucher = models.FileField(_("voucher"), upload_to="funds/vouchers/%Y/%m/", blank=True)
    voucher_type = models.CharField(max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=SpendingStatus.choices, default="recorded",
                              db_index=True)
    over_by = models.DecimalField(_("beyond budget by"), max_digits=14, decimal_places=2, default=Decimal("0"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")
        indexes = [models.Index(fields=["year", "unit_path"], name="spending_year_path")]

    def __str__(self):
        return f"{self.spent_on} {self.amount} {self.purpose}"
