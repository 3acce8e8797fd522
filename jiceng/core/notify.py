"""Notifications through pluggable channels (H4): in-app, email, SMS gateway, webhook.

A service calls `notify(...)` inside its transaction; nothing leaves the process until the
transaction commits: `transaction.on_commit` enqueues one `deliver` task (django-tasks, DB backend),
and the worker sends through each channel. A rolled-back write sends nothing.

Personal numbers travel encrypted (the task table is a database table too) and are decrypted only
inside the channel that needs them.

Settings (read with defaults, so none is required):
  JICENG_NOTIFY_CHANNELS    list of channel names, default ["inapp", "email", "sms", "webhook"]
  JICENG_SMS_BACKEND        dotted path of an SmsGateway, default the console gateway
  JICENG_NOTIFY_WEBHOOK_URL one URL that receives every notification as JSON ("" = off)
"""

import json
import logging
import sys
import urllib.request
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks import task

from jiceng.core import crypto

log = logging.getLogger(__name__)


@dataclass
class Message:
    kind: str  # e.g. "case.status"
    text: str
    subject: str = ""
    user_ids: list = field(default_factory=list)  # in-app recipients
    unit_path: str = ""  # in-app: a whole unit's desk
    case_id: int | None = None
    email_enc: str = ""  # encrypted with jiceng.core.crypto
    phone_enc: str = ""
    data: dict = field(default_factory=dict)


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
    from jiceng.cases.models import Notification

    rows = [Notification(user_id=uid, case_id=msg.case_id, kind=msg.kind, text=msg.text[:400])
            for uid in msg.user_ids]
    if msg.unit_path:
        rows.append(Notification(unit_path=msg.unit_path, case_id=msg.case_id, kind=msg.kind, text=msg.text[:400]))
    Notification.objects.bulk_create(rows)


def _email(msg: Message) -> None:
    if msg.email_enc:
        send_mail(msg.subject or msg.text[:60], msg.text, None, [crypto.decrypt(msg.email_enc)], fail_silently=False)


def _sms(msg: Message) -> None:
    if msg.phone_enc:
        gateway = import_string(getattr(settings, "JICENG_SMS_BACKEND", "jiceng.core.notify.ConsoleSmsGateway"))()
        gateway.send(crypto.decrypt(msg.phone_enc), msg.text)


def _webhook(msg: Message) -> None:
    url = getattr(settings, "JICENG_NOTIFY_WEBHOOK_URL", "")
    if not url:
        return
    body = json.dumps({"kind": msg.kind, "text": msg.text, "case_id": msg.case_id, "data": msg.data},
                      ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=5):  # noqa: S310 - configured by the operator
        pass


CHANNELS = {"inapp": _inapp, "email": _email, "sms": _sms, "webhook": _webhook}


def enabled_channels() -> list[str]:
    return list(getattr(settings, "JICENG_NOTIFY_CHANNELS", ["inapp", "email", "sms", "webhook"]))


@task()
def deliver(payload: dict) -> dict:
    """Send one message through every enabled channel; a failing channel does not stop the others."""
    msg = Message(**payload)
    done = {}
    for name in enabled_channels():
        try:
            CHANNELS[name](msg)
            done[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - one channel's failure must not stop the rest
            log.warning("notification channel %s failed: %s", name, exc)
            done[name] = f"failed: {exc.__class__.__name__}"
    return done


def notify(msg: Message) -> None:
    """Queue `msg` for delivery once the current transaction commits."""
    payload = asdict(msg)
    transaction.on_commit(lambda: deliver.enqueue(payload))


def encrypt_contact(value: str) -> str:
    return crypto.encrypt(value) if value else ""
