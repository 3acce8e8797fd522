"""Projects and the closed annual loop (F1–F4): the 2+1+N policy framework, secretary-led projects,
the key task list with backward-scheduled milestones, monthly reports, supervision prompt cards,
and the year-end assessment (secretary review and the target-responsibility indicator tree)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiceng.core.supervision import kinds_register


# ---------------------------------------------------------------- F1 policy framework (2+1+N)
class PolicyItemKind(models.TextChoices):
    MEASURE = "measure", _("Measure")  # the "2"
    TASK_LIST = "task_list", _("Task list")  # the "1"
    SYSTEM = "system", _("Supporting system")  # the "N"


class PolicyItem(models.Model):
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=PolicyItemKind.choices)
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("content"), blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")

    class Meta:
        verbose_name = _("policy item")
        verbose_name_plural = _("policy items")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="policyitem_unit_code")]

    def __str__(self):
        return f"{self.code} {self.title}"


class ImplementationPlan(models.Model):
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    items = models.ManyToManyField(PolicyItem, related_name="plans", blank=True)

    class Meta:
        verbose_name = _("implementation plan")
        verbose_name_plural = _("implementation plans")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="plan_unit_year")]

    def __str__(self):
        return self.title


# ---------------------------------------------------------------- F2 secretary-led projects
class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("In progress")
    DONE = "done", _("Done")
    SUSPENDED = "suspended", _("Suspended")


PROJECT_LEVELS = ("county", "street", "community")


class Project(models.Model):
    """书记领办项目: led by the secretary of the unit's party organization."""

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    level = models.CharField(_("level"), max_length=16, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem"))
    goals = models.TextField(_("goals"))
    party_org = models.ForeignKey("orgs.PartyOrg", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    leader = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    leader_name = models.CharField(_("leader"), max_length=60)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=12, choices=ProjectStatus.choices,
                              default=ProjectStatus.ACTIVE)
    progress = models.FloatField(_("progress"), default=0)  # 0–100, rolled up from the milestones
    public = models.BooleanField(_("on the public showcase"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("secretary-led project")
        verbose_name_plural = _("secretary-led projects")
        indexes = [models.Index(fields=["year", "level", "unit_path"], name="project_year_level_path")]

    def __str__(self):
        return self.title


# ---------------------------------------------------------------- F3 key tasks
class KeyTask(models.Model):
    """An item of the key task list published at year start (重点任务清单)."""

    issuer = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")  # responsible unit
    unit_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    title = models.CharField(_("task"), max_length=200)
    measures = models.TextField(_("measures"), blank=True)
    policy_item = models.ForeignKey(PolicyItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    starts_on = models.DateField(_("starts on"))
    deadline = models.DateField(_("deadline"))
    published = models.BooleanField(default=False)
    progress = models.FloatField(_("progress"), default=0)
    done_on = models.DateField(null=True, blank=True)
    # The year's close (F3): what became of the task, decided by the issuer before the list is frozen.
    outcome = models.CharField(_("outcome at the year's close"), max_length=10, blank=True, default="",
                               choices=[("done", _("Done")), ("carried", _("Carried over")),
                                        ("dropped", _("Dropped"))])
    outcome_reason = models.TextField(_("reason"), blank=True, default="")
    carried_to = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="carried_from")

    class Meta:
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")

    def __str__(self):
        return self.title


class TaskListClosure(models.Model):
    """An issuer's key task list of a year, closed and frozen (F3): every task done, carried over or dropped.
    The counts are kept as they were at the close; the assessment reads the frozen outcomes."""

    issuer = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    issuer_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    closed_at = models.DateTimeField()
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    done = models.PositiveIntegerField(default=0)
    carried = models.PositiveIntegerField(default=0)
    dropped = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("closed key task list")
        verbose_name_plural = _("closed key task lists")
        constraints = [models.UniqueConstraint(fields=["issuer", "year"], name="task_list_closed_once")]

    def __str__(self):
        return f"{self.issuer_id}/{self.year}"

    @property
    def unit_path(self):
        return self.issuer_path

    @property
    def audit_unit_path(self):
        return self.issuer_path


class Milestone(models.Model):
    """A dated milestone of a project or a key task; weights roll the progress up to the parent."""

    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="milestones")
    task = models.ForeignKey(KeyTask, null=True, blank=True, on_delete=models.CASCADE, related_name="milestones")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    unit_path = models.CharField(max_length=255, db_index=True)
    title = models.CharField(_("milestone"), max_length=200)
    due = models.DateField(_("due"), db_index=True)
    weight = models.FloatField(_("weight"), default=1)
    progress = models.FloatField(_("progress"), default=0)  # 0–100 (leaves reported, parents rolled up)
    done_on = models.DateField(null=True, blank=True)
    missed_card_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due", "id"]

    def __str__(self):
        return self.title


class Evidence(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="evidence")
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/", blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.title


def showcase_photo_path(instance, filename):
    return f"showcase/{instance.unit_path.strip('/').split('/')[-1]}/{filename}"


class ProjectPhoto(models.Model):
    """A photo the project's unit chose for the public showcase (issue 18, item 13): re-encoded on upload (no
    EXIF or GPS), served to anyone only while its project is public."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="photos")
    unit_path = models.CharField(max_length=255, db_index=True)
    file = models.FileField(_("photo"), upload_to=showcase_photo_path)
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.caption or f"photo {self.pk}"


class ProgressReport(models.Model):
    """A monthly progress report on a key task or a project by its responsible unit."""

    task = models.ForeignKey(KeyTask, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    unit_path = models.CharField(max_length=255, db_index=True)
    month = models.DateField(_("month"))  # first day of the month
    progress = models.FloatField(_("progress"))
    note = models.TextField(_("note"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "month"], condition=models.Q(task__isnull=False),
                                    name="report_task_month"),
            models.UniqueConstraint(fields=["project", "month"], condition=models.Q(project__isnull=False),
                                    name="report_project_month"),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"


class PromptRuleKind(models.TextChoices):
    MILESTONE_MISSED = "milestone_missed", _("Milestone missed by N days")
    BEHIND_SCHEDULE = "behind_schedule", _("Progress behind schedule by X points")


class PromptRule(models.Model):
    """A configurable rule that raises supervision prompt cards (督办提示卡)."""

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    kind = models.CharField(_("rule"), max_length=20, choices=PromptRuleKind.choices)
    threshold = models.FloatField(_("threshold"))  # days for missed milestones, points for lagging progress
    active = models.BooleanField(default=True)

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"


class PromptCardKind(models.TextChoices):
    """Kinds of the supervision prompt cards (督办提示卡) projects raises: core cards
    (jiceng.core.supervision), about a milestone, a key task or a project."""

    MILESTONE_MISSED = "milestone_missed", _("Milestone missed")
    BEHIND_SCHEDULE = "behind_schedule", _("Behind schedule")


kinds_register(PromptCardKind.choices)


# ---------------------------------------------------------------- F4 year-end assessment
class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


DEFAULT_THRESHOLDS = {"good": 90, "fairly_good": 75, "average": 60}


class Assessment(models.Model):
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")  # the assessing unit
    unit_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT)
    # Review ratings 好/较好/一般/差 by the share of the rubric's maximum (percent).
    thresholds = models.JSONField(default=dict)
    # Weight of the secretary review in the final score (the rest is the indicator tree).
    review_weight = models.FloatField(default=0.3)
    computed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("year-end assessment")
        verbose_name_plural = _("year-end assessments")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="assessment_unit_year")]

    def __str__(self):
        return self.title


class Rating(models.TextChoices):
    GOOD = "good", _("Good")
    FAIRLY_GOOD = "fairly_good", _("Fairly good")
    AVERAGE = "average", _("Average")
    POOR = "poor", _("Poor")


class RubricCriterion(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="criteria")
    level = models.CharField(_("level"), max_length=16)
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("criterion"), max_length=200)
    max_score = models.FloatField(_("maximum score"))

    class Meta:
        ordering = ["level", "order", "id"]

    def __str__(self):
        return self.title


class Rater(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="raters")
    level = models.CharField(_("level"), max_length=16)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The rater's own unit: they may not score it (nor a unit above it).
    own_unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "level", "user"], name="rater_unique")]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"


class SecretaryReport(models.Model):
    """述职: a secretary's report for review."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    secretary_name = models.CharField(_("secretary"), max_length=60)
    text = models.TextField(_("report"))
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "unit"], name="secretaryreport_unique")]

    def __str__(self):
        return self.secretary_name


class ReviewScore(models.Model):
    report = models.ForeignKey(SecretaryReport, on_delete=models.CASCADE, related_name="scores")
    rater = models.ForeignKey(Rater, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "rater", "criterion"], name="reviewscore_unique")]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"


class Indicator(models.Model):
    """A node of the target-responsibility indicator tree of one level; siblings' weights sum to 1."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="indicators")
    level = models.CharField(_("level"), max_length=16)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("indicator"), max_length=200)
    weight = models.FloatField(_("weight"))
    # Leaves: "" = entered with evidence, else a computed source key (see jiceng.projects.indicators).
    source = models.CharField(_("source"), max_length=60, blank=True)

    class Meta:
        ordering = ["level", "code"]
        constraints = [models.UniqueConstraint(fields=["assessment", "level", "code"], name="indicator_code")]

    def __str__(self):
        return f"{self.code} {self.title}"


class IndicatorEntry(models.Model):
    """A value entered for an entered leaf, with its evidence."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="entries")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    value = models.FloatField()  # 0–1
    evidence = models.TextField(_("evidence"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "unit"], name="indicatorentry_unique")]

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"


class AssessmentResult(models.Model):
    """One unit's result; frozen when the assessment is published (later data changes do not alter it)."""

    unit_path_is_historic = True

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    unit_code = models.CharField(max_length=32)
    unit_name = models.CharField(max_length=120)
    level = models.CharField(max_length=16)
    indicator_score = models.FloatField()  # 0–100
    review_score = models.FloatField(null=True, blank=True)  # 0–100
    rating = models.CharField(max_length=12, choices=Rating.choices, blank=True)
    score = models.FloatField()
    rank = models.PositiveIntegerField()
    breakdown = models.JSONField(default=dict)  # indicator code -> value 0–1

    class Meta:
        ordering = ["level", "rank"]
        constraints = [models.UniqueConstraint(fields=["assessment", "unit"], name="assessmentresult_unique")]

    def __str__(self):
        return f"{self.unit_name} {self.score}"
