"""The registry of "two new" organizations in the grid and their two coverages (A7 两个覆盖).

A new organization (small and micro enterprise, individual business, commercial building, business
district, courier or logistics station, enterprise outlet, social organization) lies in one grid (routed
from its point or address like a case) and records its employees and the party members among them.

Party-organization coverage: its own branch, a joint branch with neighbours 联合党支部, or the grid's branch.
Party-work coverage: a party organization, or a party-building instructor or liaison assigned.
"Should build, build all" 应建尽建: three or more party members and no branch of its own (own or joint)
puts it on its community's gap list (`gap`, kept by the services) until one is recorded.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

SHOULD_BUILD_MEMBERS = 3  # party members from which an organization should have its own (or a joint) branch


class Kind(models.TextChoices):
    SMALL_MICRO = "small_micro", _("Small or micro enterprise")
    INDIVIDUAL = "individual", _("Individual business")
    COMMERCIAL_BUILDING = "commercial_building", _("Commercial building")
    BUSINESS_DISTRICT = "business_district", _("Business district")
    COURIER_STATION = "courier_station", _("Courier or logistics station")
    ENTERPRISE_OUTLET = "enterprise_outlet", _("Enterprise outlet")
    SOCIAL_ORG = "social_org", _("Social organization")


class OrgCoverage(models.TextChoices):
    NONE = "none", _("No party organization")
    OWN = "own", _("Own party branch")
    JOINT = "joint", _("Joint branch with neighbours")
    GRID = "grid", _("Covered by the grid's branch")


# Coverages that count as a branch built for "should build, build all".
BUILT = (OrgCoverage.OWN, OrgCoverage.JOINT)


class WorkCoverage(models.TextChoices):
    NONE = "none", _("No instructor or liaison")
    INSTRUCTOR = "instructor", _("Party-building instructor")
    LIAISON = "liaison", _("Party-building liaison")


def is_gap(party_members: int, org_coverage: str) -> bool:
    return party_members >= SHOULD_BUILD_MEMBERS and org_coverage not in BUILT


def is_work_covered(org_coverage: str, work_coverage: str) -> bool:
    return org_coverage != OrgCoverage.NONE or work_coverage != WorkCoverage.NONE


class Instructor(models.Model):
    """The one roster of party-building instructors 党建指导员 and liaisons 党建联络员, kept by the community that
    sends them: a new organization's party-work coverage points here (its `work_contact` is the name shown), and
    so does consult's assignment of an instructor to a property company (consult sits above neworgs)."""

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")  # the sending community
    unit_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField(_("name"), max_length=60)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    role = models.CharField(_("role"), max_length=12, choices=[("instructor", _("Party-building instructor")),
                                                               ("liaison", _("Party-building liaison"))],
                            default="instructor")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("instructor or liaison")
        verbose_name_plural = _("instructors and liaisons")
        indexes = [models.Index(fields=["unit", "name"], name="neworgs_instructor_unit_name")]

    def __str__(self):
        return self.name


class NewOrg(models.Model):
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=120)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, db_index=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    grid = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255)
    employees = models.PositiveIntegerField(_("employees"), default=0)
    party_members = models.PositiveIntegerField(_("party members among them"), default=0)
    org_coverage = models.CharField(_("party organization"), max_length=8, choices=OrgCoverage.choices,
                                    default=OrgCoverage.NONE)
    branch_name = models.CharField(_("branch"), max_length=120, blank=True)
    branch_since = models.DateField(_("branch since"), null=True, blank=True)
    work_coverage = models.CharField(_("party work"), max_length=12, choices=WorkCoverage.choices,
                                     default=WorkCoverage.NONE)
    work_contact = models.CharField(_("instructor or liaison"), max_length=60, blank=True)
    # The roster entry of that instructor or liaison (the name above is theirs, kept for lists and exports).
    instructor = models.ForeignKey(Instructor, null=True, blank=True, on_delete=models.SET_NULL, related_name="orgs")
    # Kept by the services (is_gap): on the "should build" gap list.
    gap = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("new organization")
        verbose_name_plural = _("new organizations")
        indexes = [models.Index(fields=["unit_path"], name="neworg_path"),
                   models.Index(fields=["gap", "unit_path"], name="neworg_gap_path")]
        constraints = [models.CheckConstraint(condition=models.Q(party_members__lte=models.F("employees")),
                                              name="neworg_members_within_employees")]

    @property
    def has_party_org(self) -> bool:
        return self.org_coverage != OrgCoverage.NONE

    @property
    def work_covered(self) -> bool:
        return is_work_covered(self.org_coverage, self.work_coverage)

    def __str__(self):
        return self.name
