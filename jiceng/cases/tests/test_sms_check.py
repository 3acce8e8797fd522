"""The optional SMS code check of public reports (B1, JICENG_INTAKE_SMS_CHECK)."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from jiceng.cases import services
from jiceng.cases.models import Case, PhoneCheck
from jiceng.core.audit import AuditEvent
from jiceng.core.errors import ValidationFailed
from jiceng.core.notify import ConsoleSmsGateway

PHONE = "13912345678"
FORM = {"category": "E0101", "description": "小区门口垃圾", "lat": "36.05", "lng": "111.42", "phone": PHONE}


@pytest.fixture
def sms_on(settings, django_capture_on_commit_callbacks):
    """The check on. Returns `send(fn, ...)`: runs fn and then its on-commit work (the SMS) as a commit
    outside the test's transaction would."""
    settings.JICENG_INTAKE_SMS_CHECK = True
    ConsoleSmsGateway.sent.clear()

    def send(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return send


def _last_code(phone=PHONE) -> str:
    sent = [text for to, text in ConsoleSmsGateway.sent if to == phone]
    return re.search(r"\d{6}", sent[-1]).group(0)


def test_off_by_default_a_report_needs_no_code(city):
    assert Client().post("/cases/report/", FORM).status_code == 200  # the thank-you page
    assert Client().post("/cases/report/code/", {"phone": PHONE}).status_code == 404


def test_a_resident_gets_a_code_by_sms_and_reports_with_it(city, sms_on):
    c = Client()
    page = c.get("/cases/report/").content.decode()
    assert 'name="sms_code"' in page
    r = sms_on(c.post, "/cases/report/code/", {"phone": PHONE})
    assert r.status_code == 200 and "139****5678" in r.content.decode()
    check = PhoneCheck.objects.get()
    assert PHONE not in check.phone_hash and _last_code() not in check.code_hash  # neither stored in clear
    r = c.post("/cases/report/", {**FORM, "sms_code": _last_code(), "token": "k1"})
    assert r.status_code == 200 and r.context["secret"]
    case = Case.objects.get()
    assert case.reporter_phone_masked == "139****5678"
    assert AuditEvent.objects.filter(action="case.submit").get().changes["phone_checked"] is True
    # the code is used up: a second report needs a new one, a replay of the same form returns the case
    assert c.post("/cases/report/", {**FORM, "sms_code": _last_code(), "token": "k2"}).status_code == 422
    assert c.post("/cases/report/", {**FORM, "sms_code": _last_code(), "token": "k1"}).context["case"] == case
    assert Case.objects.count() == 1


def test_without_a_code_or_number_nothing_is_written(city, sms_on):
    r = Client().post("/cases/report/", {**FORM, "phone": ""})
    assert r.status_code == 422 and 'id="form-error"' in r.content.decode()
    r = Client().post("/cases/report/", FORM)
    assert r.status_code == 422 and Case.objects.count() == 0


def test_a_wrong_code_costs_a_try_and_five_lock_the_code(city, sms_on):
    c = Client()
    sms_on(c.post, "/cases/report/code/", {"phone": PHONE})
    right = _last_code()
    wrong = "000000" if right != "000000" else "111111"
    for _n in range(5):
        r = c.post("/cases/report/", {**FORM, "sms_code": wrong})
        assert r.status_code == 422
    assert PhoneCheck.objects.get().attempts == 5
    assert AuditEvent.objects.filter(action="case.sms_code_wrong").count() == 5
    r = c.post("/cases/report/", {**FORM, "sms_code": right})
    assert r.status_code == 422 and Case.objects.count() == 0  # locked, even with the right code


def test_an_expired_code_is_refused(city, sms_on):
    now = timezone.now()
    sms_on(services.sms_code_send, phone=PHONE, client_address="1.2.3.4", now=now - datetime.timedelta(minutes=11))
    with pytest.raises(ValidationFailed) as err:
        services._sms_code_use(PHONE, _last_code(), now)
    assert err.value.code == "sms_code_missing"


def test_codes_are_throttled_per_number_and_per_address(city, sms_on):
    # Fixed windows (a minute, an hour): start at the top of an hour so that the steps share it.
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    sms_on(services.sms_code_send, phone=PHONE, client_address="1.2.3.4", now=now)
    with pytest.raises(services.Throttled):  # again within a minute
        sms_on(services.sms_code_send, phone=PHONE, client_address="1.2.3.4", now=now + datetime.timedelta(seconds=30))
    for n in range(1, 5):
        sms_on(services.sms_code_send, phone=PHONE, client_address="1.2.3.4", now=now + datetime.timedelta(minutes=n))
    with pytest.raises(services.Throttled):  # the sixth within the hour
        sms_on(services.sms_code_send, phone=PHONE, client_address="1.2.3.4", now=now + datetime.timedelta(minutes=6))
    for n in range(15):
        sms_on(services.sms_code_send, phone=f"1380000{n:04d}", client_address="1.2.3.4", now=now)
    with pytest.raises(services.Throttled):  # the 21st from one address within the hour
        sms_on(services.sms_code_send, phone="13700000000", client_address="1.2.3.4", now=now)
    assert PhoneCheck.objects.count() == 20


def test_a_bad_number_gets_a_message_and_no_code(city, sms_on):
    r = Client().post("/cases/report/code/", {"phone": "12345"})
    assert r.status_code == 422 and PhoneCheck.objects.count() == 0 and ConsoleSmsGateway.sent == []
    r = Client().post("/cases/report/code/", {"phone": "0351-1234567"})  # a landline gets no SMS
    assert r.status_code == 422 and PhoneCheck.objects.count() == 0


def test_the_sweep_forgets_day_old_throttle_records(city, sms_on):
    from jiceng.cases.models import ThrottleCount
    from jiceng.cases.sweeps import sweep_intake_records

    now = timezone.now()
    sms_on(services.sms_code_send, phone=PHONE, client_address="1.2.3.4", now=now - datetime.timedelta(days=2))
    sms_on(services.sms_code_send, phone=PHONE, client_address="1.2.3.4", now=now)
    assert ThrottleCount.objects.count() == 6  # gap, number, address; twice
    assert sweep_intake_records(now) == 4  # three counters and one code check of two days ago
    assert PhoneCheck.objects.count() == 1 and ThrottleCount.objects.count() == 3
    assert sweep_intake_records(now) == 0
