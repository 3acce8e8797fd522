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

Settings (read with defaults, so none is required):
  JICENG_NOTIFY_CHANNELS    list of channel names, default ["inapp", "email", "sms", "webhook"]
  JICENG_SMS_BACKEND        dotted path of an SmsGateway, default the console gateway
  JICENG_NOTIFY_WEBHOOK_URL one URL that receives every notification as JSON ("" = off)
"""

import json
import logging
import sys
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from jiceng.core import crypto
from jiceng.core.audit import audit_record
from jiceng.core.models import Notification
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


def _inapp(msg: Message) -> None:
    now = timezone.now()
    about = (msg.subject_type[:40], str(msg.subject_id or "")[:40], msg.subject_label[:80], msg.link[:200])
    rows = [(uid, "", *about, msg.kind[:32], msg.text[:400], now) for uid in msg.user_ids]
    if msg.unit_path:
        rows.append((None, msg.unit_path, *about, msg.kind[:32], msg.text[:400], now))
    if not rows:
        return
    # One plain INSERT (no ORM compilation): this runs inside every case write.
    table = connection.ops.quote_name(Notification._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (user_id, unit_path, subject_type, subject_id, subject_label, link, "  # noqa: S608  # nosec B608  # identifiers from model metadata, values bound as parameters
                       f"kind, text, created_at) VALUES {values}", [v for row in rows for v in row])


def _email(msg: Message) -> None:
    if msg.email_enc:
        send_mail(msg.subject or msg.text[:60], msg.personal_text(), None, [crypto.decrypt(msg.email_enc)],
                  fail_silently=False)


def _sms(msg: Message) -> None:
    if msg.phone_enc:
        gateway = import_string(getattr(settings, "JICENG_SMS_BACKEND", "jiceng.core.notify.ConsoleSmsGateway"))()
        gateway.send(crypto.decrypt(msg.phone_enc), msg.personal_text())


def _webhook(msg: Message) -> None:
    url = getattr(settings, "JICENG_NOTIFY_WEBHOOK_URL", "")
    if not url:
        return
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ImproperlyConfigured("JICENG_NOTIFY_WEBHOOK_URL is an http(s) URL.")
    body = json.dumps({"kind": msg.kind, "text": msg.text, "subject_type": msg.subject_type,
                       "subject_id": msg.subject_id, "data": msg.data},
                      ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=5):  # noqa: S310 - configured by the operator  # nosec B310  # operator-configured webhook URL, checked to be http(s) above
        pass


CHANNELS = {"inapp": _inapp, "email": _email, "sms": _sms, "webhook": _webhook}


def enabled_channels() -> list[str]:
    return list(getattr(settings, "JICENG_NOTIFY_CHANNELS", ["inapp", "email", "sms", "webhook"]))


@task()
def deliver(payload: dict) -> dict:
    """Send one message through every enabled channel; a failing channel does not stop the others."""
    msg = Message(**payload)
    done = {}
    for name in msg.channels or enabled_channels():
        try:
            CHANNELS[name](msg)
            done[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - one channel's failure must not stop the rest
            log.warning("notification channel %s failed: %s", name, exc)
            done[name] = f"failed: {exc.__class__.__name__}"
    return done


def _outward(msg: Message, enabled: list[str]) -> list[str]:
    """The outward channels that have something to send for `msg`."""
    wanted = {"email": bool(msg.email_enc), "sms": bool(msg.phone_enc),
              "webhook": bool(getattr(settings, "JICENG_NOTIFY_WEBHOOK_URL", ""))}
    return [name for name in enabled if name != "inapp" and wanted.get(name, True)]


def _enqueue_in_transaction() -> bool:
    backend = deliver.get_backend()
    return type(backend).__module__.startswith("django_tasks_db") and transaction.get_connection().in_atomic_block


def notify(msg: Message) -> None:
    """Deliver `msg` with the current transaction: in-app rows now, outward channels by one task."""
    enabled = enabled_channels()
    if msg.channels:
        enabled = [name for name in enabled if name in msg.channels]
    if "inapp" in enabled:
        _inapp(msg)
    outward = _outward(msg, enabled)
    if not outward:
        return
    payload = asdict(msg)
    payload["channels"] = outward
    if _enqueue_in_transaction():
        deliver.enqueue(payload)
    else:
        transaction.on_commit(lambda: deliver.enqueue(payload))


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
