"""Attack: flood intake and the SMS routes (issue 10, item 9, cases and notifications part).

A logged-in user (a resident's token, a leaked token) posts cases in a loop; someone bombs one mobile
number with receipts and codes; the SMS code leaks through the webhook or the task table. Limits are
counted by one conditional upsert per request, so concurrent requests on PostgreSQL cannot slip past."""

import json
import threading
import types

import pytest
from django.db import connection, connections
from django.test import Client

from jiceng.cases import services
from jiceng.cases.models import Case, ThrottleCount
from jiceng.cases.throttle import HOUR, throttle_take


@pytest.fixture(autouse=True)
def _tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.JICENG_NOTIFY_WEBHOOK_URL = ""


def _post(client, **body):
    data = {"category": "E0101", "description": "垃圾", "lat": 36.05, "lng": 111.42, **body}
    return client.post("/api/v1/cases", json.dumps(data), content_type="application/json",
                       HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_api_intake_is_throttled_per_user_with_a_chinese_429(client_for, settings):
    settings.JICENG_INTAKE_MAX_PER_USER_HOUR = 5
    c = client_for("resident")
    for _ in range(5):
        assert _post(c).status_code == 201
    r = _post(c)
    assert r.status_code == 429 and "请" in r.json()["detail"]
    assert Case.objects.count() == 5
    assert _post(client_for("grid_worker")).status_code == 201  # another user is not held back


def test_receipts_to_one_number_are_throttled_whoever_sends_them(client_for):
    victim = "13912345678"
    sent = 0
    for persona in ("city_admin", "street_official", "community_worker", "grid_worker"):
        for _ in range(3):
            r = _post(client_for(persona), reporter_phone=victim)
            sent += r.status_code == 201
    assert sent == services.INTAKE_PER_PHONE_DAY
    assert _post(client_for("grid_worker"), reporter_phone="13900000000").status_code == 201


def test_sms_codes_to_one_number_are_throttled_across_addresses(city, settings):
    settings.JICENG_INTAKE_SMS_CHECK = True
    ok = 0
    for n in range(4):
        r = Client(REMOTE_ADDR=f"10.0.0.{n}").post("/cases/report/code/", {"phone": "13912345678"},
                                                   HTTP_ACCEPT_LANGUAGE="zh-hans")
        ok += r.status_code == 200
        if r.status_code != 200:
            assert r.status_code == 429 and "分钟" in r.content.decode()
    assert ok == 1  # one code a minute per number, whatever the address


def test_the_sms_code_never_reaches_the_webhook_nor_the_task_table(city, settings, monkeypatch):
    import re

    from jiceng.core import notify

    settings.JICENG_INTAKE_SMS_CHECK = True
    settings.JICENG_NOTIFY_WEBHOOK_URL = "http://127.0.0.1:9/hook"
    payloads, hooked = [], []
    real_deliver = notify.deliver
    monkeypatch.setattr(notify, "deliver", types.SimpleNamespace(enqueue=payloads.append))  # the task row
    monkeypatch.setattr(notify, "_enqueue_in_transaction", lambda: True)
    monkeypatch.setattr(notify, "CHANNELS", {**notify.CHANNELS, "webhook": lambda msg: hooked.append(msg.text)})
    notify.ConsoleSmsGateway.sent.clear()
    services.sms_code_send(phone="13912345678", client_address="10.0.0.1")
    assert len(payloads) == 1 and payloads[0]["channels"] == ["sms"]  # only the SMS channel
    for payload in payloads:
        real_deliver.call(payload)
    code = re.search(r"\d{6}", notify.ConsoleSmsGateway.sent[-1][1]).group(0)
    assert code not in json.dumps(payloads) and hooked == []


@pytest.mark.django_db(transaction=True)
def test_the_limit_is_exact_under_concurrent_requests():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs PostgreSQL (SQLite serialises every writer)")
    limit, threads, granted = 7, 24, []
    barrier = threading.Barrier(threads)

    def hit():
        try:
            barrier.wait()
            from django.db import transaction

            with transaction.atomic():
                granted.append(throttle_take("user:race:intake", limit=limit, window=HOUR))
        finally:
            connections.close_all()

    workers = [threading.Thread(target=hit) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert granted.count(True) == limit and len(granted) == threads
    assert ThrottleCount.objects.get(key="user:race:intake").count == limit
