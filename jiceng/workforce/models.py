"""Community workforce (G1) and street configuration (A4).

Professional community workers 专职社区工作者 on the "three posts, eighteen grades" 三岗十八级 scale
(`grades.py` holds the rules), their two-committee seats, attendance, yearly evaluation 管评考用,
monthly payroll; the street's standard 5 offices, 1 station and 2 centres; devolved powers 赋权清单.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Post(models.TextChoices):
    PRINCIPAL = "principal", _("Principal post")
    DEPUTY = "deputy", _("Deputy post")
    OTHER = "other", _("Other post")


class Channel(models.TextChoices):
    TRANSITION = "transition", _("Transition of the two committees' main cadres")
    CADRE = "cadre", _("Recruitment of community cadres")
    OPEN = "open", _("Open recruitment")


class Education(models.TextChoices):
    SECONDARY = "secondary", _("Secondary school or below")
    COLLEGE = "college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor's degree")
    MASTER = "master", _("Master's degree")
    DOCTOR = "doctor", _("Doctorate")


DEGREES = ("bachelor", "master", "doctor")


class Qualification(models.TextChoices):
    NONE = "none", _("None")
    JUNIOR = "junior", _("Assistant social worker")
    INTERMEDIATE = "intermediate", _("Social worker")
    SENIOR = "senior", _("Senior social worker")


class WorkerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    ENDED = "ended", _("Ended")


class Rating(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    COMPETENT = "competent", _("Competent")
    BASIC = "basic", _("Basically competent")
    INCOMPETENT = "incompetent", _("Incompetent")


class GradeScale(models.Model):
    """The county's configuration of the three posts, eighteen grades scale (defaults: the source's)."""

    county = models.OneToOneField("orgs.Unit", on_delete=models.PROTECT, related_name="grade_scale")
    unit_path = models.CharField(max_length=255, db_index=True)
    principal_low = models.PositiveSmallIntegerField(default=7)
    principal_high = models.PositiveSmallIntegerField(default=18)
    deputy_low = models.PositiveSmallIntegerField(default=4)
    deputy_high = models.PositiveSmallIntegerField(default=15)
    other_low = models.PositiveSmallIntegerField(default=1)
    other_high = models.PositiveSmallIntegerField(default=12)
    years_per_grade = models.PositiveSmallIntegerField(_("years of service per grade"), default=3)
    bachelor_years = models.PositiveSmallIntegerField(_("years credited for a bachelor's degree"), default=3)
    master_years = models.PositiveSmallIntegerField(_("years credited for a master's degree"), default=6)
    doctor_years = models.PositiveSmallIntegerField(_("years credited for a doctorate"), default=9)


class Worker(models.Model):
    """A professional community worker: a person of the people registry with a post in a community."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="worker_posts")
    community = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="workers")
    unit_path = models.CharField(max_length=255, db_index=True)
    post = models.CharField(_("post"), max_length=16, choices=Post.choices)
    title = models.CharField(_("title"), max_length=40, blank=True)
    channel = models.CharField(_("recruitment channel"), max_length=16, choices=Channel.choices)
    hire_date = models.DateField(_("hire date"))
    education = models.CharField(_("education"), max_length=16, choices=Education.choices)
    qualification = models.CharField(_("social-work qualification"), max_length=16, choices=Qualification.choices,
                                     default=Qualification.NONE)
    grade = models.PositiveSmallIntegerField(_("grade"))
    start_grade = models.PositiveSmallIntegerField(null=True, blank=True)  # set by hand at recruitment
    status = models.CharField(_("status"), max_length=16, choices=WorkerStatus.choices, default=WorkerStatus.ACTIVE,
                              db_index=True)
    ended_on = models.DateField(null=True, blank=True)
    bank_account_enc = models.TextField(blank=True, editable=False)
    bank_account_masked = models.CharField(_("bank account"), max_length=40, blank=True, editable=False)
    # The person's sex and birth date, fixed by the identity number (the people registry never changes
    # them), copied here so that the statistics count workers without joining the registry.
    gender = models.CharField(max_length=1, blank=True, editable=False)
    birth_date = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("professional community worker")
        verbose_name_plural = _("professional community workers")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=~models.Q(status="ended"),
                                    name="worker_one_open_post_per_person"),
        ]
        indexes = [models.Index(fields=["status", "unit_path"], name="worker_status_path")]

    def __str__(self):
        return self.person.name


class PostChange(models.Model):
    """A change of post: the grade engine maps the grade onto the new post's band from `effective_on`."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="post_changes")
    unit_path = models.CharField(max_length=255, db_index=True)
    effective_on = models.DateField()
    post = models.CharField(max_length=16, choices=Post.choices)
    created_at = models.DateTimeField(auto_now_add=True)


class GradeStep(models.Model):
    """One step of a worker's grade history, with the rule that produced it (see grades.py)."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="grade_steps")
    unit_path = models.CharField(max_length=255, db_index=True)
    seq = models.PositiveSmallIntegerField()
    effective_on = models.DateField()
    post = models.CharField(max_length=16, choices=Post.choices)
    grade = models.PositiveSmallIntegerField()
    rule = models.CharField(max_length=24)
    detail = models.JSONField(default=dict)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["worker_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["worker", "seq"], name="gradestep_unique_seq")]


class Committee(models.TextChoices):
    PARTY = "party", _("Community party committee")
    RESIDENTS = "residents", _("Residents' committee")


class SeatRole(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    DIRECTOR = "director", _("Director")
    DEPUTY_DIRECTOR = "deputy_director", _("Deputy director")
    MEMBER = "member", _("Member")


SEAT_ROLES = {
    "party": ("secretary", "deputy_secretary", "member"),
    "residents": ("director", "deputy_director", "member"),
}


class CommitteeSeat(models.Model):
    """A seat on one of a community's two committees 两委 for a term; `worker` when held by a professional."""

    community = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="committee_seats")
    unit_path = models.CharField(max_length=255, db_index=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="committee_seats")
    worker = models.ForeignKey(Worker, null=True, blank=True, on_delete=models.SET_NULL, related_name="seats")
    committee = models.CharField(_("committee"), max_length=16, choices=Committee.choices)
    role = models.CharField(_("role"), max_length=20, choices=SeatRole.choices)
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"))
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, blank=True)
    # Copied from the person (fixed by the identity number) for the two committees' measures.
    gender = models.CharField(max_length=1, blank=True, editable=False)
    birth_date = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        indexes = [models.Index(fields=["term_end", "unit_path"], name="seat_term_path")]


class Attendance(models.Model):
    """A worker's attendance in a month, entered by the community that uses the worker."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="attendance")
    unit_path = models.CharField(max_length=255, db_index=True)
    month = models.DateField()  # first day of the month
    days_required = models.PositiveSmallIntegerField()
    days_present = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["worker", "month"], name="attendance_unique_month")]


class EvaluationStatus(models.TextChoices):
    FINAL = "final", _("Final")
    APPEALED = "appealed", _("Under appeal")
    UPHELD = "upheld", _("Appeal rejected")
    REVISED = "revised", _("Revised on appeal")


class Evaluation(models.Model):
    """The yearly evaluation 管评考用 of a worker by the street, with the community's input."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="evaluations")
    unit_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField()
    scores = models.JSONField(default=dict)
    total = models.PositiveSmallIntegerField()
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices)
    community_opinion = models.TextField(_("community's opinion"), blank=True)
    status = models.CharField(max_length=16, choices=EvaluationStatus.choices, default=EvaluationStatus.FINAL)
    appeal_reason = models.TextField(blank=True)
    appeal_decision = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["worker", "year"], name="evaluation_unique_year")]


class PayTable(models.Model):
    """Pay of a county for a year: the monthly base amount and the coefficient of each grade 1–18."""

    county = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="pay_tables")
    unit_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField()
    base_amount = models.DecimalField(max_digits=10, decimal_places=2)
    coefficients = models.JSONField()  # {"1": "1.00", …, "18": "2.70"} as decimal strings

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="paytable_unique_year")]


class RunStatus(models.TextChoices):
    PREPARED = "prepared", _("Prepared")
    APPROVED = "approved", _("Approved")


class PayrollRun(models.Model):
    """A street's monthly payroll: prepared by the street, approved by the county, then frozen."""

    street = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="payroll_runs")
    unit_path = models.CharField(max_length=255, db_index=True)
    month = models.DateField()
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.PREPARED)
    total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    lines_count = models.PositiveIntegerField(default=0)
    prepared_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["street", "month"], name="payroll_unique_month")]


class PayrollLine(models.Model):
    run = models.ForeignKey(PayrollRun, on_delete=models.CASCADE, related_name="lines")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="pay_lines")
    unit_path = models.CharField(max_length=255, db_index=True)
    month = models.DateField()
    name = models.CharField(max_length=60)
    account_masked = models.CharField(max_length=40, blank=True)
    post = models.CharField(max_length=16, choices=Post.choices)
    grade = models.PositiveSmallIntegerField()
    coefficient = models.DecimalField(max_digits=6, decimal_places=2)
    rating = models.CharField(max_length=16, choices=Rating.choices, blank=True)
    attendance_ratio = models.DecimalField(max_digits=5, decimal_places=4)
    basic = models.DecimalField(max_digits=12, decimal_places=2)
    performance = models.DecimalField(max_digits=12, decimal_places=2)
    adjustment = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    adjustment_note = models.CharField(max_length=200, blank=True)
    total = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        indexes = [models.Index(fields=["worker", "month"], name="payline_worker_month")]


class ConfigItem(models.TextChoices):
    PARTY_OFFICE = "party_office", _("Party building office")
    MANAGEMENT_OFFICE = "management_office", _("Public management office")
    SERVICE_OFFICE = "service_office", _("Public service office")
    SAFETY_OFFICE = "safety_office", _("Public safety office")
    ENFORCEMENT_OFFICE = "enforcement_office", _("Comprehensive administrative law-enforcement office")
    VETERANS_STATION = "veterans_station", _("Veterans' service station")
    PARTY_CENTRE = "party_centre", _("Party-mass service centre")
    CONVENIENCE_CENTRE = "convenience_centre", _("Comprehensive convenience service centre")


class StreetConfig(models.Model):
    """One item of a street's standard configuration (5 offices, 1 station, 2 centres)."""

    street = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="config_items")
    unit_path = models.CharField(max_length=255, db_index=True)
    item = models.CharField(max_length=24, choices=ConfigItem.choices)
    present = models.BooleanField(default=False)
    head = models.CharField(_("head"), max_length=60, blank=True)
    staffing = models.PositiveSmallIntegerField(_("staffing"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["street", "item"], name="streetconfig_unique_item")]


class Power(models.Model):
    """A power in the devolved-powers catalogue 赋权清单, kept by a county (or the city)."""

    owner = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="powers")
    unit_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField(_("name"), max_length=120)
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    department = models.CharField(_("department of origin"), max_length=80)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="power_unique_name")]


class PowerGrant(models.Model):
    power = models.ForeignKey(Power, on_delete=models.PROTECT, related_name="grants")
    street = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="power_grants")
    unit_path = models.CharField(max_length=255, db_index=True)
    granted_on = models.DateField(_("granted on"))
    document = models.CharField(_("document"), max_length=120)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["power", "street"], name="powergrant_unique")]
