"""The spine: units from city to household, the party organization chain, big committees (A1–A3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")
    COMPOUND = "compound", _("Compound")
    BUILDING = "building", _("Building")
    HOUSEHOLD = "household", _("Household")


KIND_ORDER = [k.value for k in UnitKind]
CHILD_KIND = dict(zip(KIND_ORDER[:-1], KIND_ORDER[1:], strict=True))
PARENT_KIND = {child: parent for parent, child in CHILD_KIND.items()}
# Length of a code of each kind (GB/T 2260 for city/county, then 3 digits per level, 4 for households).
CODE_LENGTH = {"city": 6, "county": 6, "street": 9, "community": 12, "grid": 15, "compound": 18,
               "building": 21, "household": 25}


class Unit(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices, db_index=True)
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0)
    # Geometry in WGS-84 as WKB (shapely), with a representative point for maps and distances.
    geom = models.BinaryField(null=True, blank=True, editable=False)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [models.Index(fields=["kind", "path"], name="unit_kind_path")]

    def __str__(self):
        return self.name

    @property
    def ancestor_codes(self) -> list[str]:
        return [c for c in self.path.split("/") if c]


class PartyOrgKind(models.TextChoices):
    CITY_COMMITTEE = "city_committee", _("City party committee")
    COUNTY_COMMITTEE = "county_committee", _("County party committee")
    STREET_WORKING_COMMITTEE = "street_working_committee", _("Street party working committee")
    COMMUNITY_COMMITTEE = "community_committee", _("Community party committee")
    COMMUNITY_GENERAL_BRANCH = "community_general_branch", _("Community party general branch")
    COMMUNITY_BRANCH = "community_branch", _("Community party branch")
    GRID_BRANCH = "grid_branch", _("Grid (compound) party branch")
    GRID_GROUP = "grid_group", _("Grid (compound) party group")
    BUILDING_GROUP = "building_group", _("Building party group")
    UNIT_ORG = "unit_org", _("Agency / enterprise party organization")


# Which party organization kinds may sit on which unit kind.
PARTY_ORG_UNIT_KINDS = {
    "city_committee": {"city"},
    "county_committee": {"county"},
    "street_working_committee": {"street"},
    "community_committee": {"community"},
    "community_general_branch": {"community"},
    "community_branch": {"community"},
    "grid_branch": {"grid", "compound"},
    "grid_group": {"grid", "compound"},
    "building_group": {"building"},
    "unit_org": {"county", "street", "community"},
}
GRID_PARTY_ORG_KINDS = ("grid_branch", "grid_group")
COMMUNITY_PARTY_ORG_KINDS = ("community_committee", "community_general_branch", "community_branch")
# The chain (A2): the kinds of party organization each kind sits under, and the unit kind that parent sits on
# (a grid branch under its community's committee, a community committee under its street's working
# committee, …). An agency or enterprise organization sits under the committee of its county, street or
# community. A city committee has no parent.
PARTY_ORG_PARENT_KINDS = {
    "city_committee": (),
    "county_committee": ("city_committee",),
    "street_working_committee": ("county_committee",),
    "community_committee": ("street_working_committee",),
    "community_general_branch": ("street_working_committee",),
    "community_branch": ("street_working_committee",),
    "grid_branch": COMMUNITY_PARTY_ORG_KINDS,
    "grid_group": COMMUNITY_PARTY_ORG_KINDS,
    "building_group": GRID_PARTY_ORG_KINDS + COMMUNITY_PARTY_ORG_KINDS,
    "unit_org": ("county_committee", "street_working_committee") + COMMUNITY_PARTY_ORG_KINDS,
}


class PartyOrg(models.Model):
    kind = models.CharField(_("kind"), max_length=32, choices=PartyOrgKind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=120)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="party_orgs")
    unit_path = models.CharField(max_length=255, db_index=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    secretary = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    established_on = models.DateField(_("established on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("party organization")
        verbose_name_plural = _("party organizations")
        indexes = [models.Index(fields=["kind", "unit_path"], name="partyorg_kind_path")]

    def __str__(self):
        return self.name


class CommitteeLevel(models.TextChoices):
    STREET = "street", _("Street big working committee")
    COMMUNITY = "community", _("Community big party committee")


class BigCommittee(models.Model):
    """Street 大工委 / community 大党委 (A3)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="big_committees")
    unit_path = models.CharField(max_length=255, db_index=True)
    level = models.CharField(_("level"), max_length=16, choices=CommitteeLevel.choices)
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"))
    established_on = models.DateField(_("established on"))

    class Meta:
        verbose_name = _("big committee")
        verbose_name_plural = _("big committees")
        constraints = [models.UniqueConstraint(fields=["unit", "term_start"], name="bigcommittee_unit_term")]


class PartTimeSource(models.TextChoices):
    UNIT_PARTY_ORG = "unit_party_org", _("Unit party organization")
    POLICE = "police", _("Police station")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    PROPERTY_COMPANY = "property_company", _("Property company")
    OTHER = "other", _("Other")


class PartTimeMember(models.Model):
    committee = models.ForeignKey(BigCommittee, on_delete=models.CASCADE, related_name="members")
    unit_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField(_("name"), max_length=60)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(_("source"), max_length=32, choices=PartTimeSource.choices)
    source_org = models.CharField(_("source organization"), max_length=120)
    # The unit party organization a member from a resident unit comes from (source "unit_party_org").
    source_party_org = models.ForeignKey(PartyOrg, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", verbose_name=_("source party organization"))
    position = models.CharField(_("position"), max_length=60, blank=True)
    active = models.BooleanField(default=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("part-time committee member")
        verbose_name_plural = _("part-time committee members")


TALLY_KINDS = ["county", "street", "community", "grid", "compound", "building", "household"]
TALLY_PEOPLE = ["residents", "non_residents"]


class UnitTally(models.Model):
    """Counts under a unit (itself excluded), kept current in the same transaction as every write
    that changes them (units created or moved, residents registered or moved): the unit browser and
    the structure figures read one row instead of scanning a subtree. `manage.py tally_rebuild`
    recomputes them from scratch; a test compares them with direct counts."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, primary_key=True, related_name="tally")
    county = models.IntegerField(default=0)
    street = models.IntegerField(default=0)
    community = models.IntegerField(default=0)
    grid = models.IntegerField(default=0)
    compound = models.IntegerField(default=0)
    building = models.IntegerField(default=0)
    household = models.IntegerField(default=0)
    residents = models.IntegerField(default=0)
    # Registered people who are not residents (in-service party members, workers …), at or under the unit:
    # the people list's total comes from residents + non_residents, never a COUNT over the people.
    non_residents = models.IntegerField(default=0)

    def __str__(self):
        return f"tally {self.unit_id}"
