"""Co-building and mobilization (SPEC C1–C4): double registration, the three lists, activities and
service hours, wartime whistle calls with their posts, seats and assignments."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Skill(models.Model):
    """The configurable skill list; `bit` is the member's bit in a 63-bit mask used by the engine."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=60)
    bit = models.PositiveSmallIntegerField(unique=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["bit"]

    def __str__(self):
        return self.name


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the community to confirm")
    CONFIRMED = "confirmed", _("Confirmed")
    ENDED = "ended", _("Ended")


class AgencyRegistration(models.Model):
    """An agency party organization registered with the community it sits in (co-building agreement)."""

    name = models.CharField(_("agency party organization"), max_length=120)
    party_org = models.ForeignKey("orgs.PartyOrg", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    community = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    agreement_start = models.DateField(_("agreement start"))
    agreement_end = models.DateField(_("agreement end"))
    commitments = models.TextField(_("commitments"))
    status = models.CharField(_("status"), max_length=16, choices=RegistrationStatus.choices,
                              default=RegistrationStatus.PENDING)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agency registration")
        verbose_name_plural = _("agency registrations")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="agency_reg_unique")]
        indexes = [models.Index(fields=["created_at", "id"], name="agency_reg_created")]  # the list's order

    def __str__(self):
        return self.name


class Member(models.Model):
    """An in-service party member registered with the community they live in."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey("people.PartyMembership", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    name = models.CharField(_("name"), max_length=60)
    community = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    employer = models.CharField(_("employer organization"), max_length=120, db_index=True)
    agency = models.ForeignKey(AgencyRegistration, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="members")
    skills = models.BigIntegerField(_("skills"), default=0)
    # 168 characters, one per hour of the week from Monday 00:00, "1" = available.
    weekly = models.CharField(_("weekly availability"), max_length=168, default="1" * 168)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=RegistrationStatus.choices,
                              default=RegistrationStatus.PENDING, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("registered in-service member")
        verbose_name_plural = _("registered in-service members")
        constraints = [models.UniqueConstraint(fields=["person"], name="member_one_registration")]
        indexes = [models.Index(fields=["status", "unit_path"], name="member_status_path"),
                   models.Index(fields=["created_at", "id"], name="member_created")]  # the list's order

    def __str__(self):
        return self.name


class Blackout(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="blackouts")
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))


# --- C2: the three lists --------------------------------------------------------------------------


class Category(models.TextChoices):
    ELDERLY = "elderly", _("Elderly care")
    CHILDREN = "children", _("Children and youth")
    HEALTH = "health", _("Health")
    ENVIRONMENT = "environment", _("Environment and sanitation")
    REPAIR = "repair", _("Repairs and construction")
    LEGAL = "legal", _("Legal aid")
    CULTURE = "culture", _("Culture and education")
    SAFETY = "safety", _("Safety")
    EMPLOYMENT = "employment", _("Employment")


class Urgency(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")


class Need(models.Model):
    community = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    title = models.CharField(_("title"), max_length=120)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    source = models.CharField(_("source"), max_length=16, choices=[("resident", _("Resident")),
                                                                    ("community", _("Community"))])
    place = models.CharField(_("place"), max_length=120, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Urgency.choices, default=Urgency.NORMAL)
    wanted_from = models.DateField(_("wanted from"))
    wanted_to = models.DateField(_("wanted until"))
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    open = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        indexes = [models.Index(fields=["open", "created_at", "id"], name="need_open_created")]  # the list's order


class Resource(models.Model):
    community = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    title = models.CharField(_("what"), max_length=120)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    agency = models.ForeignKey(AgencyRegistration, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="resources")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.CASCADE, related_name="resources")
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    available_from = models.DateField(_("available from"))
    available_to = models.DateField(_("available until"))
    capacity = models.PositiveIntegerField(_("how much"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        indexes = [models.Index(fields=["created_at", "id"], name="resource_created")]  # the list's order


class ProjectStage(models.TextChoices):
    SET = "set", _("Set")
    CHECKED = "checked", _("Checked")
    EVALUATED = "evaluated", _("Evaluated")


class MatchedProject(models.Model):
    """A need matched with resources (需求、资源、项目 lists); goes set → check → evaluate (定、查、评).
    Not the secretary-led projects of the projects app."""

    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="projects")
    resources = models.ManyToManyField(Resource, related_name="projects")
    unit_path = models.CharField(max_length=255, db_index=True)
    title = models.CharField(_("title"), max_length=120)
    stage = models.CharField(_("stage"), max_length=16, choices=ProjectStage.choices, default=ProjectStage.SET)
    set_at = models.DateTimeField()
    check_note = models.TextField(_("check note"), blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    evaluated_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(_("residents' score"), null=True, blank=True)

    class Meta:
        verbose_name = _("matched project")
        verbose_name_plural = _("matched projects")
        indexes = [models.Index(fields=["set_at", "unit_path"], name="project_set_path"),
                   models.Index(fields=["set_at", "id"], name="project_set_id")]  # the list's order


class ProjectEvaluation(models.Model):
    project = models.ForeignKey(MatchedProject, on_delete=models.CASCADE, related_name="evaluations")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "person"], name="evaluation_once")]


# --- C3: activities and hours ---------------------------------------------------------------------


class ActivityKind(models.TextChoices):
    PARTY_DAY = "party_day", _("Themed party day")
    VOLUNTEER = "volunteer", _("Volunteer service")


class Activity(models.Model):
    community = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=120)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("sign-up limit"))
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    code = models.CharField(max_length=12, editable=False)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["starts_at", "id"], name="activity_starts")]  # the list's order


class Signup(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="signups")
    unit_path = models.CharField(max_length=255, db_index=True)  # the activity's
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_out_at = models.DateTimeField(null=True, blank=True)
    hours = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    year = models.PositiveSmallIntegerField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="signup_once")]


# --- C4: wartime whistle calls --------------------------------------------------------------------


class Mode(models.TextChoices):
    PEACETIME = "peacetime", _("Peacetime")
    WARTIME = "wartime", _("Wartime")


class ModeSwitch(models.Model):
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices)
    reason = models.CharField(_("reason"), max_length=200)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")


class CallStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Call(models.Model):
    """A wartime whistle call (召集令) issued by a community or a street."""

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    title = models.CharField(_("title"), max_length=120)
    status = models.CharField(_("status"), max_length=16, choices=CallStatus.choices, default=CallStatus.OPEN)
    issued_at = models.DateTimeField()
    respond_minutes = models.PositiveIntegerField(_("minutes to accept or decline"), default=30)
    max_distance_m = models.PositiveIntegerField(_("distance limit (m)"), default=5000)
    # Where members are drawn from: the calling unit's path, widened to the street on escalation.
    pool_path = models.CharField(max_length=255)
    escalated_at = models.DateTimeField(null=True, blank=True)
    runs = models.PositiveIntegerField(default=0)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_run = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self):
        return self.title


class PostKind(models.TextChoices):
    CHECKPOINT = "checkpoint", _("Checkpoint duty")
    SCREENING = "screening", _("Screening")
    ISOLATION = "isolation", _("Isolation control")
    SUPPLY = "supply", _("Supply transfer")
    PATROL = "patrol", _("Patrol")
    OTHER = "other", _("Other")


class Post(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="posts")
    unit_path = models.CharField(max_length=255, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=PostKind.choices)
    place = models.CharField(_("place"), max_length=120)
    lat = models.FloatField()
    lng = models.FloatField()
    shift_start = models.DateTimeField(_("shift start"))
    shift_end = models.DateTimeField(_("shift end"))
    headcount = models.PositiveIntegerField(_("headcount"))
    required_skills = models.BigIntegerField(_("required skills"), default=0)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")


class Seat(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="seats")
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="seats")
    number = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "number"], name="seat_number")]


class AssignmentState(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    CHECKED_IN = "checked_in", _("On duty")
    CHECKED_OUT = "checked_out", _("Done")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("No answer in time")
    NO_SHOW = "no_show", _("Did not show up")
    RELEASED = "released", _("Released by re-optimization")


ACTIVE_STATES = (AssignmentState.OFFERED, AssignmentState.ACCEPTED, AssignmentState.CHECKED_IN,
                 AssignmentState.CHECKED_OUT)
# Freed seats that the refill sweep has not handled yet.
TO_REFILL_STATES = (AssignmentState.DECLINED, AssignmentState.EXPIRED, AssignmentState.NO_SHOW)


class Assignment(models.Model):
    """A member on a seat. At most one active assignment per seat (partial unique constraint)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="assignments")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="assignments")
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="assignments")
    unit_path = models.CharField(max_length=255, db_index=True)  # the call's
    state = models.CharField(_("state"), max_length=16, choices=AssignmentState.choices)
    active = models.BooleanField(default=True)
    refilled = models.BooleanField(default=False)  # a freed seat already handed to the refill
    shift_start = models.DateTimeField()
    shift_end = models.DateTimeField()
    distance_m = models.PositiveIntegerField(default=0)
    offered_at = models.DateTimeField()
    respond_by = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_out_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)  # the reminder before the shift went out

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["seat"], condition=models.Q(active=True), name="one_member_per_seat"),
        ]
        indexes = [
            models.Index(fields=["member", "active"], name="assignment_member_active"),
            models.Index(fields=["call", "state"], name="assignment_call_state"),
        ]
