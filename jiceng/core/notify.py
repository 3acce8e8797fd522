"""Notifications through pluggable channels (H4): in-app, email, SMS gateway, webhook.

A service calls `notify(...)` inside its transaction; nothing leaves the process until the
transaction commits. In-app rows are written at once, in the caller's transaction (they become
visible with the commit, and vanish with a rollback). The outward channels (email, SMS, webhook) get
one `deliver` task, only when one of them has something to do: with the database task backend the
task row is inserted in the same transaction too (the worker cannot see it before the commit, and a
crash between commit and enqueue can no longer lose it); with any other backend it is enqueued by
`transaction.on_commit`. A rolled-back write sends nothing.

Personal numbers travel encrypted (the task table is a database table too) and are decrypted only
inside the channel that needs them. So does a secret meant for the recipient alone (an SMS code, a
case's follow secret): `private_text` is encrypted into the message at once and only the SMS and e-mail
channels send it; in-app rows and the webhook get the plain `text`, which must not carry the secret.
A message that names its `channels` goes through those only.

Every message carries an idempotency `key` (given by the caller when the same event may be sent twice,
e.g. "call.offer:<assignment id>"; a random one otherwise). An in-app row is written once per recipient
and key, an outward delivery once per key and channel (`NotificationDelivery`): a task that runs twice
sends nothing the second time. A user's `NotificationSetting` turns their SMS and e-mail off and sets
quiet hours: outward channels wait until the quiet hours end (dropped, with the in-app row kept, where
the task backend cannot defer), except for an `urgent` message (a wartime call).

The webhook receives a JSON body signed with HMAC-SHA256 (header `X-Jiceng-Signature: sha256=<hex>`,
key JICENG_NOTIFY_WEBHOOK_SECRET) and the key in `Idempotency-Key`; a connection error or a 5xx answer is
retried JICENG_NOTIFY_WEBHOOK_ATTEMPTS times in all, with a doubling pause.

Settings (read with defaults, so none is required):
  JICENG_NOTIFY_CHANNELS    list of channel names, default ["inapp", "email", "sms", "webhook"]
  JICENG_SMS_BACKEND        dotted path of an SmsGateway, default the console gateway
  JICENG_NOTIFY_WEBHOOK_URL one URL that receives every notification as JSON ("" = off)
  JICENG_NOTIFY_WEBHOOK_SECRET the HMAC key of the webhook's signature (required with a URL)
  JICENG_NOTIFY_WEBHOOK_ATTEMPTS, JICENG_NOTIFY_WEBHOOK_BACKOFF  tries in all (3), first pause in s (0.5)
"""

import datetime
import hashlib
import hmac
import json
import logging
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from jiceng.core import crypto
from jiceng.core.audit import audit_record
from jiceng.core.errors import ValidationFailed
from jiceng.core.models import Notification, NotificationDelivery, NotificationSetting
from jiceng.core.scope import scope_prefixes

log = logging.getLogger(__name__)


@dataclass
class Message:
    kind: str  # e.g. "case.status"
    text: str
    subject: str = ""
    user_ids: list = field(default_factory=list)  # in-app recipients
    unit_path: str = ""  # in-app: a whole unit's desk
    # What the message is about, named by the app that sends it (core points at no app above it):
    # a type ("cases.case"), an id, a short label for the in-app row and the page that shows it.
    subject_type: str = ""
    subject_id: str = ""
    subject_label: str = ""
    link: str = ""
    email_enc: str = ""  # encrypted with jiceng.core.crypto
    phone_enc: str = ""
    data: dict = field(default_factory=dict)
    channels: list = field(default_factory=list)  # only these (empty: every enabled channel)
    private_text_enc: str = ""  # the recipient's own text (SMS, e-mail), encrypted; see `private()`
    key: str = ""  # idempotency key (at most 80 characters); a random one when empty
    urgent: bool = False  # ignores the recipient's quiet hours (a wartime call)

    def private(self, text: str) -> "Message":
        """Send `text` (holding a secret) by SMS and e-mail only; it is kept encrypted until sent."""
        self.private_text_enc = crypto.encrypt(text) if text else ""
        return self

    def personal_text(self) -> str:
        return crypto.decrypt(self.private_text_enc) if self.private_text_enc else self.text


class SmsGateway:
    """Interface of an SMS gateway: send one text to one mobile number."""

    def send(self, phone: str, text: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleSmsGateway(SmsGateway):
    sent: list = []  # the last messages, for tests and the demo

    def send(self, phone: str, text: str) -> None:
        masked = phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "***"
        ConsoleSmsGateway.sent.append((phone, text))
        del ConsoleSmsGateway.sent[:-100]
        print(f"[sms to {masked}] {text}", file=sys.stderr)


def _inapp_rows(msg: Message, now) -> list[Notification]:
    about = {"subject_type": msg.subject_type[:40], "subject_id": str(msg.subject_id or "")[:40],
             "subject_label": msg.subject_label[:80], "link": msg.link[:200], "kind": msg.kind[:32],
             "text": msg.text[:400], "key": msg.key[:80], "created_at": now}
    rows = [Notification(user_id=uid, **about) for uid in msg.user_ids]
    if msg.unit_path:
        rows.append(Notification(unit_path=msg.unit_path, **about))
    return rows


def _inapp(msg: Message) -> None:
    _inapp_write(_inapp_rows(msg, timezone.now()))


def _inapp_write(rows: list[Notification]) -> None:
    # One INSERT for every recipient; a row whose (recipient, key) is already there is dropped.
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)


def _email(msg: Message) -> None:
    if msg.email_enc:
        send_mail(msg.subject or msg.text[:60], msg.personal_text(), None, [crypto.decrypt(msg.email_enc)],
                  fail_silently=False)


def _sms(msg: Message) -> None:
    if msg.phone_enc:
        gateway = import_string(getattr(settings, "JICENG_SMS_BACKEND", "jiceng.core.notify.ConsoleSmsGateway"))()
        gateway.send(crypto.decrypt(msg.phone_enc), msg.personal_text())


def webhook_signature(body: bytes, secret: str) -> str:
    """The value of X-Jiceng-Signature for `body`: a receiver recomputes it with the shared secret."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _webhook(msg: Message) -> None:
    url = getattr(settings, "JICENG_NOTIFY_WEBHOOK_URL", "")
    if not url:
        return
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ImproperlyConfigured("JICENG_NOTIFY_WEBHOOK_URL is an http(s) URL.")
    secret = getattr(settings, "JICENG_NOTIFY_WEBHOOK_SECRET", "")
    if not secret:
        raise ImproperlyConfigured("JICENG_NOTIFY_WEBHOOK_SECRET signs the webhook's body; set it with the URL.")
    body = json.dumps({"key": msg.key, "kind": msg.kind, "text": msg.text, "subject_type": msg.subject_type,
                       "subject_id": msg.subject_id, "link": msg.link, "data": msg.data},
                      ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json", "Idempotency-Key": msg.key,
               "X-Jiceng-Signature": webhook_signature(body, secret)}
    attempts = max(1, int(getattr(settings, "JICENG_NOTIFY_WEBHOOK_ATTEMPTS", 3)))
    pause = float(getattr(settings, "JICENG_NOTIFY_WEBHOOK_BACKOFF", 0.5))
    for attempt in range(1, attempts + 1):
        req = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=5):  # noqa: S310 - configured by the operator  # nosec B310  # operator-configured webhook URL, checked to be http(s) above
                return
        except urllib.error.HTTPError as exc:
            if exc.code < 500 or attempt == attempts:  # the receiver refused the body: no retry helps
                raise
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            if attempt == attempts:
                raise
        time.sleep(pause * 2 ** (attempt - 1))


CHANNELS = {"inapp": _inapp, "email": _email, "sms": _sms, "webhook": _webhook}


def enabled_channels() -> list[str]:
    return list(getattr(settings, "JICENG_NOTIFY_CHANNELS", ["inapp", "email", "sms", "webhook"]))


def _claim(key: str, channel: str):
    """The delivery row this run may send under, or None when the delivery is done or under way.

    A claim still "sending" after the task lease (JICENG_TASK_LEASE_SECONDS) was left by a worker that
    died between claiming and recording the answer (jiceng/core/sweeps.py requeued its task): this run
    takes it over and sends again with the same key, and the receiver drops what it already has (the
    webhook's Idempotency-Key; an in-app row is never written twice)."""
    try:
        with transaction.atomic():
            return NotificationDelivery.objects.create(key=key, channel=channel, status="sending")
    except IntegrityError:
        pass
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=getattr(settings, "JICENG_TASK_LEASE_SECONDS", 600))
    taken = NotificationDelivery.objects.filter(key=key, channel=channel, status="sending", at__lt=stale)
    if taken.update(at=now):
        return NotificationDelivery.objects.get(key=key, channel=channel)
    return None


@task()
def deliver(payload: dict) -> dict:
    """Send one message through its outward channels, each at most once per key; a failing channel does
    not stop the others (and may be tried again by a later run of the same task)."""
    msg = Message(**payload)
    done = {}
    for name in msg.channels or enabled_channels():
        if name == "inapp":
            continue
        if msg.key:
            claim = _claim(msg.key[:80], name)
            if claim is None:
                done[name] = "duplicate"
                continue
        try:
            CHANNELS[name](msg)
            done[name] = "ok"
            if msg.key:
                NotificationDelivery.objects.filter(pk=claim.pk).update(status="ok")
        except Exception as exc:  # noqa: BLE001 - one channel's failure must not stop the rest
            log.warning("notification channel %s failed: %s", name, exc)
            done[name] = f"failed: {exc.__class__.__name__}"
            if msg.key:
                NotificationDelivery.objects.filter(pk=claim.pk).delete()  # a retry may send it
    return done


def _outward(msg: Message, enabled: list[str]) -> list[str]:
    """The outward channels that have something to send for `msg`."""
    wanted = {"email": bool(msg.email_enc), "sms": bool(msg.phone_enc),
              "webhook": bool(getattr(settings, "JICENG_NOTIFY_WEBHOOK_URL", ""))}
    return [name for name in enabled if name != "inapp" and wanted.get(name, True)]


def _enqueue_in_transaction() -> bool:
    backend = deliver.get_backend()
    return type(backend).__module__.startswith("django_tasks_db") and transaction.get_connection().in_atomic_block


def in_quiet_hours(start: datetime.time | None, end: datetime.time | None, at: datetime.datetime):
    """When quiet hours (local time, possibly over midnight) hold at `at`: the moment they end, else None."""
    if start is None or end is None or start == end:
        return None
    local = timezone.localtime(at)
    t = local.time()
    quiet = start <= t < end if start < end else (t >= start or t < end)
    if not quiet:
        return None
    until = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return until if until > local else until + datetime.timedelta(days=1)


def _personal(msg: Message, outward: list[str], now) -> tuple[list[str], datetime.datetime | None]:
    """Apply the recipient's settings (one user, something personal to send): channels and quiet hours."""
    if len(msg.user_ids) != 1 or not (msg.email_enc or msg.phone_enc):
        return outward, None
    pref = NotificationSetting.objects.filter(user_id=msg.user_ids[0]).first()
    if pref is None:
        return outward, None
    outward = [c for c in outward if not (c == "sms" and not pref.sms) and not (c == "email" and not pref.email)]
    until = None if msg.urgent else in_quiet_hours(pref.quiet_start, pref.quiet_end, now)
    if until is not None and not deliver.get_backend().supports_defer:
        outward = [c for c in outward if c == "webhook"]  # nothing personal during the quiet hours
        until = None
    return outward, until


def _enqueue(msg: Message, outward: list[str], run_after) -> None:
    payload = asdict(msg)
    payload["channels"] = outward
    task = deliver.using(run_after=run_after) if run_after is not None else deliver
    if _enqueue_in_transaction():
        task.enqueue(payload)
    else:
        transaction.on_commit(lambda: task.enqueue(payload))


def notify(msg: Message) -> None:
    """Deliver `msg` with the current transaction: in-app rows now, outward channels by one task."""
    notify_many([msg])


def notify_many(msgs: list[Message]) -> None:
    """Deliver many messages (one per member of a call, one per card): the in-app rows of all of them in
    one INSERT, then one outward task per message that has something to send."""
    if not msgs:
        return
    now = timezone.now()
    base = enabled_channels()
    rows, outwards = [], []
    for msg in msgs:
        if not msg.key:
            msg.key = uuid.uuid4().hex
        enabled = [name for name in base if name in msg.channels] if msg.channels else base
        if "inapp" in enabled:
            rows.extend(_inapp_rows(msg, now))
        outwards.append(_outward(msg, enabled))
    _inapp_write(rows)
    for msg, outward in zip(msgs, outwards, strict=True):
        if not outward:
            continue
        outward, run_after = _personal(msg, outward, now)
        if outward:
            _enqueue(msg, outward, run_after)


def encrypt_contact(value: str) -> str:
    return crypto.encrypt(value) if value else ""


def notifications_for(*, user):
    """The in-app notifications a user sees: their own and those of the units they hold a grant on."""
    q = Q(user=user)
    for p in scope_prefixes(user):
        q |= Q(unit_path=p)
    return Notification.objects.filter(q).order_by("-created_at", "-id")


def notifications_mark_read(*, actor) -> int:
    """Mark the user's own unread in-app notifications as read."""
    with transaction.atomic():
        n = Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())
        if n:
            audit_record(actor=actor, action="notification.mark_read", object_type="core.notification",
                         changes={"count": n})
    return n


def notification_setting_for(user) -> NotificationSetting:
    """The user's settings (unsaved defaults when they never chose)."""
    return NotificationSetting.objects.filter(user=user).first() or NotificationSetting(user=user)


def notification_setting_save(*, actor, sms: bool, email: bool, quiet_start=None, quiet_end=None) -> NotificationSetting:
    """A user sets their own outward channels and quiet hours (both ends or neither)."""
    if actor is None or not actor.is_authenticated:
        raise ValidationFailed(_("Sign in to change your notification settings."))
    if (quiet_start is None) != (quiet_end is None):
        raise ValidationFailed(_("Give both ends of the quiet hours, or neither."), field="quiet_end")
    if quiet_start is not None and quiet_start == quiet_end:
        raise ValidationFailed(_("The quiet hours end at another time than they start."), field="quiet_end")
    with transaction.atomic():
        pref, _created = NotificationSetting.objects.update_or_create(
            user=actor, defaults={"sms": bool(sms), "email": bool(email), "quiet_start": quiet_start,
                                  "quiet_end": quiet_end})
        audit_record(actor=actor, action="notification.settings", object_type="core.notificationsetting",
                     object_id=str(pref.pk), changes={"sms": pref.sms, "email": pref.email,
                                                      "quiet": [str(quiet_start or ""), str(quiet_end or "")]})
    return pref
