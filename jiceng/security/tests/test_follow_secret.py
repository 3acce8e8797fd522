"""Attack: act on a case knowing only its code (issue 10, item 2).

Someone who learned a case code (from a list, over a shoulder) rates it "not satisfied", which reopens
and escalates it and drags the unit's score. Rating needs the follow secret given to the reporter at
intake (thank-you page, receipt SMS), stored only as its keyed hash; guessing it is throttled."""

import json
import types

import pytest
from django.test import Client

from jiceng.cases.models import Case, Category, Status
from jiceng.cases.services import case_act, case_submit

FLOW = [("grid_worker", "register"), ("grid_worker", "dispatch"), ("grid_worker", "start"),
        ("grid_worker", "handle"), ("community_worker", "verify"), ("community_worker", "close")]


@pytest.fixture(autouse=True)
def _tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.JICENG_NOTIFY_WEBHOOK_URL = ""


@pytest.fixture
def closed(city):
    case, _ = case_submit(actor=None, category=Category.objects.get(code="E0101"), description="垃圾",
                          source="phone", lat=36.05, lng=111.42, publish=True)
    secret = case.follow_secret
    for who, action in FLOW:
        case = case_act(actor=city.users[who], case=case, action=action, version=case.version, comment="ok")
    return case, secret


def _rate(code, **body):
    return Client().post(f"/api/v1/public/cases/{code}/rating", json.dumps({"rating": "not", **body}),
                         content_type="application/json")


def test_the_code_alone_cannot_rate_or_reopen(closed):
    case, _secret = closed
    assert _rate(case.code).status_code == 422  # no secret
    assert _rate(case.code, secret="ABCDEFGHJKLM").status_code == 422  # a guess
    r = Client().post(f"/cases/follow/{case.code}/", {"rating": "not"})
    assert r.status_code == 422
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.rating == "" and not case.reopened


def test_the_reporter_rates_with_the_secret(closed):
    case, secret = closed
    r = _rate(case.code, secret=secret.lower())  # read out over the phone: case does not matter
    assert r.status_code == 200 and r.json()["status"] == "registered"


def test_guessing_the_secret_is_throttled(closed):
    case, secret = closed
    for _ in range(10):
        assert _rate(case.code, secret="WRONGWRONG22").status_code == 422
    r = _rate(case.code, secret=secret)
    assert r.status_code == 429 and "明天" in r.json()["detail"]  # even the right one, for today
    case.refresh_from_db()
    assert case.rating == ""


def test_the_secret_is_stored_hashed_and_shown_once(city):
    c = Client()
    r = c.post("/cases/report/", {"category": "E0101", "description": "路灯不亮", "lat": "36.05", "lng": "111.42",
                                  "token": "t-1", "phone": "13912345678", "publish": "1"})
    secret = r.context["secret"]
    case = Case.objects.get()
    assert secret in r.content.decode()
    assert not Case.objects.filter(follow_secret_hash__contains=secret).exists()
    assert secret not in json.dumps(list(Case.objects.values()), default=str)
    assert secret not in c.get(f"/cases/follow/{case.code}/").content.decode()
    replay = c.post("/cases/report/", {"category": "E0101", "description": "路灯不亮", "lat": "36.05",
                                       "lng": "111.42", "token": "t-1"})
    assert secret not in replay.content.decode()


def test_the_secret_goes_by_sms_but_never_to_the_webhook_or_the_task_table(city, settings, monkeypatch):
    from jiceng.core import notify

    settings.JICENG_NOTIFY_WEBHOOK_URL = "http://127.0.0.1:9/hook"
    payloads, hooked = [], []
    real_deliver = notify.deliver
    monkeypatch.setattr(notify, "deliver", types.SimpleNamespace(enqueue=payloads.append))  # the task row
    monkeypatch.setattr(notify, "_enqueue_in_transaction", lambda: True)
    monkeypatch.setattr(notify, "CHANNELS", {**notify.CHANNELS, "webhook": lambda msg: hooked.append(msg.text)})
    case, _ = case_submit(actor=None, category=Category.objects.get(code="E0101"), description="垃圾",
                          source="phone", lat=36.05, lng=111.42, reporter_phone="13912345678")
    secret = case.follow_secret
    assert payloads and secret not in json.dumps(payloads, ensure_ascii=False)  # the queued task's row
    notify.ConsoleSmsGateway.sent.clear()
    for payload in payloads:
        real_deliver.call(payload)
    assert any(secret in text for _to, text in notify.ConsoleSmsGateway.sent)
    assert hooked and not any(secret in text for text in hooked)
