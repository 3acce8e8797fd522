"""Issue 10 item 13, as an attacker with a fuzzer: schemathesis over the whole /api/v1/ document, every
phase and every check, as the city administrator and anonymously, finds nothing.

Runs in process (jiceng.security.contract: the WSGI application, the test database and the small city of
conftest.py) with a bounded number of examples per operation, so it takes a couple of minutes in CI."""

import pytest

from jiceng.security import contract


@pytest.fixture
def admin_token(city):
    from jiceng.accounts.services import token_create

    return token_create(user=city.users["city_admin"], name="schemathesis")[1]


def _report(findings):
    return f"{len(findings)} findings:\n" + "\n".join(str(f) for f in findings)


@pytest.mark.django_db
def test_schemathesis_finds_nothing_as_the_city_administrator(admin_token):
    findings = contract.run(token=admin_token, max_examples=8)
    assert not findings, _report(findings)


@pytest.mark.django_db
def test_schemathesis_finds_nothing_anonymously(city):
    findings = contract.run(token=None, max_examples=5)
    assert not findings, _report(findings)
