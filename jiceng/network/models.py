"""The one network (A5, A6, B3): geometry version, address gazetteer, business lines and their legacy
grids, grid staff, compound arrangements."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GeometryVersion(models.Model):
    """One row (pk=1) whose `version` every network service that changes grid geometry bumps.

    Each process keeps its grid index together with the version (and a fingerprint of the grid rows,
    see jiceng/network/routing.py) it was built from, and rebuilds when either changes.
    """

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("geometry version")
        verbose_name_plural = _("geometry versions")

    def __str__(self):
        return f"v{self.version}"


class GazetteerEntry(models.Model):
    """One way of writing the address of a building (road and number, or compound and building)."""

    key = models.CharField(max_length=200, db_index=True)  # jiceng.core.geo.address.address_key
    address = models.CharField(_("address"), max_length=200)
    building = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="gazetteer_entries")
    grid = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)  # the building's path

    class Meta:
        verbose_name = _("gazetteer entry")
        verbose_name_plural = _("gazetteer entries")
        constraints = [models.UniqueConstraint(fields=["key", "building"], name="gazetteer_key_building")]

    def __str__(self):
        return self.address


class BusinessLine(models.Model):
    """A line of work (条线) whose grids are merged into the one grid layer."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=60)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("business line")
        verbose_name_plural = _("business lines")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name


# The configurable default list; the demo and `business_lines_ensure` create these.
DEFAULT_LINES = [
    ("party", _("Party building")),
    ("governance", _("Comprehensive governance")),
    ("civil", _("Civil affairs")),
    ("urban", _("Urban management")),
    ("emergency", _("Emergency management")),
]


class LegacyGrid(models.Model):
    """A grid of one business line's own (legacy) layer, kept only to map its work onto the one grid."""

    line = models.ForeignKey(BusinessLine, on_delete=models.CASCADE, related_name="legacy_grids")
    code = models.CharField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=120, blank=True)
    geom = models.BinaryField(editable=False)
    area_m2 = models.FloatField(default=0)
    unit_path = models.CharField(max_length=255, db_index=True)  # the unit it was imported under
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("legacy grid")
        verbose_name_plural = _("legacy grids")
        constraints = [models.UniqueConstraint(fields=["line", "code"], name="legacygrid_line_code")]

    def __str__(self):
        return f"{self.line_id}:{self.code}"


class LegacyGridMapping(models.Model):
    """Which share of a legacy grid's area lies in which unified grid."""

    legacy = models.ForeignKey(LegacyGrid, on_delete=models.CASCADE, related_name="mappings")
    grid = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="legacy_mappings")
    unit_path = models.CharField(max_length=255, db_index=True)  # the unified grid's path
    share = models.FloatField()  # of the legacy grid's area, 0–1
    area_m2 = models.FloatField()

    class Meta:
        verbose_name = _("legacy grid mapping")
        verbose_name_plural = _("legacy grid mappings")
        constraints = [models.UniqueConstraint(fields=["legacy", "grid"], name="legacymapping_legacy_grid")]

    def __str__(self):
        return f"{self.legacy_id}->{self.grid_id} {self.share:.2f}"


class StaffRole(models.TextChoices):
    LEADER = "leader", _("Grid leader")
    FULL_TIME = "full_time", _("Full-time grid worker")
    PART_TIME = "part_time", _("Part-time grid worker")
    PARTY_SECRETARY = "party_secretary", _("Grid party secretary")


WORKER_ROLES = (StaffRole.FULL_TIME, StaffRole.PART_TIME)


class GridStaff(models.Model):
    """One person serving one grid in one role; a person may serve several grids."""

    grid = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="grid_staff")
    unit_path = models.CharField(max_length=255, db_index=True)
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.choices)
    name = models.CharField(_("name"), max_length=60)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    on_duty = models.BooleanField(_("on duty"), default=True)
    since = models.DateField(_("since"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("grid staff member")
        verbose_name_plural = _("grid staff")
        indexes = [models.Index(fields=["grid", "active"], name="gridstaff_grid_active")]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


class FourHavesAssessment(models.Model):
    """四有: the assessment of a grid party secretary (ability, prestige, public spirit, enthusiasm)."""

    staff = models.ForeignKey(GridStaff, on_delete=models.CASCADE, related_name="assessments")
    unit_path = models.CharField(max_length=255, db_index=True)
    assessed_on = models.DateField(_("assessed on"))
    ability = models.PositiveSmallIntegerField(_("ability"))  # 1–5 each
    prestige = models.PositiveSmallIntegerField(_("prestige"))
    public_spirit = models.PositiveSmallIntegerField(_("public spirit"))
    enthusiasm = models.PositiveSmallIntegerField(_("enthusiasm"))
    passed = models.BooleanField(_("passed"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("four-haves assessment")
        verbose_name_plural = _("four-haves assessments")

    def __str__(self):
        return f"{self.staff_id} {self.assessed_on}"


class CompoundProfile(models.Model):
    """A6: who runs a compound. Without property company, owners' committee and competent unit it is
    "three-without" and stays open until an arrangement (who manages it, since when) is recorded."""

    compound = models.OneToOneField("orgs.Unit", on_delete=models.CASCADE, related_name="compound_profile")
    unit_path = models.CharField(max_length=255, db_index=True)
    property_company = models.CharField(_("property company"), max_length=120, blank=True)
    project_manager = models.CharField(_("property project manager"), max_length=60, blank=True)
    owners_committee = models.CharField(_("owners' committee"), max_length=120, blank=True)
    competent_unit = models.CharField(_("competent unit"), max_length=120, blank=True)
    three_without = models.BooleanField(_("three-without"), default=False, db_index=True)
    three_without_since = models.DateField(_("three-without since"), null=True, blank=True)
    arrangement = models.CharField(_("arrangement (who manages it)"), max_length=200, blank=True)
    arranged_since = models.DateField(_("arranged since"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("compound profile")
        verbose_name_plural = _("compound profiles")

    def __str__(self):
        return f"profile of {self.compound_id}"

    @property
    def three_without_open(self) -> bool:
        return self.three_without and not self.arrangement


class TilingCheck(models.Model):
    """The integrity report's row for one parent unit (city … grid): do its children (counties …
    compounds) tile it? Database triggers (migration 0003) mark a parent's row stale whenever a unit is
    created, deleted, moved, renamed or reshaped under it or itself, whatever code path does it;
    `jiceng.network.integrity.refresh` recomputes stale rows (the sweep, the demo, the page for a
    few). The report reads these rows: a city's report is an index range scan, not a geometry pass.
    `parent_id` is a plain column (no foreign key): a deleted unit's row is dropped at its next check."""

    parent_id = models.BigIntegerField(primary_key=True)
    unit_path = models.CharField(max_length=255, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(max_length=32, blank=True)
    children = models.IntegerField(default=0)
    child_kind = models.CharField(max_length=16, blank=True)
    findings = models.JSONField(default=list)
    problems = models.IntegerField(default=0)
    checked_at = models.DateTimeField(null=True, blank=True)
    stale = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("tiling check")
        verbose_name_plural = _("tiling checks")
        indexes = [models.Index(fields=["stale", "unit_path"], name="tilingcheck_stale_path")]

    def __str__(self):
        return f"tiling {self.code}"
