"""Service positions (G2), the walking network and 15-minute coverage (G3), couriers and riders (G4).

A service position is a party-mass service centre (city, county, street, community level) or a compound
service station 小区党群服务驿站. Its location is stored in WGS-84 whatever system it was entered in.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    CITY = "city", _("City service centre")
    COUNTY = "county", _("County service centre")
    STREET = "street", _("Street service centre")
    COMMUNITY = "community", _("Community service centre")
    STATION = "station", _("Compound service station")


# The unit kind a position of each level belongs to.
LEVEL_UNIT_KIND = {"city": "city", "county": "county", "street": "street", "community": "community",
                   "station": "compound"}


class State(models.TextChoices):
    OPEN = "open", _("Open")
    CONSTRUCTION = "construction", _("Under construction")
    CLOSED = "closed", _("Closed")


class Amenity(models.Model):
    """One entry of the configurable amenity list (临时休息, 热水, 充电 …)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=40)
    sort = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("amenity")
        verbose_name_plural = _("amenities")
        ordering = ["sort", "code"]

    def __str__(self):
        return self.name


class ServicePosition(models.Model):
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, db_index=True)
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField(_("name"), max_length=120)
    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))
    address = models.CharField(_("address"), max_length=200)
    services = models.TextField(_("services offered"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=20, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN, db_index=True)
    amenities = models.ManyToManyField(Amenity, blank=True, related_name="positions", verbose_name=_("amenities"))
    # The token in the position's QR code (its public page records a visit when opened through it).
    qr_token = models.CharField(max_length=24, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("service position")
        verbose_name_plural = _("service positions")
        indexes = [models.Index(fields=["level", "unit_path"], name="position_level_path")]

    def __str__(self):
        return self.name


HOLIDAY = 7  # OpeningHours.day for public holidays (the cases holiday table); 0 = Monday … 6 = Sunday


class OpeningHours(models.Model):
    """One opening period of a position on a weekday (0 = Monday) or on public holidays (7)."""

    position = models.ForeignKey(ServicePosition, on_delete=models.CASCADE, related_name="hours")
    day = models.PositiveSmallIntegerField(_("day"))
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["day", "opens"]
        constraints = [models.CheckConstraint(condition=models.Q(closes__gt=models.F("opens")),
                                              name="hours_end_after_start")]


def photo_path(instance, filename):
    return f"stations/{instance.position_id}/{filename}"


class PositionPhoto(models.Model):
    position = models.ForeignKey(ServicePosition, on_delete=models.CASCADE, related_name="photos")
    unit_path = models.CharField(max_length=255, db_index=True)
    file = models.FileField(upload_to=photo_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)


class WalkNetwork(models.Model):
    """A walking network: nodes and edges as compressed numpy arrays (one row holds a whole network, so
    replacing it by a newer extract is one row switched in a transaction and nothing else changes).

    Arrays: node_lat, node_lng (float64), node_osm (int64, 0 for generated nodes), edge_u, edge_v
    (int32 node indexes), edge_m (float64 metres), edge_way (int64 OSM way id, 0 for generated)."""

    source = models.CharField(_("source"), max_length=200)
    nodes = models.PositiveIntegerField(default=0)
    edges = models.PositiveIntegerField(default=0)
    data = models.BinaryField()
    active = models.BooleanField(default=False, db_index=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("walking network")
        verbose_name_plural = _("walking networks")


class CoverageRun(models.Model):
    """One computation of walking times from every building to the nearest open position."""

    as_of = models.DateTimeField()
    network = models.ForeignKey(WalkNetwork, null=True, on_delete=models.SET_NULL, related_name="+")
    speed_m_s = models.FloatField()
    positions = models.PositiveIntegerField(default=0)
    buildings = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)


class BuildingCoverage(models.Model):
    """Walking time (seconds) from a building to the nearest open position; null = no path."""

    building = models.OneToOneField("orgs.Unit", on_delete=models.CASCADE, primary_key=True, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    lat = models.FloatField()
    lng = models.FloatField()
    residents = models.PositiveIntegerField(default=0)
    walk_s = models.FloatField(null=True)
    position = models.ForeignKey(ServicePosition, null=True, on_delete=models.SET_NULL, related_name="+")


class Courier(models.Model):
    """A courier, delivery rider or ride-hailing driver registered with a phone checked by SMS code."""

    class Kind(models.TextChoices):
        COURIER = "courier", _("Courier")
        RIDER = "rider", _("Delivery rider")
        DRIVER = "driver", _("Ride-hailing driver")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=60)
    phone_enc = models.TextField()
    phone_hash = models.CharField(max_length=64, unique=True)
    phone_masked = models.CharField(max_length=20)
    platform = models.CharField(_("platform or company"), max_length=60, blank=True)
    community = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    token = models.CharField(max_length=48, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("registered courier or rider")
        verbose_name_plural = _("registered couriers and riders")


class CourierSignup(models.Model):
    """A courier's sign-up to a community activity (mobilize); hours credited when recorded."""

    courier = models.ForeignKey(Courier, on_delete=models.CASCADE, related_name="signups")
    activity = models.ForeignKey("mobilize.Activity", on_delete=models.CASCADE, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)  # the activity's
    hours = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["courier", "activity"], name="courier_signup_once")]


class Visit(models.Model):
    """A visit to a position recorded when its QR code is scanned."""

    position = models.ForeignKey(ServicePosition, on_delete=models.CASCADE, related_name="visits")
    unit_path = models.CharField(max_length=255, db_index=True)
    courier = models.ForeignKey(Courier, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits")
    at = models.DateTimeField(db_index=True)
