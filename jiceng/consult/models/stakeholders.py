"""Stakeholders of a compound and community (D1) and their links up and down to the party organization:
owners' committees, property companies serving compounds (each compound's project manager, who reports in
every year), volunteer teams, resident units linked from double registration, cross-appointments and
party-building instructors with their visits.

People are rows of the people registry (`people.Person`): whether one is a party member is read from
their party membership there, never typed here."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OwnersCommittee(models.Model):
    """业主委员会 of one compound, for one term."""

    compound = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField(_("name"), max_length=120)
    elected_on = models.DateField(_("election date"))
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"))
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("owners' committee")
        verbose_name_plural = _("owners' committees")
        constraints = [models.UniqueConstraint(fields=["compound"], condition=models.Q(active=True),
                                               name="ownerscommittee_one_active_per_compound")]

    def __str__(self):
        return self.name


class CommitteeRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice chair")
    MEMBER = "member", _("Member")


class OwnersCommitteeMember(models.Model):
    committee = models.ForeignKey(OwnersCommittee, on_delete=models.CASCADE, related_name="members")
    unit_path = models.CharField(max_length=255, db_index=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=12, choices=CommitteeRole.choices, default=CommitteeRole.MEMBER)

    class Meta:
        verbose_name = _("owners' committee member")
        verbose_name_plural = _("owners' committee members")
        constraints = [
            models.UniqueConstraint(fields=["committee", "person"], name="ocmember_once"),
            models.UniqueConstraint(fields=["committee"], condition=models.Q(role="chair"), name="ocmember_one_chair"),
        ]

    def __str__(self):
        return f"{self.committee_id}/{self.person_id}"


class PropertyCompany(models.Model):
    """物业企业, registered by the street or community where it works; it may serve several compounds."""

    name = models.CharField(_("name"), max_length=120)
    licence_code = models.CharField(_("unified social credit code"), max_length=18, db_index=True)
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("property company")
        verbose_name_plural = _("property companies")
        constraints = [models.UniqueConstraint(fields=["licence_code"], name="propertycompany_licence_unique")]

    def __str__(self):
        return self.name


class PropertyService(models.Model):
    """A property company serving one compound, with that compound's project manager (项目经理)."""

    company = models.ForeignKey(PropertyCompany, on_delete=models.PROTECT, related_name="services")
    compound = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    manager = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("project manager"))
    started_on = models.DateField(_("serving since"))
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("property service")
        verbose_name_plural = _("property services")
        constraints = [models.UniqueConstraint(fields=["compound"], condition=models.Q(active=True),
                                               name="propertyservice_one_active_per_compound")]

    def __str__(self):
        return f"{self.company_id}@{self.compound_id}"


class ReportInKind(models.TextChoices):
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")


class ReportIn(models.Model):
    """A project manager's yearly report-in 报到 to the compound's community and to its grid."""

    service = models.ForeignKey(PropertyService, on_delete=models.CASCADE, related_name="report_ins")
    unit_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    to = models.CharField(_("reported in to"), max_length=10, choices=ReportInKind.choices)
    reported_on = models.DateField(_("reported on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = _("report-in")
        verbose_name_plural = _("report-ins")
        constraints = [models.UniqueConstraint(fields=["service", "year", "to"], name="reportin_once_a_year")]

    def __str__(self):
        return f"{self.service_id} {self.year} {self.to}"


class VolunteerTeam(models.Model):
    """A volunteer team serving a compound or a community."""

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField(_("name"), max_length=120)
    skills = models.ManyToManyField("mobilize.Skill", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")

    def __str__(self):
        return self.name


class VolunteerTeamMember(models.Model):
    team = models.ForeignKey(VolunteerTeam, on_delete=models.CASCADE, related_name="members")
    unit_path = models.CharField(max_length=255, db_index=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    leader = models.BooleanField(_("team leader"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "person"], name="volunteer_once_per_team")]

    def __str__(self):
        return f"{self.team_id}/{self.person_id}"


class ResidentUnitLink(models.Model):
    """A resident unit 驻区单位 registered with the community (double registration, mobilize) that takes part
    in a compound's affairs: a link to its registration, nothing copied."""

    registration = models.ForeignKey("mobilize.AgencyRegistration", on_delete=models.CASCADE, related_name="+")
    compound = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)

    class Meta:
        verbose_name = _("resident unit link")
        verbose_name_plural = _("resident unit links")
        constraints = [models.UniqueConstraint(fields=["registration", "compound"], name="residentunit_link_once")]

    def __str__(self):
        return f"{self.registration_id}@{self.compound_id}"


class AppointmentKind(models.TextChoices):
    BIG_COMMITTEE = "big_committee", _("Part-time member of the community big party committee")
    BRANCH_COMMITTEE = "branch_committee", _("Member of the compound branch committee")
    HEADS_OWNERS_COMMITTEE = "heads_owners_committee", _("Community cadre heading the owners' committee")


class CrossAppointment(models.Model):
    """交叉任职: upward, an owners' committee or property company member appointed to the big committee
    (a row of its part-time member roster) or to the compound branch committee; downward, a community
    cadre put forward to head the owners' committee."""

    kind = models.CharField(_("kind"), max_length=24, choices=AppointmentKind.choices)
    compound = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    owners_committee = models.ForeignKey(OwnersCommittee, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")
    property_company = models.ForeignKey(PropertyCompany, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")
    part_time_member = models.ForeignKey("orgs.PartTimeMember", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")
    branch = models.ForeignKey("orgs.PartyOrg", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cross-appointment")
        verbose_name_plural = _("cross-appointments")

    def __str__(self):
        return f"{self.kind} {self.person_id}"


class Instructor(models.Model):
    """党建指导员 sent to a property company: an assignment of an entry of the one instructor roster
    (neworgs.Instructor, which new organizations point at too) to a company for a term."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    roster = models.ForeignKey("neworgs.Instructor", null=True, on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(PropertyCompany, on_delete=models.PROTECT, related_name="instructors")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")  # the sending community
    unit_path = models.CharField(max_length=255, db_index=True)
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("party-building instructor")
        verbose_name_plural = _("party-building instructors")

    def __str__(self):
        return f"{self.person_id}@{self.company_id}"


class InstructorVisit(models.Model):
    instructor = models.ForeignKey(Instructor, on_delete=models.CASCADE, related_name="visits")
    unit_path = models.CharField(max_length=255, db_index=True)
    visited_on = models.DateField(_("visited on"))
    note = models.TextField(_("note"))

    class Meta:
        verbose_name = _("instructor visit")
        verbose_name_plural = _("instructor visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.instructor_id} {self.visited_on}"
