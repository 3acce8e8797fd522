"""Client addresses for throttles, directly or behind trusted reverse proxies."""

from django.test import RequestFactory

from jiceng.core.client import client_address


def test_without_proxies_the_socket_address_counts_and_forwarded_headers_are_ignored(settings):
    settings.JICENG_TRUSTED_PROXIES = 0
    req = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert client_address(req) == "10.0.0.9"


def test_behind_one_proxy_the_last_forwarded_entry_counts_not_the_clients_own_claims(settings):
    settings.JICENG_TRUSTED_PROXIES = 1
    req = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_address(req) == "203.0.113.7"  # "6.6.6.6" was sent by the client itself
    settings.JICENG_TRUSTED_PROXIES = 2
    req = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.2")
    assert client_address(req) == "203.0.113.7"


def test_a_missing_header_falls_back_to_the_socket_address(settings):
    settings.JICENG_TRUSTED_PROXIES = 1
    assert client_address(RequestFactory().get("/", REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"


def test_residents_behind_the_proxy_are_throttled_one_by_one(settings, city):
    from django.test import Client

    from jiceng.cases.models import Case

    settings.JICENG_TRUSTED_PROXIES = 1
    settings.JICENG_INTAKE_MAX_PER_HOUR = 1
    form = {"category": "E0101", "description": "垃圾", "lat": "36.05", "lng": "111.42"}
    assert Client(HTTP_X_FORWARDED_FOR="203.0.113.1").post("/cases/report/", form).status_code == 200  # thank-you page
    assert Client(HTTP_X_FORWARDED_FOR="203.0.113.2").post("/cases/report/", form).status_code == 200  # thank-you page
    assert Client(HTTP_X_FORWARDED_FOR="203.0.113.1").post("/cases/report/", form).status_code == 429
    assert Case.objects.count() == 2
