"""The database gone for a moment: a clear 503 in the user's language, never a stack trace."""

import pytest
from django.db import OperationalError

from jiceng.orgs import selectors as org_selectors


def _down(*args, **kwargs):
    raise OperationalError("connection to server at \"127.0.0.1\", port 5432 failed: Connection refused")


@pytest.mark.django_db
def test_an_api_read_during_an_outage_answers_503_json_with_retry_after(city, client_for, monkeypatch):
    client = client_for("city_admin")
    monkeypatch.setattr(org_selectors, "unit_get", _down)
    response = client.get(f"/api/v1/units/{city.city.code}")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body["code"] == "unavailable" and "重试" in body["detail"]
    assert "Traceback" not in response.content.decode()


@pytest.mark.django_db
def test_a_page_during_an_outage_is_a_chinese_503_page_that_reads_no_session(city, client_for, monkeypatch):
    client = client_for("city_admin")
    monkeypatch.setattr(org_selectors, "unit_get", _down)
    response = client.get(f"/units/{city.city.code}/")
    assert response.status_code == 503
    text = response.content.decode()
    assert "服务暂时不可用" in text and "OperationalError" not in text


def test_an_error_outside_any_view_is_answered_by_the_500_handler_as_503(rf):
    from jiceng.core.unavailable import server_error

    request = rf.get("/cases/board/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
