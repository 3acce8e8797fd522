"""Couriers register without an account (phone checked with the intake's SMS code), record visits by
scanning a station's QR code and sign up to volunteer; the figures count them."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from jiceng.core.notify import ConsoleSmsGateway
from jiceng.stations import couriers, figures
from jiceng.stations.models import Courier, CourierSignup, Visit
from jiceng.stations.services import position_create

PHONE = "13600001111"


def _code():
    return re.search(r"\d{6}", [t for to, t in ConsoleSmsGateway.sent if to == PHONE][-1]).group(0)


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    ConsoleSmsGateway.sent.clear()
    c = Client()
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post("/stations/couriers/sms-code/", {"phone": PHONE})
    assert r.status_code == 200 and "136****1111" in r.content.decode()
    return c


def form(city, **kw):
    return {"kind": "rider", "name": "刘骑手", "phone": PHONE, "sms_code": _code(), "platform": "美团",
            "community": city.community.code, **kw}


def test_a_rider_registers_with_the_sms_code(city, sent):
    r = sent.post("/stations/couriers/register/", form(city))
    assert r.status_code == 302 and "jiceng_courier" in r.cookies
    courier = Courier.objects.get()
    assert courier.phone_masked == "136****1111" and PHONE not in courier.phone_enc
    assert figures.figures(city.city, today=timezone.localdate())["new_employment_registered"] == 1


def test_a_wrong_code_is_refused_in_chinese_and_nothing_is_written(city, sent):
    r = sent.post("/stations/couriers/register/", form(city, sms_code="000000" if _code() != "000000" else "111111"),
                  HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 422 and "验证码" in r.content.decode()
    assert not Courier.objects.exists()


def test_a_qr_scan_records_a_visit_and_signs_up(city, sent):
    sent.post("/stations/couriers/register/", form(city))
    courier = Courier.objects.get()
    p = position_create(actor=None, unit=city.compound, level="station", name="驿站", lat=36.05, lng=111.42,
                        address="五一路")
    svg = Client().get(f"/stations/p/{p.pk}/qr.svg")
    assert svg.status_code == 200 and svg.content.startswith(b"<?xml") and b"<svg" in svg.content
    r = sent.get(f"/stations/q/{p.qr_token}/")
    assert r.status_code == 302 and r["Location"].endswith(f"/stations/p/{p.pk}/?visited=1")
    sent.get(f"/stations/q/{p.qr_token}/")  # a repeat scan within 30 minutes counts once
    Client().get(f"/stations/q/{p.qr_token}/")  # an anonymous scan counts
    assert Visit.objects.filter(courier=courier).count() == 1 and Visit.objects.count() == 2
    assert Client().get("/stations/q/unknown-token/").status_code == 404
    assert figures.figures(city.city, today=timezone.localdate())["new_employment_visits_year"] == 2

    from jiceng.mobilize.services import activity_create

    start = timezone.now() + datetime.timedelta(days=2)
    act = activity_create(actor=None, community=city.community, kind="volunteer", title="清理楼道", starts_at=start,
                          ends_at=start + datetime.timedelta(hours=3), capacity=1)
    assert "清理楼道" in sent.get("/stations/couriers/register/").content.decode()
    sent.post("/stations/couriers/register/", {"activity": act.pk})
    signup = CourierSignup.objects.get()
    couriers.courier_hours_record(actor=city.users["community_worker"], signup=signup, hours="2.5")
    from jiceng.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        couriers.courier_hours_record(actor=city.users["community_worker"], signup=signup, hours="9")
    f = figures.figures(city.city, today=start.date())
    assert f["new_employment_volunteer_hours_year"] == 2.5
