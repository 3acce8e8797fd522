"""Attack: inflate a station's visit figure by scripting its QR link, and brute-force or enumerate the
courier registration (issue 12, public endpoints). Limits per client address are counted by the cases
throttle (one conditional upsert); a refused request writes nothing and says why in Chinese."""

import re

import pytest
from django.test import Client

from jiceng.core.models import AuditEvent
from jiceng.core.notify import ConsoleSmsGateway
from jiceng.stations import couriers
from jiceng.stations.models import Courier, Visit
from jiceng.stations.services import position_create

PHONE = "13600002222"


@pytest.fixture
def station(city):
    return position_create(actor=None, unit=city.compound, level="station", name="驿站", lat=36.05, lng=111.42,
                           address="五一路")


def test_a_script_cannot_inflate_one_stations_visits(station):
    bot = Client(REMOTE_ADDR="10.9.9.9")
    codes = [bot.get(f"/stations/q/{station.qr_token}/", HTTP_ACCEPT_LANGUAGE="zh-hans").status_code
             for _ in range(couriers.VISITS_PER_ADDRESS_POSITION_HOUR + 5)]
    assert codes.count(302) == couriers.VISITS_PER_ADDRESS_POSITION_HOUR and codes[-1] == 429
    assert Visit.objects.count() == couriers.VISITS_PER_ADDRESS_POSITION_HOUR
    audits = AuditEvent.objects.filter(action="position.visit").count()
    r = bot.get(f"/stations/q/{station.qr_token}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 429 and "次数过多" in r.content.decode()
    assert Visit.objects.count() == couriers.VISITS_PER_ADDRESS_POSITION_HOUR  # nothing written
    assert AuditEvent.objects.filter(action="position.visit").count() == audits
    # a courier at another address is not held back
    assert Client(REMOTE_ADDR="10.9.9.10").get(f"/stations/q/{station.qr_token}/").status_code == 302


def test_one_address_cannot_visit_every_station_without_end(city, station, monkeypatch):
    monkeypatch.setattr(couriers, "VISITS_PER_ADDRESS_HOUR", 3)
    others = [position_create(actor=None, unit=city.compound, level="station", name=f"驿站{i}", lat=36.05,
                              lng=111.42, address="五一路") for i in range(3)]
    bot = Client(REMOTE_ADDR="10.9.9.11")
    codes = [bot.get(f"/stations/q/{p.qr_token}/").status_code for p in [station, *others]]
    assert codes == [302, 302, 302, 429] and Visit.objects.count() == 3


def _code():
    return re.search(r"\d{6}", [t for to, t in ConsoleSmsGateway.sent if to == PHONE][-1]).group(0)


def _form(city, **kw):
    return {"kind": "rider", "name": "王骑手", "phone": PHONE, "sms_code": "000000", "platform": "美团",
            "community": city.community.code, **kw}


def test_registration_tries_are_throttled_per_address_and_refused_ones_count(city, monkeypatch):
    monkeypatch.setattr(couriers, "REGISTER_TRIES_PER_ADDRESS_HOUR", 4)
    bot = Client(REMOTE_ADDR="10.9.9.12")
    codes = [bot.post("/stations/couriers/register/", _form(city, community="nope"),
                      HTTP_ACCEPT_LANGUAGE="zh-hans").status_code for _ in range(5)]
    assert codes == [422, 422, 422, 422, 429]
    r = bot.post("/stations/couriers/register/", _form(city), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 429 and "一小时后再试" in r.content.decode()
    assert not Courier.objects.exists()
    assert Client(REMOTE_ADDR="10.9.9.13").post("/stations/couriers/register/",
                                                _form(city, community="nope")).status_code == 422


def test_registration_does_not_tell_whether_a_number_is_registered_without_its_code(
        city, django_capture_on_commit_callbacks):
    ConsoleSmsGateway.sent.clear()
    rider = Client(REMOTE_ADDR="10.9.9.14")
    with django_capture_on_commit_callbacks(execute=True):
        rider.post("/stations/couriers/sms-code/", {"phone": PHONE})
    assert rider.post("/stations/couriers/register/", _form(city, sms_code=_code())).status_code == 302
    # someone else probes the number with a made-up code: the answer is about the code, not the number
    probe = Client(REMOTE_ADDR="10.9.9.15").post("/stations/couriers/register/", _form(city, sms_code="123456"),
                                                 HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "验证码" in probe and "已登记" not in probe
    assert Courier.objects.count() == 1
