"""schemathesis against the OpenAPI document, cases endpoints only: whatever it sends, no 5xx.

Runs through the WSGI application in process (the test database and the small city of conftest.py),
authenticated with a city administrator's API token so that the requests reach the services."""

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hsettings


def _schema():
    from django.test.utils import override_settings

    from jiceng.wsgi import application

    with override_settings(ALLOWED_HOSTS=["*"]):  # the document itself needs no database
        return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


schema = _schema()


@pytest.fixture(autouse=True)
def _any_host_same_connection(settings):
    """Like Django's test client: the WSGI handler must not close the test's connection (PostgreSQL)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    settings.ALLOWED_HOSTS = ["*"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(city):
    from jiceng.accounts.services import token_create

    return token_create(user=city.users["city_admin"], name="schemathesis")[1]


@schema.include(tag="cases").parametrize()
@hsettings(max_examples=12, deadline=None, derandomize=True,
           suppress_health_check=list(HealthCheck))
def test_the_cases_endpoints_answer_any_input_without_a_server_error(case, token):
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:500])
