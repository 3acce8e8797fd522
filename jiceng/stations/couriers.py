"""New employment groups (G4): couriers, delivery riders and ride-hailing drivers register with a mobile
number checked by the SMS code that public case intake already sends (cases.services), record visits to
stations through their QR codes, and sign up to volunteer in community activities (mobilize)."""

import datetime
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.cases.services import sms_code_send, sms_code_verify
from jiceng.cases.throttle import HOUR, throttle
from jiceng.core import crypto
from jiceng.core.audit import audit_record
from jiceng.core.errors import Conflict, NotFound, ValidationFailed
from jiceng.core.pii import mask_phone, validate_phone
from jiceng.core.scope import require_scope, subtree_q
from jiceng.mobilize.models import Activity
from jiceng.orgs.models import Unit
from jiceng.stations.models import Courier, CourierSignup, ServicePosition, Visit

VISIT_GAP = datetime.timedelta(minutes=30)
# Abuse limits (cases.throttle, exact under concurrent requests). Mobile networks put many phones behind
# one address, so the limits per address are generous; they stop scripts, not couriers.
VISITS_PER_ADDRESS_POSITION_HOUR = 10  # one station's visit count cannot be inflated from one address
VISITS_PER_ADDRESS_HOUR = 120
REGISTER_TRIES_PER_ADDRESS_HOUR = 20  # counted before any check, kept when the try is refused


def courier_sms_code_send(*, phone: str, client_address: str) -> str:
    return sms_code_send(phone=phone, client_address=client_address)


def courier_register(*, phone: str, sms_code: str, kind: str, name: str, community_code: str,
                     platform: str = "", client_address: str = "unknown", now=None) -> Courier:
    """Register a courier (no account): the phone is confirmed with the SMS code first. Tries are
    throttled per client address (counted in their own transaction, so refused tries count too), and
    whether a number is registered is said only to whoever holds its SMS code."""
    throttle([(f"addr:{(client_address or 'unknown')[:64]}:courier_register", REGISTER_TRIES_PER_ADDRESS_HOUR,
               HOUR)], _("Too many registrations were tried from here. Please try again in an hour."), now=now)
    if kind not in Courier.Kind.values:
        raise ValidationFailed(_("Choose courier, delivery rider or ride-hailing driver."), field="kind")
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise ValidationFailed(_("Give your name (at most 60 characters)."), field="name")
    if len((platform or "").strip()) > 60:
        raise ValidationFailed(_("The platform name is at most 60 characters."), field="platform")
    community = Unit.objects.filter(code=(community_code or "").strip(), kind="community").first()
    if community is None:
        raise ValidationFailed(_("No community with this code."), field="community")
    phone = validate_phone(phone or "")
    phone_hash = crypto.lookup_hash(phone)
    sms_code_verify(phone=phone, code=sms_code, now=now)  # first: no one learns a number is registered
    if Courier.objects.filter(phone_hash=phone_hash).exists():
        raise Conflict(_("This mobile number is already registered."), code="registered")
    try:
        with transaction.atomic():
            courier = Courier.objects.create(kind=kind, name=name, phone_enc=crypto.encrypt(phone),
                                             phone_hash=phone_hash, phone_masked=mask_phone(phone),
                                             platform=(platform or "").strip(), community=community,
                                             unit_path=community.path, token=secrets.token_urlsafe(24))
            audit_record(actor=None, action="courier.register", obj=courier,
                         changes={"kind": kind, "phone": "(set)"})
    except IntegrityError:
        raise Conflict(_("This mobile number is already registered."), code="registered") from None
    return courier


def courier_by_token(token: str | None) -> Courier | None:
    if not token:
        return None
    return Courier.objects.filter(token=token).first()


def visit_record(*, position: ServicePosition, courier: Courier | None = None, client_address: str = "unknown",
                 now=None) -> Visit | None:
    """One visit when a station's QR code is opened; a courier's repeat scan within 30 minutes counts once.
    Throttled per client address (Throttled, 429, nothing written): at most 10 visits an hour to one
    station and 120 an hour in all."""
    now = now or timezone.now()
    if courier is not None and Visit.objects.filter(position=position, courier=courier,
                                                    at__gte=now - VISIT_GAP).exists():
        return None
    address = (client_address or "unknown")[:64]
    with transaction.atomic():
        throttle([(f"addr:{address}:visit:{position.pk}", VISITS_PER_ADDRESS_POSITION_HOUR, HOUR),
                  (f"addr:{address}:visit", VISITS_PER_ADDRESS_HOUR, HOUR)],
                 _("Too many visits were recorded from here. Please try again later."), now=now)
        visit = Visit.objects.create(position=position, unit_path=position.unit_path, courier=courier, at=now)
        audit_record(actor=None, action="position.visit", obj=position,
                     changes={"courier": courier.pk if courier else None})
    return visit


def visits_bulk_create(*, actor, rows: list[tuple], note: str = "") -> int:
    """(position, courier or None, at) rows, one audit event (demo, imports)."""
    with transaction.atomic():
        Visit.objects.bulk_create([Visit(position=p, unit_path=p.unit_path, courier=c, at=at) for p, c, at in rows],
                                  batch_size=5000)
        audit_record(actor=actor, action="position.visits_bulk", object_type="stations.visit",
                     changes={"count": len(rows), "note": note})
    return len(rows)


def courier_signup(*, courier: Courier, activity) -> CourierSignup:
    """A registered courier signs up to a volunteer activity (capacity shared with members' sign-ups)."""
    with transaction.atomic():
        act = Activity.objects.select_for_update().filter(pk=activity.pk).first()
        if act is None:
            raise NotFound()
        if act.kind != "volunteer":
            raise ValidationFailed(_("Couriers sign up to volunteer activities."), field="activity")
        if act.starts_at <= timezone.now():
            raise ValidationFailed(_("The activity has already started."), field="activity")
        if CourierSignup.objects.filter(courier=courier, activity=act).exists():
            raise Conflict(_("Already signed up."))
        if act.signups.count() + CourierSignup.objects.filter(activity=act).count() >= act.capacity:
            raise Conflict(_("The activity is full."), code="full")
        signup = CourierSignup.objects.create(courier=courier, activity=act, unit_path=act.unit_path)
        audit_record(actor=None, action="courier.signup", obj=courier, changes={"activity": act.pk})
    return signup


def courier_hours_record(*, actor, signup: CourierSignup, hours) -> CourierSignup:
    """Staff of the activity's community credit the hours a courier served (at most the activity's length)."""
    require_scope(actor, signup.unit_path, "write")
    try:
        value = Decimal(str(hours)).quantize(Decimal("0.01"))
    except Exception:
        raise ValidationFailed(_("Hours are a number."), field="hours") from None
    act = signup.activity
    longest = Decimal((act.ends_at - act.starts_at).total_seconds() / 3600).quantize(Decimal("0.01"))
    if value < 0 or value > longest:
        raise ValidationFailed(_("Hours are between 0 and the activity's length (%(h)s)."), field="hours")
    with transaction.atomic():
        CourierSignup.objects.filter(pk=signup.pk).update(hours=value)
        audit_record(actor=actor, action="courier.hours", obj=signup.courier,
                     changes={"activity": act.pk, "hours": str(value)})
    signup.hours = value
    return signup


def upcoming_activities(courier: Courier, *, limit: int = 20):
    """Volunteer activities of the courier's street that have not started yet."""
    street_path = "/".join(courier.unit_path.split("/")[:4]) + "/"
    return list(Activity.objects.filter(subtree_q(street_path, "unit_path"), kind="volunteer",
                                        starts_at__gt=timezone.now()).order_by("starts_at")[:limit])


def couriers_bulk_create(*, actor, rows: list[dict], note: str = "") -> list[Courier]:
    """Couriers whose phones were confirmed elsewhere (demo, a platform's list): {kind, name, phone,
    platform, community}; validated like a registration; one audit event for the batch."""
    objs, seen = [], set()
    for row in rows:
        if row["kind"] not in Courier.Kind.values:
            raise ValidationFailed(_("Choose courier, delivery rider or ride-hailing driver."), field="kind")
        phone = validate_phone(row["phone"])
        phone_hash = crypto.lookup_hash(phone)
        if phone_hash in seen:
            raise Conflict(_("This mobile number is already registered."), code="registered")
        seen.add(phone_hash)
        community = row["community"]
        objs.append(Courier(kind=row["kind"], name=row["name"][:60], phone_enc=crypto.encrypt(phone),
                            phone_hash=phone_hash, phone_masked=mask_phone(phone), platform=row.get("platform", ""),
                            community=community, unit_path=community.path, token=secrets.token_urlsafe(24)))
    if Courier.objects.filter(phone_hash__in=seen).exists():
        raise Conflict(_("This mobile number is already registered."), code="registered")
    with transaction.atomic():
        objs = Courier.objects.bulk_create(objs, batch_size=2000)
        audit_record(actor=actor, action="courier.bulk_create", object_type="stations.courier",
                     changes={"count": len(objs), "note": note})
    return list(Courier.objects.filter(phone_hash__in=seen).order_by("id"))


def signups_bulk_create(*, actor, rows: list[tuple], note: str = "") -> int:
    """(courier, activity, hours) rows, one audit event (demo)."""
    with transaction.atomic():
        CourierSignup.objects.bulk_create([CourierSignup(courier=c, activity=a, unit_path=a.unit_path,
                                                         hours=Decimal(str(h)).quantize(Decimal("0.01")))
                                           for c, a, h in rows], batch_size=2000, ignore_conflicts=True)
        audit_record(actor=actor, action="courier.signups_bulk", object_type="stations.couriersignup",
                     changes={"count": len(rows), "note": note})
    return len(rows)
