"""Writes to cases. Every function checks scope and role, validates, runs in one transaction, writes
the audit log and the case timeline, keeps the monthly rollup current, and queues notifications on
commit. `actor=None` is the system (demo builder, sweeps, the public pages acting for a reporter)."""

import datetime
import hashlib
import hmac
import secrets
import time
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.cases import workflow
from jiceng.cases.deadlines import deadline_for
from jiceng.cases.models import (
    CARD_KIND,
    CARD_SUBJECT,
    FINAL_STATUSES,
    LEVEL_ORDER,
    ROLLUP_FIELDS,
    Attachment,
    Case,
    CaseEvent,
    Category,
    Department,
    Holiday,
    Level,
    PhoneCheck,
    Rating,
    Rollup,
    Source,
    Status,
    Whistle,
)
from jiceng.cases.throttle import DAY, HOUR, MINUTE, throttle
from jiceng.core.audit import audit_record
from jiceng.core.bulk import converter, insert_object, insert_objects, insert_values
from jiceng.core.crypto import lookup_hash
from jiceng.core.errors import Conflict, Forbidden, NotFound, ServiceError, Throttled, ValidationFailed
from jiceng.core.excel import RowErrors
from jiceng.core.geo.distance import box_deg, plane_m
from jiceng.core.notify import Message, encrypt_contact, notify
from jiceng.core.pii import mask_phone, validate_phone
from jiceng.core.scope import require_scope, user_can, user_grants
from jiceng.core.supervision import card_chase, card_raise, cards_about, cards_resolve
from jiceng.core.text import checked_text
from jiceng.core.uploads import clean_images
from jiceng.orgs.models import Unit

MAX_DESCRIPTION = 4000
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 4
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out over the phone


__all__ = ["Throttled"]  # re-exported: callers catch services.Throttled

FOLLOW_SECRET_LENGTH = 12  # 60 bits from CODE_ALPHABET, easy to read out and type


def new_case_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def month_of(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date().replace(day=1)


# ------------------------------------------------------------------------------------------------
# The rollup


def rollup_bump(unit_path: str, month: datetime.date, **deltas) -> None:
    """Add `deltas` to the grid's counters for the month (insert the row if missing), in one statement."""
    deltas = {k: v for k, v in deltas.items() if v}
    if not deltas:
        return
    cols = ["unit_path", "month", *ROLLUP_FIELDS]
    values = [unit_path, month] + [deltas.get(f, 0) for f in ROLLUP_FIELDS]
    table = Rollup._meta.db_table
    sets = ", ".join(f"{f} = {table}.{f} + excluded.{f}" for f in deltas)
    placeholders = ", ".join(["%s"] * len(cols))
    sql = (f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({placeholders}) "  # noqa: S608  # nosec B608  # identifiers from model metadata, values bound as parameters
           f"ON CONFLICT (unit_path, month) DO UPDATE SET {sets}")
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


def _rating_counts(rating: str, sign: int = 1) -> dict:
    return {"rated": sign, "satisfied": sign if rating == Rating.SATISFIED else 0,
            "basic": sign if rating == Rating.BASIC else 0}


# ------------------------------------------------------------------------------------------------
# Helpers


def actor_label(actor, path: str) -> str:
    """How a timeline names who acted: the role and unit of the actor's grant nearest to `path` (the
    case's handling unit), never a username — public timelines show it. The system: "系统"."""
    from jiceng.core.roles import Role

    if actor is None or not getattr(actor, "pk", None):
        return _("System")
    if not isinstance(path, str):
        path = ""
    grants = [g for g in user_grants(actor) if path.startswith(g.unit_path)] or list(user_grants(actor))
    if not grants:
        return _("Staff")
    g = max(grants, key=lambda g: len(g.unit_path) if path.startswith(g.unit_path) else -len(g.unit_path))
    role = str(Role(g.role).label) if g.role in Role.values else g.role
    return f"{role} · {g.unit.name}"[:150]


def _event(case: Case, *, actor, action: str, before: str, comment: str = "", at=None, public: bool = True):
    event = CaseEvent(
        case=case, at=at or timezone.now(), actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label(actor, case.handler_path), action=action, from_status=before,
        to_status=case.status, handler_path=case.handler_path, comment=(comment or "")[:2000], public=public)
    insert_object(event)
    return event


def case_about(case: Case) -> dict:
    """A case as the subject of a notification (core's Message and in-app row know no case)."""
    return {"subject_type": CARD_SUBJECT, "subject_id": str(case.pk), "subject_label": case.code,
            "link": reverse("cases:detail", args=[case.code])}


def _notify_case(case: Case, text: str, *, kind: str = "case.status", reporter: bool = True, desk: bool = True,
                 private: str = ""):
    msg = Message(kind=kind, text=text, **case_about(case), unit_path=case.handler_path if desk else "",
                  data={"code": case.code, "status": case.status})
    if reporter:
        if case.reporter_id:
            msg.user_ids = [case.reporter_id]
        msg.phone_enc = case.reporter_phone_enc
        msg.email_enc = case.reporter_email_enc
        msg.subject = _("Case %(code)s") % {"code": case.code}
        if private:
            msg.private(private)
    notify(msg)


def _roles_over(actor, path: str, *, strictly_above: bool = False) -> set[str]:
    roles = set()
    for g in user_grants(actor):
        if path.startswith(g.unit_path) and not (strictly_above and g.unit_path == path):
            roles.add(g.role)
    return roles


def check_action_allowed(actor, case: Case, action: workflow.Action) -> None:
    """404 when the case is outside the actor's area; 403 when the role may not take this action."""
    if actor is None:
        return
    require_scope(actor, case.unit_path, "read")
    roles = _roles_over(actor, case.handler_path, strictly_above=action.where == "above")
    if not roles & action.roles:
        raise Forbidden(_("Your role may not “%(action)s” this case at its current level.")
                        % {"action": action.label})


def _set_deadline(case: Case, start: datetime.datetime, category: Category, hours: float | None = None):
    case.deadline_at, case.warn_at = deadline_for(start, hours or category.deadline_hours, category.deadline_kind)
    case.warned = False


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _deadline_event(case: Case, *, before, actor, at, reason: str) -> None:
    """Every change of a case's deadline is a timeline step with the old and new deadline and its reason
    (never a silent move): after the step that changed it, on the staff timeline."""
    if before == case.deadline_at:
        return
    _event(case, actor=actor, action="deadline", before=case.status, at=at, public=False,
           comment=_("%(old)s → %(new)s: %(reason)s") % {"old": _when(before), "new": _when(case.deadline_at),
                                                         "reason": reason})


def _handler_for_level(chain: list[Unit], level: str) -> Unit:
    by_kind = {u.kind: u for u in chain}
    return by_kind.get(level) or chain[-1]


def validate_photos(photos) -> list:
    """Every photo decoded and re-encoded by jiceng.core.uploads (no EXIF, a server-chosen name)."""
    return clean_images(photos, field="photos", max_count=MAX_PHOTOS, max_bytes=MAX_PHOTO_BYTES)


INTAKE_PER_USER_HOUR = 60  # a grid worker on patrol or a hotline desk: about one a minute, sustained
INTAKE_PER_PHONE_DAY = 10  # receipts (SMS) sent to one reporter number a day
INTAKE_PER_EMAIL_DAY = 10


OPEN311_PER_KEY_HOUR = 600


def _throttle_intake(*, actor, client_address: str | None, phone: str, email: str, key_id=None, now) -> None:
    """Per connection (public reports), per user (staff, API), per destination number and address (the
    receipt goes there by SMS or e-mail): 429 beyond the limits. Exact under concurrency."""
    keys = []
    if client_address is not None:
        keys.append((f"addr:{client_address[:64]}:intake",
                     getattr(settings, "JICENG_INTAKE_MAX_PER_HOUR", 20), HOUR))
    if getattr(actor, "pk", None):
        keys.append((f"user:{actor.pk}:intake", getattr(settings, "JICENG_INTAKE_MAX_PER_USER_HOUR",
                                                        INTAKE_PER_USER_HOUR), HOUR))
    if key_id is not None:
        keys.append((f"open311:{key_id}:intake", OPEN311_PER_KEY_HOUR, HOUR))
    if phone:
        keys.append((f"phone:{lookup_hash(phone)}:intake", INTAKE_PER_PHONE_DAY, DAY))
    if email:
        keys.append((f"email:{lookup_hash(email.lower())}:intake", INTAKE_PER_EMAIL_DAY, DAY))
    throttle(keys, _("Too many reports were sent from here or to this number. Please try again later, or "
                     "call the hotline."), now=now)


# ------------------------------------------------------------------------------------------------
# The optional SMS code check of public reports (B1, JICENG_INTAKE_SMS_CHECK)

SMS_CODE_TTL = datetime.timedelta(minutes=10)
SMS_CODE_TRIES = 5
SMS_CODE_GAP = datetime.timedelta(seconds=60)
SMS_CODES_PER_PHONE_HOUR = 5
SMS_CODES_PER_ADDRESS_HOUR = 20


def sms_check_required() -> bool:
    return bool(getattr(settings, "JICENG_INTAKE_SMS_CHECK", False))


def _sms_code_hash(phone_hash: str, code: str) -> str:
    return hashlib.sha256(f"{phone_hash}:{code}".encode("ascii", "replace")).hexdigest()


def sms_code_send(*, phone: str, client_address: str, now=None) -> str:
    """Send a 6-digit code to a reporter's mobile number (after commit, through the SMS channel).
    Returns the masked number. Throttled: one code a minute per number, 5 an hour per number, 20 an
    hour per client address."""
    phone = validate_phone(phone or "")
    if not phone.startswith("1"):
        raise ValidationFailed(_("An SMS code needs a mobile number (11 digits)."), field="phone",
                               code="not_mobile")
    now = now or timezone.now()
    phone_hash = lookup_hash(phone)
    address = (client_address or "unknown")[:64]
    code = f"{secrets.randbelow(10 ** 6):06d}"
    with transaction.atomic():
        # Conditional counters (exact under concurrency): one code a minute and five an hour per number,
        # 20 an hour per connection.
        throttle([(f"phone:{phone_hash}:smscode:gap", 1, MINUTE)],
                 _("A code was sent to this number just now; you can ask again in a minute."), now=now)
        throttle([(f"phone:{phone_hash}:smscode", SMS_CODES_PER_PHONE_HOUR, HOUR),
                  (f"addr:{address}:smscode", SMS_CODES_PER_ADDRESS_HOUR, HOUR)],
                 _("Too many codes were asked for. Please try again in an hour, or call the hotline."), now=now)
        check = PhoneCheck.objects.create(phone_hash=phone_hash, code_hash=_sms_code_hash(phone_hash, code),
                                          address=address, created_at=now, expires_at=now + SMS_CODE_TTL)
        # The code itself travels encrypted and only by SMS (never in-app, e-mail or webhook).
        notify(Message(kind="intake.sms_code", channels=["sms"], phone_enc=encrypt_contact(phone),
                       text=_("An SMS code for reporting a problem was sent.")).private(
            _("Your code for reporting a problem is %(code)s, valid for 10 minutes. "
              "Do not tell it to anyone.") % {"code": code}))
        audit_record(actor=None, action="case.sms_code_send", obj=check,
                     changes={"expires_at": check.expires_at.isoformat()})
    return mask_phone(phone)


def _sms_code_use(phone: str, code: str, now) -> None:
    """Check the code sent to `phone` and use it up. A wrong code costs one of its five tries, kept
    although the report is refused (its own transaction, committed before the refusal)."""
    if not phone:
        raise ValidationFailed(_("Give your mobile number and the code sent to it: reports here are confirmed "
                                 "by SMS."), field="phone", code="phone_required")
    code = (code or "").strip()
    phone_hash = lookup_hash(phone)
    with transaction.atomic():
        check = (PhoneCheck.objects.select_for_update()
                 .filter(phone_hash=phone_hash, used_at__isnull=True, expires_at__gt=now)
                 .order_by("-created_at").first())
        if check is None:
            raise ValidationFailed(_("Ask for an SMS code for this number first; a code is valid for 10 minutes."),
                                   field="sms_code", code="sms_code_missing")
        if check.attempts >= SMS_CODE_TRIES:
            raise ValidationFailed(_("The code was entered wrongly too often; ask for a new one."),
                                   field="sms_code", code="sms_code_locked")
        right = bool(code) and hmac.compare_digest(check.code_hash, _sms_code_hash(phone_hash, code))
        if right:
            PhoneCheck.objects.filter(pk=check.pk).update(used_at=now)
        else:
            PhoneCheck.objects.filter(pk=check.pk).update(attempts=F("attempts") + 1)
            audit_record(actor=None, action="case.sms_code_wrong", obj=check,
                         changes={"attempts": check.attempts + 1})
    if not right:
        raise ValidationFailed(_("The SMS code is not right; %(n)d tries left.")
                               % {"n": SMS_CODE_TRIES - check.attempts - 1}, field="sms_code",
                               code="sms_code_wrong")


def sms_code_verify(*, phone: str, code: str, now=None) -> None:
    """Check and use up the SMS code sent to `phone` (for other public sign-ups, e.g. couriers in
    stations); raises ValidationFailed like the intake check."""
    _sms_code_use(validate_phone(phone or ""), code, now or timezone.now())


# ------------------------------------------------------------------------------------------------
# Intake (B1)


def locate(*, lat=None, lng=None, crs: str = "wgs84", address: str = ""):
    """(grid, chain, lat, lng) for a point or an address; ValidationFailed outside the city."""
    from jiceng.network import routing

    if lat is not None and lng is not None:
        result = routing.locate_point(float(lat), float(lng), crs or "wgs84")
        if result.grid is None:
            raise ValidationFailed(_("This location is outside the city's grids."), field="lat", code="outside_city")
        return result.grid, result.chain, result.lat, result.lng
    if (address or "").strip():
        found = routing.address_lookup(address)
        if found.grid is None:
            raise ValidationFailed(_("This address was not found in the city; please put a pin on the map."),
                                   field="address", code="address_unknown")
        b = found.building
        return found.grid, found.chain, (b.lat if b else None), (b.lng if b else None)
    raise ValidationFailed(_("Give a location: a point on the map or an address."), field="lat",
                           code="no_location")


CATEGORY_CACHE_SECONDS = 30
_category_cache: dict = {"at": 0.0, "by_code": {}}


def _category_changed(**kwargs) -> None:
    _category_cache["at"] = 0.0


post_save.connect(_category_changed, sender=Category, dispatch_uid="cases.category_cache.save")
post_delete.connect(_category_changed, sender=Category, dispatch_uid="cases.category_cache.delete")


def category_for(code: str) -> Category:
    """An active leaf category by code. The leaves are cached per process: a change in this process
    clears the cache at once, a change made by another process is seen within 30 seconds."""
    now = time.monotonic()
    if now - _category_cache["at"] > CATEGORY_CACHE_SECONDS:
        _category_cache["by_code"] = {c.code: c for c in Category.objects.filter(active=True, parent__isnull=False)}
        _category_cache["at"] = now
    cat = _category_cache["by_code"].get(code) if isinstance(code, str) else None
    if cat is None:
        raise ValidationFailed(_("Unknown case category “%(code)s”.") % {"code": code}, field="category",
                               code="unknown_category")
    return cat


def _existing_for_key(idempotency_key: str | None) -> Case | None:
    if not idempotency_key:
        return None
    return Case.objects.filter(idempotency_key=idempotency_key).first()


def case_submit(*, actor, category: Category, description: str, source: str, lat=None, lng=None,
                crs: str = "wgs84", address: str = "", anonymous: bool = False, reporter_name: str = "",
                reporter_phone: str = "", reporter_email: str = "", photos=(), idempotency_key: str | None = None,
                client_address: str | None = None, sms_code: str | None = None, publish: bool = False,
                open311_key=None, now=None) -> tuple[Case, bool]:
    """Create a case at its grid (or at the category's default level). Returns (case, created):
    a known idempotency key returns the case it created before, and writes nothing.

    A created case carries its follow secret in `case.follow_secret` (plain, this once: only its hash is
    stored); the reporter gets it on the thank-you page and in the receipt SMS, and needs it to rate.
    `publish` is the reporter's consent to publication (the case is published only when it also came
    through a public channel in a publishable category). `open311_key`: the Open311 key posting it (the
    case must lie inside its jurisdiction; throttled per key).

    The key is not looked up beforehand (a retry is rare; the unique index decides): a first submission
    costs no extra query, and a replay is recognised by the index or, when the replay itself would be
    refused (validation, throttle), by one look-up before the refusal.

    `client_address` marks a public report (no account): it is throttled per address and, with
    JICENG_INTAKE_SMS_CHECK, needs the reporter's mobile number and the `sms_code` sent to it."""
    if idempotency_key:
        idempotency_key = checked_text(idempotency_key, "idempotency_key", 140, required=False) or None
    try:
        return _case_submit(actor=actor, category=category, description=description, source=source, lat=lat,
                            lng=lng, crs=crs, address=address, anonymous=anonymous, reporter_name=reporter_name,
                            reporter_phone=reporter_phone, reporter_email=reporter_email, photos=photos,
                            idempotency_key=idempotency_key, client_address=client_address, sms_code=sms_code,
                            publish=publish, open311_key=open311_key, now=now)
    except ServiceError:
        existing = _existing_for_key(idempotency_key)
        if existing is not None:
            return existing, False
        raise


def _case_submit(*, actor, category, description, source, lat, lng, crs, address, anonymous, reporter_name,
                 reporter_phone, reporter_email, photos, idempotency_key, client_address, sms_code, publish,
                 open311_key, now):
    description = (description or "").strip()
    if not description:
        raise ValidationFailed(_("Describe the problem."), field="description")
    if len(description) > MAX_DESCRIPTION:
        raise ValidationFailed(_("A description has at most %(n)d characters.") % {"n": MAX_DESCRIPTION},
                               field="description", code="too_long")
    if source not in Source.values:
        raise ValidationFailed(_("Unknown source."), field="source")
    if len(address or "") > 200:
        raise ValidationFailed(_("An address has at most 200 characters."), field="address")
    reporter_name = "" if anonymous else checked_text(reporter_name, "reporter_name", 60, required=False)
    phone = validate_phone(reporter_phone) if (reporter_phone or "").strip() else ""
    email = (reporter_email or "").strip()
    if email and ("@" not in email or len(email) > 120):
        raise ValidationFailed(_("The e-mail address is not valid."), field="email")
    photos = validate_photos(photos)
    grid, chain, wlat, wlng = locate(lat=lat, lng=lng, crs=crs, address=address)
    if source == Source.PATROL and actor is not None and not user_can(actor, grid.path, "write"):
        raise ValidationFailed(_("This location is outside your area, or your role may not report there."),
                               field="lat", code="outside_area")
    if open311_key is not None and not grid.path.startswith(open311_key.unit_path):
        raise ValidationFailed(_("This location is outside the jurisdiction of this api_key."), field="lat",
                               code="outside_jurisdiction")
    handler = _handler_for_level(chain, category.default_level)
    now = now or timezone.now()
    phone_checked = client_address is not None and sms_check_required()
    if phone_checked:
        _sms_code_use(phone, sms_code, now)
    case = Case(
        code=new_case_code(), category=category, status=Status.RECEIVED, source=source, description=description,
        address=(address or "").strip(), lat=wlat, lng=wlng, grid=grid, unit_path=grid.path, handler=handler,
        handler_path=handler.path, level=handler.kind, anonymous=anonymous,
        reporter=actor if (actor is not None and not anonymous) else None,
        reporter_name=reporter_name,
        reporter_phone_enc=encrypt_contact(phone), reporter_phone_masked=mask_phone(phone),
        reporter_email_enc=encrypt_contact(email), idempotency_key=idempotency_key or None, received_at=now,
        publish_consent=bool(publish),
    )
    secret = new_follow_secret()
    case.follow_secret_hash = follow_secret_hash(secret)
    _set_deadline(case, now, category)
    try:
        with transaction.atomic():
            _throttle_intake(actor=actor, client_address=client_address, phone=phone, email=email,
                             key_id=getattr(open311_key, "pk", None), now=now)
            insert_object(case)
            for photo in photos:
                Attachment.objects.create(case=case, file=photo.content, content_type=photo.content_type,
                                          size=photo.size)
            _event(case, actor=actor, action="receive", before="", at=now,
                   comment=_("Received through %(source)s.") % {"source": Source(source).label})
            rollup_bump(grid.path, month_of(now), received=1, accepted=1)
            _notify_case(case, _("Your report was received; case code %(code)s.") % {"code": case.code},
                         kind="case.received",
                         private=_("Your report was received; case code %(code)s, follow secret %(secret)s "
                                   "(needed to rate the handling; do not share it).")
                         % {"code": case.code, "secret": secret})
            # Last: the audit chain's head stays locked until the commit.
            audit_record(actor=actor, action="case.submit", obj=case,
                         changes={"code": case.code, "category": category.code, "source": source,
                                  "handler": handler.code, "photos": len(photos), "phone_checked": phone_checked})
    except IntegrityError:
        case.pk = None
        existing = _existing_for_key(idempotency_key)
        if existing is not None:
            return existing, False
        raise Conflict(_("The case could not be saved; please try again.")) from None
    case.follow_secret = secret
    return case, True


def new_follow_secret() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(FOLLOW_SECRET_LENGTH))


def follow_secret_hash(secret: str) -> str:
    return lookup_hash("case-follow:" + "".join((secret or "").split()).upper())


def follow_secret_ok(case: Case, secret: str | None) -> bool:
    return bool(secret and case.follow_secret_hash
                and hmac.compare_digest(case.follow_secret_hash, follow_secret_hash(secret)))


def rollup_add_many(counts: dict) -> None:
    """Add {(unit_path, month): {field: n}} to the rollup with one upsert statement per row (executemany)."""
    cols = ["unit_path", "month", *ROLLUP_FIELDS]
    table = Rollup._meta.db_table
    sets = ", ".join(f"{f} = {table}.{f} + excluded.{f}" for f in ROLLUP_FIELDS)
    sql = (f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))}) "  # noqa: S608  # nosec B608  # identifiers from model metadata, values bound as parameters
           f"ON CONFLICT (unit_path, month) DO UPDATE SET {sets}")
    rows = [(path, month, *[row.get(f, 0) for f in ROLLUP_FIELDS]) for (path, month), row in counts.items()]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def cases_bulk_create(*, cases: list[Case], events: bool = True, note: str = "", actor=None) -> int:
    """Many validated cases in one transaction (demo, bulk import): rollup and one audit event per batch.

    The caller sets every field (statuses, times, levels) consistently; this checks the basic rules.
    Primary keys are not set on the objects (fast path); look cases up by `code` afterwards. With
    `events`, each case gets its "receive" timeline event."""
    if not cases:
        return 0
    counts: dict[tuple, dict] = {}
    statuses = set(Status.values)  # computed by the enum on every access
    for c in cases:
        if not c.description or len(c.description) > MAX_DESCRIPTION:
            raise ValidationFailed(_("A description has at most %(n)d characters.") % {"n": MAX_DESCRIPTION})
        if c.status not in statuses:
            raise ValidationFailed(_("Unknown status."))
        c.code = c.code or new_case_code()
        key = (c.unit_path, month_of(c.received_at))
        row = counts.setdefault(key, dict.fromkeys(ROLLUP_FIELDS, 0))
        row["received"] += 1
        row["responded"] += int(c.responded_on_time)
        if c.status not in (Status.REJECTED, Status.VOIDED, Status.MERGED):
            row["accepted"] += 1
        if c.status == Status.CLOSED:
            for k, v in workflow.close_counts(c).items():
                row[k] += v
        if c.rating:
            for k, v in _rating_counts(c.rating).items():
                row[k] += v
    with transaction.atomic():
        insert_objects(Case, cases)
        if events:
            ids = case_ids_by_code([c.code for c in cases])
            insert_objects(CaseEvent, [
                CaseEvent(case_id=ids[c.code], at=c.received_at, action="receive", to_status=c.status,
                          handler_path=c.handler_path, actor_id=getattr(actor, "pk", None),
                          actor_label=actor_label(actor, c.handler_path), comment=note[:200])
                for c in cases])
        rollup_add_many(counts)
        audit_record(actor=actor, action="case.bulk_create", object_type="cases.case",
                     unit_path=min((c.unit_path for c in cases), key=len),
                     changes={"count": len(cases), "note": note})
    return len(cases)


def case_ids_by_code(codes: list[str]) -> dict[str, int]:
    out = {}
    for i in range(0, len(codes), 500):
        out.update(Case.objects.filter(code__in=codes[i:i + 500]).values_list("code", "id"))
    return out


# ------------------------------------------------------------------------------------------------
# The workflow (B4–B6)


def _lock(case: Case, version: int | None) -> Case:
    """The case row, locked until the commit: only that row (`of=self`), and FOR NO KEY UPDATE.

    A plain select_for_update() with select_related locks the joined category and handling unit FOR
    UPDATE too, and every report of that category or unit needs a KEY SHARE lock on them for its foreign
    keys, taken at COMMIT (Django's foreign keys are DEFERRABLE INITIALLY DEFERRED), i.e. after it has
    locked its rollup row and the audit chain's head. An action holding the category and waiting for the
    rollup row or the head, and a report holding those and waiting for the category: a deadlock, which
    PostgreSQL breaks after deadlock_timeout (1 s) with an OperationalError, answered 503 (issue 17).
    FOR NO KEY UPDATE still serialises two actions on the case, and lets rows that refer to it commit."""
    fresh = Case.objects.select_for_update(of=("self",), no_key=True).select_related("category", "handler").get(pk=case.pk)
    if version is not None and fresh.version != version:
        raise Conflict(_("Someone else changed this case first (it is now “%(status)s”, version %(v)d). "
                         "Reload it and try again.") % {"status": Status(fresh.status).label, "v": fresh.version},
                       code="stale_version")
    return fresh


def case_act(*, actor, case: Case, action: str, version: int | None, comment: str = "", hours: int = 0,
             photos=(), now=None, to_unit: Unit | None = None, to_department: Department | None = None) -> Case:
    """Take one workflow action (see workflow.ACTIONS: its handler changes the case, its flags say which
    effects follow). `version` is the version the actor saw; `photos` (up to 4 images, e.g. the scene
    after handling) are attached to the action's timeline step. A dispatch (派遣) may name where the case
    goes: `to_unit` (a unit below the handler, on the way to the case's grid) and/or `to_department` (a
    department serving the area), who are told."""
    spec = workflow.ACTIONS.get(action)
    if spec is None:
        raise ValidationFailed(_("Unknown action “%(a)s”.") % {"a": action}, field="action")
    if (to_unit is not None or to_department is not None) and action != "dispatch":
        raise ValidationFailed(_("Only a dispatch names where the case goes."), field="to_unit")
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise ValidationFailed(_("A comment has at most 2,000 characters."), field="comment")
    photos = validate_photos(photos)
    now = now or timezone.now()
    with transaction.atomic():
        case = _lock(case, version)
        check_action_allowed(actor, case, spec)
        if case.status not in spec.sources:
            raise ValidationFailed(_("A case that is “%(status)s” cannot be “%(action)s”.")
                                   % {"status": Status(case.status).label, "action": spec.label},
                                   code="bad_transition")
        if spec.needs_comment and not comment:
            raise ValidationFailed(_("Give a reason or comment for “%(action)s”.") % {"action": spec.label},
                                   field="comment")
        before, deadline_before = case.status, case.deadline_at
        step = workflow.Step(case=case, now=now, comment=comment, hours=hours, to_unit=to_unit,
                             to_department=to_department, changes={"action": action, "status": [before, None]})
        if spec.responds and case.responded_at is None:
            case.responded_at = now
            case.responded_on_time = now <= case.received_at + datetime.timedelta(hours=case.category.response_hours)
            if case.responded_on_time:
                step.bump(responded=1)
        spec.apply(step)
        _apply_deadline(case, spec.deadline, now)
        rollup_bump(case.unit_path, month_of(case.received_at), **step.rollup)
        if spec.resolves_cards:
            cards_resolve(kinds=[CARD_KIND], subject_type=CARD_SUBJECT, subject_ids=[case.pk], now=now)
        if case.status in FINAL_STATUSES:
            case.pending_action = ""
        case.version += 1
        case.save()
        step.changes["status"][1] = case.status
        if to_department is not None or "handler" in step.changes and action == "dispatch":
            where = " · ".join(x for x in (to_unit.name if "handler" in step.changes else "",
                                           to_department.name if to_department is not None else "") if x)
            comment = f"→ {where}" + (f" {comment}" if comment else "")
        event = _event(case, actor=actor, action=action, before=before, comment=comment, at=now, public=spec.public)
        _deadline_event(case, before=deadline_before, actor=actor, at=now, reason=_deadline_reason(case, spec, step))
        for photo in photos:
            Attachment.objects.create(case=case, event=event, file=photo.content, content_type=photo.content_type,
                                      size=photo.size)
        if photos:
            step.changes["photos"] = len(photos)
        if spec.notifies:
            _notify_case(case, _("Case %(code)s: %(status)s.") % {"code": case.code,
                                                                  "status": Status(case.status).label})
        if action == "dispatch":
            _notify_dispatch(case, step)
        audit_record(actor=actor, action=f"case.{action}", obj=case, changes=step.changes)  # last: holds the chain head
    return case


def _deadline_reason(case: Case, spec: workflow.Action, step: workflow.Step) -> str:
    if spec.deadline == workflow.RESTART:
        return _("reported up; the new handling level has the category's %(h)d hours") % {
            "h": case.category.deadline_hours}
    if spec.deadline == workflow.RESUME:
        return _("resumed after suspension; the time that was left runs again")
    if step.changes.get("request") == "extend":
        return _("extension approved by the level above")
    return str(spec.label)


def _notify_dispatch(case: Case, step: workflow.Step) -> None:
    """A dispatch tells whom the case went to: the new handling unit's desk, the department."""
    if "handler" in step.changes:
        notify(Message(kind="case.dispatch", **case_about(case), unit_path=case.handler_path,
                       text=_("Case %(code)s was dispatched to %(unit)s.") % {"code": case.code,
                                                                            "unit": case.handler.name}))
    dept = step.to_department
    if dept is not None:
        notify(Message(kind="case.dispatch", **case_about(case), unit_path=dept.unit_path,
                       user_ids=[dept.user_id] if dept.user_id else [],
                       text=_("Case %(code)s was dispatched to %(dept)s.") % {"code": case.code, "dept": dept.name}))


def _apply_deadline(case: Case, flag: str, now) -> None:
    if flag == workflow.RESTART:
        _set_deadline(case, now, case.category)
    elif flag == workflow.RESUME:
        _set_deadline(case, now, case.category, hours=max(1, (case.deadline_at - now).total_seconds() / 3600)
                      if case.deadline_at and case.deadline_at > now else case.category.deadline_hours)


def case_breach(*, case: Case, now) -> Case:
    """A live case missed its deadline (the sweep, on a case it has claimed): a supervision card held by
    the level above, and the case reported up one level (or, at the city, a new deadline)."""
    handler = case.handler
    upper = Unit.objects.get(pk=handler.parent_id) if handler.parent_id else handler
    with transaction.atomic():
        card_raise(actor=None, kind=CARD_KIND, unit=upper, subject_type=CARD_SUBJECT, subject_id=case.pk,
                   title=case.code, missed_deadline=case.deadline_at, data={"handler_path": case.handler_path},
                   now=now, audit_action=None)  # the breach is audited on the case below
        before, missed = case.status, case.deadline_at
        case.overdue = True
        if handler.kind != Level.CITY and handler.parent_id:
            workflow.escalate_one_level(case)
            action = "auto_escalate"
            comment = _("Deadline %(due)s missed by %(unit)s: supervision card raised and the case reported up.")
        else:
            action = "supervise"
            comment = _("Deadline %(due)s missed by %(unit)s: supervision card raised.")
        _set_deadline(case, now, case.category)
        case.version += 1
        case.save()
        _event(case, actor=None, action=action, before=before, at=now,
               comment=comment % {"due": _when(missed), "unit": handler.name})
        _deadline_event(case, before=missed, actor=None, at=now,
                        reason=_("missed; %(unit)s now holds it with the category's %(h)d hours")
                        % {"unit": case.handler.name, "h": case.category.deadline_hours})
        _notify_case(case, _("Case %(code)s missed its deadline and now has a supervision card.")
                     % {"code": case.code}, reporter=False)
        audit_record(actor=None, action=f"case.{action}", obj=case,
                     changes={"card_unit": upper.code, "handler": case.handler_path})
    return case


def case_chase(*, actor, card, now=None):
    """Chase up (催办) the unit handling a case under an open supervision card: a supervisor over the card's
    holding unit (404 outside, 403 without `supervise`); the handling unit's desk is told, the chase is a
    step on the case's timeline and an audit event; a second chase within an hour is refused."""
    now = now or timezone.now()
    if card.kind != CARD_KIND or card.subject_type != CARD_SUBJECT:
        raise NotFound()
    require_scope(actor, card.unit_path, "supervise")
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",), no_key=True).select_related("handler", "category").get(pk=int(card.subject_id))
        if case.status in FINAL_STATUSES:
            raise ValidationFailed(_("Case %(code)s is finished; there is nothing to chase up.") % {"code": case.code},
                                   code="case_final")
        card = card_chase(actor=actor, card=card, notify_path=case.handler_path, now=now, audit_action=None,
                          link=reverse("cases:detail", args=[case.code]),
                          text=_("Case %(code)s is chased up by %(unit)s: %(handler)s, please act now.")
                          % {"code": case.code, "unit": card.unit.name, "handler": case.handler.name})
        case.version += 1
        case.save(update_fields=["version"])
        _event(case, actor=actor, action="chase", before=case.status, at=now, public=False,
               comment=_("Supervising unit %(unit)s chased up %(handler)s (chase %(n)d).")
               % {"unit": card.unit.name, "handler": case.handler.name, "n": card.data["chases"]})
        audit_record(actor=actor, action="case.chase", obj=case,
                     changes={"card": card.pk, "chases": card.data["chases"]})
    return card


def case_escalate(*, actor, case: Case, reason: str, version: int | None) -> Case:
    """Report a case up one level (上报), with a reason."""
    return case_act(actor=actor, case=case, action="escalate", version=version, comment=reason)


def case_whistle(*, actor, case: Case, departments: list[Department], version: int | None, comment: str = "",
                 report_in_hours: int = 24, now=None) -> Case:
    """Blow the whistle (吹哨) to named departments from street level up; each must report in by a deadline."""
    now = now or timezone.now()
    if not departments:
        raise ValidationFailed(_("Name at least one department."), field="departments")
    comment = checked_text(comment, "comment", 2000, required=False)
    if not (1 <= report_in_hours <= 24 * 14):
        raise ValidationFailed(_("The report-in deadline is between 1 hour and 14 days."), field="report_in_hours")
    with transaction.atomic():
        case = _lock(case, version)
        if actor is not None:
            require_scope(actor, case.unit_path, "read")
            if not _roles_over(actor, case.handler_path) & workflow.STREET_UP:
                raise Forbidden(_("Only the street (or a higher level) holding the case can blow the whistle."))
        if LEVEL_ORDER.index(case.level) < LEVEL_ORDER.index(Level.STREET):
            raise ValidationFailed(_("Report the case up to the street before blowing the whistle."),
                                   code="below_street")
        if case.status not in workflow.OPEN_WORK:
            raise ValidationFailed(_("Only open cases can call departments."), code="bad_transition")
        for dept in departments:
            if not case.handler_path.startswith(dept.unit_path) and not dept.unit_path.startswith(case.handler_path):
                raise ValidationFailed(_("The department %(d)s does not serve this area.") % {"d": dept.name},
                                       field="departments")
        existing = set(Whistle.objects.filter(case=case, department__in=departments).values_list("department_id",
                                                                                                  flat=True))
        made = [Whistle.objects.create(case=case, department=d, unit_path=case.handler_path, called_at=now,
                                       report_in_by=now + datetime.timedelta(hours=report_in_hours))
                for d in departments if d.pk not in existing]
        case.version += 1
        case.save(update_fields=["version"])
        names = ", ".join(d.name for d in departments)
        _event(case, actor=actor, action="whistle", before=case.status, comment=(comment + " → " + names).strip(" →"),
               at=now)
        for w in made:
            notify(Message(kind="case.whistle", **case_about(case), user_ids=[w.department.user_id] if
                           w.department.user_id else [], unit_path=w.department.unit_path,
                           text=_("Case %(code)s calls %(dept)s: report in by %(by)s.")
                           % {"code": case.code, "dept": w.department.name,
                              "by": timezone.localtime(w.report_in_by).strftime("%Y-%m-%d %H:%M")}))
        audit_record(actor=actor, action="case.whistle", obj=case,
                     changes={"departments": [d.pk for d in departments], "new": len(made)})
    return case


def whistle_report_in(*, actor, whistle: Whistle, part: str, now=None) -> Whistle:
    """A department reports in (报到) and records its part of the joint handling."""
    now = now or timezone.now()
    part = checked_text(part, "part", 2000, message=_("Say what the department did or will do."))
    if actor is not None and whistle.department.user_id != actor.pk:
        require_scope(actor, whistle.unit_path, "write")
    with transaction.atomic():
        w = Whistle.objects.select_for_update().get(pk=whistle.pk)
        if w.reported_in_at is not None:
            raise Conflict(_("This department has already reported in."))
        w.reported_in_at, w.part = now, part
        w.handled_on_time = now <= w.report_in_by
        w.save()
        _event(w.case, actor=actor, action="report_in", before=w.case.status,
               comment=f"{w.department.name}: {part[:200]}", at=now)
        audit_record(actor=actor, action="case.report_in", obj=w.case, changes={"department": w.department_id,
                                                                                  "on_time": w.handled_on_time})
    return w


def whistle_rate(*, actor, whistle: Whistle, score: int) -> Whistle:
    """The calling street rates a department's part (1–5)."""
    if actor is not None:
        require_scope(actor, whistle.unit_path, "read")
        if not _roles_over(actor, whistle.unit_path) & workflow.STREET_UP:
            raise Forbidden()
    if score not in range(1, 6):
        raise ValidationFailed(_("A score is from 1 to 5."), field="score")
    with transaction.atomic():
        whistle.score = score
        whistle.save(update_fields=["score"])
        audit_record(actor=actor, action="case.whistle_rate", obj=whistle.case,
                     changes={"department": whistle.department_id, "score": score})
    return whistle


# ------------------------------------------------------------------------------------------------
# Reporter loop (B7) and duplicates (B8)


RATE_TRIES_PER_CASE_DAY = 10


def case_rate(*, case: Case, rating: str, secret: str | None, comment: str = "", actor=None, now=None) -> Case:
    """The reporter rates a closed case with the case's follow secret (the code alone only reads).
    "Not satisfied" reopens it once, for review by the level above. Ten tries a day per case: the
    secret cannot be guessed by trying."""
    if rating not in Rating.values:
        raise ValidationFailed(_("Choose satisfied, basically satisfied or not satisfied."), field="rating")
    if len(comment or "") > 500:
        raise ValidationFailed(_("A comment has at most 500 characters."), field="comment")
    now = now or timezone.now()
    with transaction.atomic():  # committed on its own: a wrong secret still costs a try
        throttle([(f"case:{case.pk}:rate", RATE_TRIES_PER_CASE_DAY, DAY)],
                 _("Too many tries for this case today. Please try again tomorrow, or call the hotline."), now=now)
    if not follow_secret_ok(case, secret):
        with transaction.atomic():
            audit_record(actor=actor, action="case.rate_refused", obj=case, changes={"reason": "follow_secret"})
        raise ValidationFailed(_("The follow secret is not right. It was shown when the report was made and "
                                 "sent in the receipt SMS."), field="secret", code="follow_secret_wrong")
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",), no_key=True).select_related("handler", "category").get(pk=case.pk)
        if case.status != Status.CLOSED:
            raise ValidationFailed(_("A case can be rated once it is closed."), code="not_closed")
        if case.rating and not case.reopened:
            raise Conflict(_("This case has already been rated."), code="already_rated")
        if case.rating and case.reopened and case.rated_at and case.rated_at > (case.closed_at or now):
            raise Conflict(_("This case has already been rated."), code="already_rated")
        month = month_of(case.received_at)
        if case.rating:
            rollup_bump(case.unit_path, month, **_rating_counts(case.rating, -1))
        case.rating, case.rated_at = rating, now
        rollup_bump(case.unit_path, month, **_rating_counts(rating))
        before = case.status
        action = "rate"
        if rating == Rating.NOT and not case.reopened:
            action = "reopen"
            rollup_bump(case.unit_path, month, **workflow.close_counts(case, -1))
            handler = case.handler
            if handler.parent_id is not None and handler.kind != Level.CITY:
                handler = Unit.objects.get(pk=handler.parent_id)
            case.handler, case.handler_path, case.level = handler, handler.path, handler.kind
            case.status, case.reopened, case.closed_at, case.settled_level = Status.REGISTERED, True, None, ""
            case.closed_on_time = False
            deadline_before = case.deadline_at
            _set_deadline(case, now, case.category)
        case.version += 1
        case.save()
        _event(case, actor=actor, action=action, before=before,
               comment=f"{Rating(rating).label}. {(comment or '').strip()}".strip(), at=now)
        if action == "reopen":
            _deadline_event(case, before=deadline_before, actor=actor, at=now,
                            reason=_("reopened after “not satisfied”; the level above has the category's %(h)d hours")
                            % {"h": case.category.deadline_hours})
        if action == "reopen":
            _notify_case(case, _("Case %(code)s was reopened for review after a “not satisfied” rating.")
                         % {"code": case.code}, reporter=False)
        audit_record(actor=actor, action=f"case.{action}", obj=case, changes={"rating": rating})
    return case


def case_duplicates(*, category: Category, lat: float, lng: float, now=None, radius_m: float = 100.0,
                    hours: int = 72, exclude_pk=None) -> list[Case]:
    """Open cases of the same category within `radius_m` and `hours` (B8)."""
    now = now or timezone.now()
    dlat, dlng = box_deg(lat, radius_m)
    qs = (Case.objects.filter(category=category, status__in=[s for s in Status.values if s not in FINAL_STATUSES],
                              received_at__gte=now - datetime.timedelta(hours=hours),
                              lat__range=(lat - dlat, lat + dlat), lng__range=(lng - dlng, lng + dlng))
          .select_related("category").exclude(pk=exclude_pk).order_by("-received_at")[:20])
    out = []
    for c in qs:
        if plane_m(lat, lng, c.lat, c.lng) <= radius_m:
            out.append(c)
    return out


def case_merge(*, actor, case: Case, into: Case, version: int | None) -> Case:
    """Merge a duplicate into an open case; its reporter follows the surviving case from now on.

    The level rules of the other actions hold for both cases: the actor holds a handling role on or
    above each case's handling unit (a grid worker cannot merge away a case that sits above the grid),
    and a case under an open supervision card is merged only from the supervising level or above."""
    if case.pk == into.pk:
        raise ValidationFailed(_("A case cannot be merged into itself."))
    with transaction.atomic():
        case = _lock(case, version)
        into = Case.objects.select_for_update(of=("self",), no_key=True).select_related("handler").get(pk=into.pk)
        if actor is not None:
            require_scope(actor, case.unit_path, "write")
            require_scope(actor, into.unit_path, "write")
            for c in (case, into):
                if not _roles_over(actor, c.handler_path) & workflow.HANDLERS:
                    raise Forbidden(_("Case %(code)s is held above your level; only its handling unit or a level "
                                      "above may merge it.") % {"code": c.code})
            for card_path in cards_about(subject_type=CARD_SUBJECT, subject_ids=[case.pk, into.pk], kinds=[CARD_KIND],
                                         open_only=True).values_list("unit_path", flat=True):
                if not _roles_over(actor, card_path) & workflow.SUPERVISORS:
                    raise Forbidden(_("A case under a supervision card is merged only by the supervising level."))
        if case.status in FINAL_STATUSES or into.status in FINAL_STATUSES:
            raise ValidationFailed(_("Only open cases can be merged."), code="bad_transition")
        if case.category_id != into.category_id:
            raise ValidationFailed(_("Only cases of the same category can be merged."), field="into")
        before = case.status
        case.status, case.merged_into, case.pending_action = Status.MERGED, into, ""
        case.version += 1
        case.save()
        rollup_bump(case.unit_path, month_of(case.received_at), accepted=-1)
        _event(case, actor=actor, action="merge", before=before, comment=into.code)
        _event(into, actor=actor, action="absorb", before=into.status, comment=case.code, public=False)
        _notify_case(case, _("Your report %(code)s is being handled together with case %(into)s.")
                     % {"code": case.code, "into": into.code}, desk=False)
        audit_record(actor=actor, action="case.merge", obj=case, changes={"into": into.code})
    return case


def merged_reporters(case: Case) -> list[Case]:
    return list(Case.objects.filter(merged_into=case))


def department_create(*, actor, unit: Unit, name: str, business_line: str, user=None) -> Department:
    require_scope(actor, unit.path, "structure")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("A department needs a name."), field="name")
    with transaction.atomic():
        dept = Department.objects.create(unit=unit, unit_path=unit.path, name=name, business_line=business_line,
                                         user=user)
        audit_record(actor=actor, action="department.create", object_type="cases.department", object_id=dept.pk,
                     unit_path=unit.path, changes={"name": name})
    return dept


# ------------------------------------------------------------------------------------------------
# Open311 keys (B1, H2): made on a page or by the API by a manager of the jurisdiction; shown once.

DEMO_OPEN311_KEY = "demo-open311-key"  # made by the demo builder only; refused at start-up outside the demo


def open311_key_hash(key: str) -> str:
    """Keys are 256-bit random strings: a plain SHA-256 finds them and reveals nothing."""
    return hashlib.sha256((key or "").encode("utf-8")).hexdigest()


def open311_key_find(key: str):
    from jiceng.cases.models import Open311Key

    return Open311Key.objects.filter(key_hash=open311_key_hash(key), active=True).first() if key else None


def open311_key_create(*, actor, name: str, unit: Unit, key: str | None = None):
    """A new api_key for Open311 clients, reading the cases of `unit` and below. Returns (key row, the
    key in plain text: shown once, only its hash is kept). `key` is for the demo builder only."""
    from jiceng.cases.models import Open311Key

    require_scope(actor, unit.path, "manage_users")
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ValidationFailed(_("Name the client that uses the key (at most 80 characters)."), field="name")
    if key is not None and actor is not None:
        raise Forbidden(_("A key is always generated by the platform."))
    plain = key or "o311_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        row = Open311Key.objects.filter(key_hash=open311_key_hash(plain)).first()
        if row is not None:
            return row, plain
        row = Open311Key.objects.create(key_hash=open311_key_hash(plain), prefix=plain[:8], name=name, unit=unit,
                                        unit_path=unit.path, created_by=actor if getattr(actor, "pk", None) else None)
        audit_record(actor=actor, action="open311_key.create", obj=row,
                     changes={"name": name, "unit": unit.code, "prefix": row.prefix})
    return row, plain


def open311_key_revoke(*, actor, key):
    """Revoke a key at once: requests carrying it get 403 from now on."""
    from jiceng.cases.models import Open311Key

    require_scope(actor, key.unit_path, "manage_users")
    with transaction.atomic():
        row = Open311Key.objects.select_for_update().get(pk=key.pk)
        if not row.active:
            raise Conflict(_("This key is already revoked."), code="already_revoked")
        row.active, row.revoked_at = False, timezone.now()
        row.save(update_fields=["active", "revoked_at"])
        audit_record(actor=actor, action="open311_key.revoke", obj=row, changes={"name": row.name})
    return row


def case_get_by_code_public(code: str) -> Case:
    case = Case.objects.select_related("category", "handler").filter(code=(code or "").strip().upper()[:16]).first()
    if case is None:
        raise NotFound(_("No case with this code."))
    return case




# ------------------------------------------------------------------------------------------------
# Bulk variants of the writes above (demo city, imports). Every row is checked first and every problem
# gathered; one bad row and nothing is written (ValidationFailed, 422, `errors` lists each row). Then one
# transaction and one audit event per batch. Rows are numbered from 1 in the order given.


class Step(NamedTuple):
    """One step of a case's timeline for `case_steps_bulk_create`, as the services would have written it."""

    at: datetime.datetime
    actor_label: str
    action: str
    from_status: str
    to_status: str
    handler_path: str
    comment: str = ""
    public: bool = True


STEP_ACTIONS = frozenset(workflow.ACTIONS) | frozenset(workflow.EVENT_LABELS)
_STEP_FIELDS = ["case_id", "at", "actor_id", "actor_label", "action", "from_status", "to_status", "handler_path",
                "comment", "public"]
_ID_CHUNK = 900  # ids per IN (...) list: under SQLite's old 999-variable limit


class _RowProblems(RowErrors):
    """core.excel's row errors, for rows handed over in code rather than read from a file."""

    def raise_if_any(self) -> None:
        if self.errors:
            first = self.errors[0]
            raise ValidationFailed(_("%(n)d problem(s), nothing was written. First: row %(row)d: %(msg)s")
                                   % {"n": len(self.errors), "row": first["row"], "msg": first["message"]},
                                   code="bulk_rejected", field=first["column"] or None, errors=self.errors)


def _require_scope_all(actor, paths, capability: str) -> None:
    if actor is not None:
        for path in sorted(set(paths)):
            require_scope(actor, path, capability)


def _top_path(paths) -> str:
    return min(paths, key=len) if paths else ""


def departments_bulk_create(*, actor, departments: list[Department], note: str = "") -> list[Department]:
    """Many departments at once (each as department_create's fields: unit, name, business line, user).
    A name already used in the same unit, here or in the batch, is refused."""
    if not departments:
        return []
    lines = {code for code, _label in Department._meta.get_field("business_line").choices}
    problems = _RowProblems()
    for row, d in enumerate(departments, start=1):
        if d.unit_id is None:
            problems.add(row, "unit", _("A department belongs to a unit."))
            continue
        d.unit_path = d.unit.path
        try:
            d.name = checked_text(d.name, "name", 80, message=_("A department needs a name."))
        except ValidationFailed as exc:
            problems.add(row, "name", exc.message)
        if d.business_line not in lines:
            problems.add(row, "business_line", _("Unknown business line “%(line)s”.") % {"line": str(d.business_line)[:16]})
    problems.raise_if_any()
    _require_scope_all(actor, (d.unit_path for d in departments), "structure")
    with transaction.atomic():
        taken = set(Department.objects.filter(unit_id__in={d.unit_id for d in departments})
                    .values_list("unit_id", "name"))
        for row, d in enumerate(departments, start=1):
            if (d.unit_id, d.name) in taken:
                problems.add(row, "name", _("%(unit)s already has a department named “%(name)s”.")
                             % {"unit": d.unit.name, "name": d.name})
            taken.add((d.unit_id, d.name))
        problems.raise_if_any()
        made = Department.objects.bulk_create(departments, batch_size=1000)
        audit_record(actor=actor, action="department.bulk_create", object_type="cases.department",
                     unit_path=_top_path([d.unit_path for d in departments]),
                     changes={"count": len(made), "note": note})
    return made


def holidays_bulk_create(*, actor, days: list, note: str = "") -> int:
    """Add days to the city's holiday calendar (holidays, workday=False, and make-up workdays). A day the
    calendar already holds with the same meaning is left as it is (the calendar can be sent again); one
    that contradicts it is refused. The calendar is the city's: its structure managers keep it. Returns
    the number of days added."""
    if not days:
        return 0
    city = Unit.objects.filter(depth=0).order_by("path").first()
    _require_scope_all(actor, [city.path if city else "/"], "structure")
    problems = _RowProblems()
    seen: dict[datetime.date, int] = {}
    for row, h in enumerate(days, start=1):
        if not isinstance(h.date, datetime.date) or isinstance(h.date, datetime.datetime):
            problems.add(row, "date", _("A calendar day needs a date."))
            continue
        if h.date in seen:
            problems.add(row, "date", _("%(date)s is also in row %(row)d.") % {"date": h.date, "row": seen[h.date]})
        seen[h.date] = row
        if not isinstance(h.workday, bool):
            problems.add(row, "workday", _("Say whether the day is a holiday or a make-up workday."))
        try:
            h.name = checked_text(h.name, "name", 40, required=False)
        except ValidationFailed as exc:
            problems.add(row, "name", exc.message)
    problems.raise_if_any()
    with transaction.atomic():
        known = dict(Holiday.objects.filter(date__in=list(seen)).values_list("date", "workday"))
        for row, h in enumerate(days, start=1):
            if h.date in known and known[h.date] != h.workday:
                problems.add(row, "workday", _("%(date)s is already in the calendar as a %(kind)s.")
                             % {"date": h.date, "kind": _("make-up workday") if known[h.date] else _("holiday")})
        problems.raise_if_any()
        new = [h for h in days if h.date not in known]
        Holiday.objects.bulk_create(new)
        audit_record(actor=actor, action="holiday.bulk_create", object_type="cases.holiday",
                     unit_path=city.path if city else "",
                     changes={"count": len(new), "already": len(days) - len(new), "note": note})
    return len(new)


def _cases_by_pk(pks) -> dict[int, tuple]:
    """{pk: (code, unit_path, handler_path, level, status, received_at)} of the saved cases among `pks`."""
    pks = sorted({pk for pk in pks if pk is not None})
    out = {}
    for i in range(0, len(pks), _ID_CHUNK):
        for row in Case.objects.filter(pk__in=pks[i:i + _ID_CHUNK]).values_list(
                "pk", "code", "unit_path", "handler_path", "level", "status", "received_at"):
            out[row[0]] = row[1:]
    return out


def case_steps_bulk_create(*, actor, timelines: list[tuple[Case, list[Step]]], note: str = "", now=None) -> int:
    """The timeline steps of many saved cases at once (a demo year, a migrated history): each step a
    known action or timeline step, statuses known, between the case's receipt and now, texts within
    their lengths. Returns the number of steps written."""
    now = now or timezone.now()
    known = _cases_by_pk(c.pk for c, _steps in timelines)
    statuses = set(Status.values) | {""}
    problems = _RowProblems()
    row = 0
    for case, steps in timelines:
        saved = known.get(case.pk)
        for n, s in enumerate(steps, start=1):
            row += 1
            where = {"code": case.code or "?", "n": n}
            if saved is None:
                problems.add(row, "case", _("Case %(code)s, step %(n)d: the case is not saved.") % where)
                break
            if s.action not in STEP_ACTIONS:
                problems.add(row, "action", _("Case %(code)s, step %(n)d: unknown step “%(a)s”.")
                             % {**where, "a": str(s.action)[:24]})
            if s.from_status not in statuses or s.to_status not in statuses:
                problems.add(row, "to_status", _("Case %(code)s, step %(n)d: unknown status.") % where)
            if not isinstance(s.at, datetime.datetime) or timezone.is_naive(s.at):
                problems.add(row, "at", _("Case %(code)s, step %(n)d: the time needs a date, a time and a time zone.")
                             % where)
            elif s.at < saved[5] or s.at > now:
                problems.add(row, "at", _("Case %(code)s, step %(n)d: the time lies before the case was received or "
                                          "in the future.") % where)
            if len(s.comment or "") > 2000 or len(s.actor_label or "") > 150 or len(s.handler_path or "") > 255:
                problems.add(row, "comment", _("Case %(code)s, step %(n)d: a comment has at most 2,000 characters, "
                                               "who acted at most 150.") % where)
    problems.raise_if_any()
    _require_scope_all(actor, (v[1] for v in known.values()), "write")
    with transaction.atomic():
        count = _insert_steps(actor, timelines)
        if count:
            audit_record(actor=actor, action="case.steps_bulk_create", object_type="cases.caseevent",
                         unit_path=_top_path([v[1] for v in known.values()]),
                         changes={"count": count, "cases": len(known), "note": note})
    return count


def _insert_steps(actor, timelines) -> int:
    """Write checked steps (the bulk services' own inserts; the caller audits). On PostgreSQL many rows to a
    statement (insert_values): a year of a city's timelines is three quarters of a million rows."""
    to_db = converter(CaseEvent, "at", connection.vendor)
    actor_id = getattr(actor, "pk", None)
    return insert_values(CaseEvent, _STEP_FIELDS, (
        (case.pk, to_db(s.at), actor_id, str(s.actor_label or ""), str(s.action), str(s.from_status), str(s.to_status),
         s.handler_path or "", s.comment or "", bool(s.public))
        for case, steps in timelines for s in steps))


def whistles_bulk_create(*, actor, whistles: list[Whistle], comment: str = "", label: str | None = None,
                         note: str = "", now=None) -> list[Whistle]:
    """Whistles already blown (a demo year, a migrated history), each with its "whistle" step on the case's
    timeline, under case_whistle's rules: the case is held at street level or above, the department serves
    its area, one call per case and department, the report-in deadline 1 hour to 14 days after the call;
    a report-in, when there is one, comes after the call and is on time when by the deadline. `label`
    names who blew the whistle on the timeline (default: the actor)."""
    if not whistles:
        return []
    now = now or timezone.now()
    comment = checked_text(comment, "comment", 2000, required=False)
    cases = _cases_by_pk(w.case_id for w in whistles)
    departments = Department.objects.in_bulk({w.department_id for w in whistles})
    taken, pks = set(), sorted(cases)
    for i in range(0, len(pks), _ID_CHUNK):
        taken.update(Whistle.objects.filter(case_id__in=pks[i:i + _ID_CHUNK]).values_list("case_id", "department_id"))
    street_up = LEVEL_ORDER.index(Level.STREET)
    problems = _RowProblems()
    for row, w in enumerate(whistles, start=1):
        case, dept = cases.get(w.case_id), departments.get(w.department_id)
        if case is None:
            problems.add(row, "case", _("No such case."))
            continue
        code, _unit_path, handler_path, level, _status, received_at = case
        if dept is None:
            problems.add(row, "department", _("No such department."))
            continue
        if LEVEL_ORDER.index(level) < street_up:
            problems.add(row, "case", _("Case %(code)s: report the case up to the street before blowing the "
                                        "whistle.") % {"code": code})
        if not handler_path.startswith(dept.unit_path) and not dept.unit_path.startswith(handler_path):
            problems.add(row, "department", _("The department %(d)s does not serve this area.") % {"d": dept.name})
        if (w.case_id, w.department_id) in taken:
            problems.add(row, "department", _("Case %(code)s already calls %(d)s.") % {"code": code, "d": dept.name})
        taken.add((w.case_id, w.department_id))
        if not (received_at <= w.called_at <= now):
            problems.add(row, "called_at", _("A whistle is blown between the case's receipt and now."))
        elif not (datetime.timedelta(hours=1) <= w.report_in_by - w.called_at <= datetime.timedelta(days=14)):
            problems.add(row, "report_in_by", _("The report-in deadline is between 1 hour and 14 days."))
        elif w.reported_in_at is not None and not (w.called_at <= w.reported_in_at <= now):
            problems.add(row, "reported_in_at", _("A department reports in after the call and not in the future."))
        if w.score is not None and w.score not in range(1, 6):
            problems.add(row, "score", _("A score is from 1 to 5."))
        if len(w.part or "") > 2000:
            problems.add(row, "part", _("At most %(n)d characters.") % {"n": 2000})
    problems.raise_if_any()
    _require_scope_all(actor, (cases[w.case_id][1] for w in whistles), "read")
    if actor is not None and not all(_roles_over(actor, p) & workflow.STREET_UP
                                     for p in {cases[w.case_id][2] for w in whistles}):
        raise Forbidden(_("Only the street (or a higher level) holding the case can blow the whistle."))
    for w in whistles:
        w.unit_path = cases[w.case_id][2]  # the calling unit: the case's handler
        w.handled_on_time = (w.reported_in_at <= w.report_in_by if w.reported_in_at is not None
                             else (False if w.report_in_by < now else None))
    with transaction.atomic():
        made = Whistle.objects.bulk_create(whistles, batch_size=5000)
        by_case: dict[int, list[Step]] = {}
        for w in whistles:
            _code, _unit_path, handler_path, _level, status, _received = cases[w.case_id]
            by_case.setdefault(w.case_id, []).append(Step(
                w.called_at, label if label is not None else actor_label(actor, handler_path), "whistle", status,
                status, handler_path, (comment + " → " + departments[w.department_id].name).strip(" →")))
        written = _insert_steps(actor, [(Case(pk=pk), rows) for pk, rows in by_case.items()])
        audit_record(actor=actor, action="case.whistle_bulk_create", object_type="cases.whistle",
                     unit_path=_top_path([w.unit_path for w in whistles]),
                     changes={"count": len(made), "steps": written, "note": note})
    return made
