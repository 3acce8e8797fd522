"""Notification channels (H4): e-mail through Django's mail backend, the webhook to a real local HTTP
receiver (retried on failure, body signed with HMAC), idempotency keys, a user's settings and quiet hours."""

import datetime
import hashlib
import hmac
import http.server
import json
import threading

import pytest
from django.core import mail
from django.utils import timezone

from jiceng.core import notify
from jiceng.core.models import Notification, NotificationDelivery, NotificationSetting

SECRET = "s3cret-for-tests"


class Receiver:
    """A local webhook receiver: answers the first `fail` requests with 503, then 200."""

    def __init__(self, fail=0):
        self.requests, self.fail = [], fail
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                code = 503 if len(receiver.requests) <= receiver.fail else 200
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook(settings):
    settings.JICENG_NOTIFY_WEBHOOK_SECRET = SECRET
    settings.JICENG_NOTIFY_WEBHOOK_BACKOFF = 0.01
    settings.JICENG_NOTIFY_WEBHOOK_ATTEMPTS = 3
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    def make(fail=0):
        r = Receiver(fail)
        settings.JICENG_NOTIFY_WEBHOOK_URL = r.url
        return r
    return make


@pytest.fixture
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _msg(**kw):
    return notify.Message(kind="test.kind", text="召集令：五一路卡口", subject="召集令", **kw)


@pytest.mark.django_db(transaction=True)
def test_email_goes_out_after_the_commit_through_the_mail_backend(locmem):
    notify.notify(_msg(email_enc=notify.encrypt_contact("li@example.org"), key="mail-1"))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["li@example.org"] and "五一路卡口" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_a_second_delivery_of_the_same_key_is_dropped(locmem):
    m = _msg(email_enc=notify.encrypt_contact("li@example.org"), key="same-key")
    assert notify.deliver.call({**m.__dict__, "channels": ["email"]}) == {"email": "ok"}
    assert notify.deliver.call({**m.__dict__, "channels": ["email"]}) == {"email": "duplicate"}
    assert len(mail.outbox) == 1
    assert NotificationDelivery.objects.filter(key="same-key", channel="email", status="ok").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_webhook_body_is_signed_and_carries_the_key(hook):
    with hook() as r:
        notify.notify(_msg(key="hook-1", subject_type="mobilize.assignment", subject_id="7", link="/mobilize/my-calls/"))
    assert len(r.requests) == 1
    headers, body = r.requests[0]
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Jiceng-Signature"] == expected
    assert headers["Idempotency-Key"] == "hook-1"
    data = json.loads(body)
    assert data["key"] == "hook-1" and data["link"] == "/mobilize/my-calls/" and data["text"] == "召集令：五一路卡口"
    # A tampered body does not match the signature.
    assert hmac.new(SECRET.encode(), body + b" ", hashlib.sha256).hexdigest() != expected[7:]


@pytest.mark.django_db(transaction=True)
def test_the_webhook_is_retried_until_the_receiver_answers(hook):
    with hook(fail=2) as r:
        notify.notify(_msg(key="hook-retry"))
    assert len(r.requests) == 3  # 503, 503, 200
    assert len({body for _h, body in r.requests}) == 1
    assert NotificationDelivery.objects.get(key="hook-retry", channel="webhook").status == "ok"


@pytest.mark.django_db(transaction=True)
def test_a_webhook_that_keeps_failing_leaves_no_delivery_row_so_a_retry_may_send(hook):
    with hook(fail=10) as r:
        result = notify.deliver.call({**_msg(key="hook-down").__dict__, "channels": ["webhook"]})
    assert result == {"webhook": "failed: HTTPError"} and len(r.requests) == 3
    assert not NotificationDelivery.objects.filter(key="hook-down").exists()


@pytest.mark.django_db(transaction=True)
def test_a_webhook_without_a_secret_sends_nothing(hook, settings):
    with hook() as r:
        settings.JICENG_NOTIFY_WEBHOOK_SECRET = ""
        result = notify.deliver.call({**_msg(key="unsigned").__dict__, "channels": ["webhook"]})
    assert result == {"webhook": "failed: ImproperlyConfigured"} and r.requests == []


def test_in_app_rows_are_written_once_per_recipient_and_key(city):
    uid = city.users["party_member"].pk
    for _ in range(2):
        notify.notify_many([_msg(user_ids=[uid], unit_path=city.community.path, key="call.offer:1"),
                            _msg(user_ids=[uid], key="call.offer:2")])
    assert Notification.objects.filter(user_id=uid).count() == 2
    assert Notification.objects.filter(user__isnull=True, unit_path=city.community.path).count() == 1


def test_the_users_settings_turn_sms_off(city, monkeypatch, django_capture_on_commit_callbacks, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    sent = []
    monkeypatch.setattr(notify.ConsoleSmsGateway, "send", lambda self, phone, text: sent.append(phone))
    user = city.users["party_member"]
    notify.notification_setting_save(actor=user, sms=False, email=True)
    with django_capture_on_commit_callbacks(execute=True):
        notify.notify(_msg(user_ids=[user.pk], phone_enc=notify.encrypt_contact("13912345678")))
    assert sent == [] and Notification.objects.filter(user=user).count() == 1


@pytest.mark.parametrize("urgent", [False, True])
def test_quiet_hours_hold_the_sms_back_except_for_an_urgent_message(city, monkeypatch, settings, urgent,
                                                                    django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    sent = []
    monkeypatch.setattr(notify.ConsoleSmsGateway, "send", lambda self, phone, text: sent.append(phone))
    user = city.users["party_member"]
    now = timezone.localtime()
    start = (now - datetime.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (now + datetime.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    notify.notification_setting_save(actor=user, sms=True, email=True, quiet_start=start, quiet_end=end)
    with django_capture_on_commit_callbacks(execute=True):
        notify.notify(_msg(user_ids=[user.pk], phone_enc=notify.encrypt_contact("13912345678"), urgent=urgent))
    assert sent == (["13912345678"] if urgent else [])
    assert Notification.objects.filter(user=user).count() == 1  # the in-app row always arrives


def test_quiet_hours_defer_the_task_with_a_backend_that_can(city, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    user = city.users["party_member"]
    NotificationSetting.objects.create(user=user, quiet_start=datetime.time(0, 0), quiet_end=datetime.time(23, 59))
    notify.notify(_msg(user_ids=[user.pk], phone_enc=notify.encrypt_contact("13912345678")))
    task = DBTaskResult.objects.get()
    assert task.run_after is not None and task.run_after > timezone.now()


@pytest.mark.parametrize("start,end,at,until", [
    ("22:00", "07:00", "23:30", "07:00"), ("22:00", "07:00", "06:59", "07:00"), ("22:00", "07:00", "12:00", None),
    ("12:00", "14:00", "13:00", "14:00"), ("12:00", "14:00", "14:00", None),
])
def test_quiet_hours_over_midnight(start, end, at, until):
    t = datetime.time.fromisoformat
    moment = timezone.make_aware(datetime.datetime.combine(datetime.date(2026, 3, 1), t(at)))
    got = notify.in_quiet_hours(t(start), t(end), moment)
    assert (got.strftime("%H:%M") if got else None) == until
    if got:
        assert got > moment


def test_the_settings_need_both_ends_of_the_quiet_hours(city):
    from jiceng.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        notify.notification_setting_save(actor=city.users["resident"], sms=True, email=True,
                                         quiet_start=datetime.time(22, 0))
    assert not NotificationSetting.objects.exists()


def test_in_app_notifications_are_written_by_the_orm_not_raw_sql():
    import inspect

    assert "cursor" not in inspect.getsource(notify)
