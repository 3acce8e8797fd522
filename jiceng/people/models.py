"""People, their party membership and party-member central households (A2, personal data H3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiceng.core.pii import age_on


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Person(models.Model):
    name = models.CharField(_("name"), max_length=60, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    # Identity and phone numbers: AES-GCM ciphertext, HMAC for exact lookup, masked form for lists.
    id_number_enc = models.TextField(blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_number_masked = models.CharField(_("identity number"), max_length=24, blank=True, editable=False)
    phone_enc = models.TextField(blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    household = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="people")
    # The path of the household (or of the unit the person is registered under): scope and counts.
    unit_path = models.CharField(max_length=255, db_index=True)
    is_resident = models.BooleanField(_("resident"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        # No unique constraint on the identity number: a number registered outside the registering
        # worker's area must be answered like an unknown one, so a second record can exist (issue 10,
        # item 6); uniqueness is checked inside the actor's area (people.services.person_create).

    @property
    def age(self) -> int | None:
        """What pages, the API and exports show instead of the birth date (issue 10, item 5)."""
        from django.utils import timezone

        return age_on(self.birth_date, timezone.localdate())

    def __str__(self):
        return self.name


class PartyMembership(models.Model):
    """组织关系: the one party organization a member belongs to."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="party_membership")
    org = models.ForeignKey("orgs.PartyOrg", on_delete=models.PROTECT, related_name="memberships")
    unit_path = models.CharField(max_length=255, db_index=True)
    joined_on = models.DateField(_("joined the party on"), null=True, blank=True)
    in_service = models.BooleanField(_("in-service member"), default=False)
    employer = models.CharField(_("employer"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("party membership")
        verbose_name_plural = _("party memberships")


class CentralHousehold(models.Model):
    """党员中心户: a party member who looks after a set of neighbouring households."""

    member = models.OneToOneField(PartyMembership, on_delete=models.CASCADE, related_name="central_household")
    grid = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    households = models.ManyToManyField("orgs.Unit", related_name="central_households", blank=True)

    class Meta:
        verbose_name = _("party-member central household")
        verbose_name_plural = _("party-member central households")

    @property
    def audit_unit_path(self):
        return self.unit_path


class CentralHouseholdVisit(models.Model):
    """A visit of a central household's member to one of the households they look after."""

    central_household = models.ForeignKey(CentralHousehold, on_delete=models.CASCADE, related_name="visits")
    household = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)  # the household's path
    visited_on = models.DateField(_("visited on"), db_index=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("central household visit")
        verbose_name_plural = _("central household visits")

    @property
    def audit_unit_path(self):
        return self.unit_path
