"""Issue 10 item 13: the API says what it does.

- Every operation's OpenAPI entry lists the error statuses it can return, each with the one error schema.
- No two models share a name in the document (one would be documented with the other's schema).
- Every list endpoint takes the one pagination schema: a negative or huge offset/limit is a 422 naming the field.
- As an attacker with a fuzzer: schemathesis over the whole /api/v1/ document, every phase and every check, as
  the city administrator and anonymously, finds nothing. It runs in process (jiceng.security.contract: the WSGI
  application, the test database and the small city of conftest.py) with a bounded number of examples per
  operation, so that it takes a couple of minutes in CI.
"""

import re

import pytest
from django.test import override_settings

from jiceng.security import contract

WRITES = {"post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def document():
    from django.test import Client

    return Client().get("/api/v1/openapi.json").json()  # as published (JSON: status codes are strings)


def _operations(document):
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            yield path, method, op


def test_every_error_status_of_every_operation_is_documented_with_the_error_schema(document):
    missing = []
    for path, method, op in _operations(document):
        statuses = {int(s) for s in op["responses"]}
        has_input = bool(op.get("parameters") or op.get("requestBody"))
        expected = {503}
        if op.get("security"):
            expected |= {401, 403, 404}
        if has_input:
            expected |= {400, 422}
        if method in WRITES:
            expected |= {409, 429}
        if op.get("requestBody"):
            expected.add(413)
        if expected - statuses:
            missing.append(f"{method.upper()} {path}: {sorted(expected - statuses)}")
        for status, response in op["responses"].items():
            if int(status) >= 400:
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)
    assert not missing, "\n".join(missing)
    error = document["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"detail", "code"} and {"field", "errors"} <= set(error["properties"])


def test_no_two_models_share_a_name_in_the_document():
    from jiceng.api import api
    from jiceng.core.api_errors import schema_name_collisions

    assert schema_name_collisions(api) == {}


def test_the_supervision_board_is_documented_with_its_own_schema(document):
    card = document["paths"]["/api/v1/case-supervision"]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"]["items"]["$ref"].rsplit("/", 1)[1]
    assert set(document["components"]["schemas"][card]["properties"]) >= {"case", "unit", "raised_at"}


@pytest.mark.django_db
def test_every_list_endpoint_refuses_a_negative_or_huge_offset_or_limit(document, client_for):
    lists = [path for path, method, op in _operations(document) if method == "get"
             and {p["name"] for p in op.get("parameters", [])} >= {"limit", "offset"}]
    assert len(lists) >= 10
    api = client_for("city_admin")
    for path in lists:
        # a list under one object (an instructor's visits): the pager is checked before the object is looked up
        url = re.sub(r"\{[^}]+\}", "1", path)
        for query, field in [("offset=-5", "offset"), ("offset=10000000", "offset"), ("limit=0", "limit"),
                             ("limit=1000000", "limit"), ("limit=-1", "limit")]:
            r = api.get(f"{url}?{query}")
            assert r.status_code == 422, (path, query, r.status_code, r.content[:200])
            assert r.json()["code"] == "validation" and r.json()["field"] == field, (path, query)
        assert api.get(f"{url}?limit=5&offset=0").status_code in ((200,) if url == path else (200, 404)), path


@pytest.mark.django_db
def test_a_value_out_of_range_is_refused_in_chinese_naming_the_field(client_for):
    api = client_for("city_admin")
    r = api.get("/api/v1/projects/showcase?year=1999")
    assert r.status_code == 422
    body = r.json()
    assert body["field"] == "year" and "不能小于 2000" in body["detail"], body
    r = api.post("/api/v1/locate/batch", {"lats": [36.1], "lngs": [111.5], "tolerance_m": False},
                 content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "tolerance_m", r.content


@pytest.mark.django_db
def test_a_request_body_over_the_size_limit_is_a_413_in_the_error_schema(client_for):
    api = client_for("city_admin")
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
        r = api.post("/api/v1/locate/batch", {"lats": [36.1] * 500, "lngs": [111.5] * 500},
                     content_type="application/json")
    assert r.status_code == 413 and r.json()["code"] == "too_large", r.content[:200]


@pytest.fixture
def admin_token(city):
    from jiceng.accounts.services import token_create

    return token_create(user=city.users["city_admin"], name="schemathesis")[1]


def _report(findings):
    return f"{len(findings)} findings:\n" + "\n".join(str(f) for f in findings)


@pytest.mark.django_db
def test_schemathesis_finds_nothing_as_the_city_administrator(admin_token, document):
    result = contract.run(token=admin_token, max_examples=8)
    assert not result.findings, _report(result.findings)
    every = {f"{method.upper()} {path}" for path, method, _ in _operations(document)}
    assert len(every & result.operations) >= 0.9 * len(every), sorted(every - result.operations)


@pytest.mark.django_db
def test_schemathesis_finds_nothing_in_the_public_operations_anonymously(city, document):
    result = contract.run(token=None, max_examples=20, public_only=True)
    assert not result.findings, _report(result.findings)
    public = {f"{method.upper()} {path}" for path, method, op in _operations(document) if not op.get("security")}
    assert public and public <= result.operations, sorted(public - result.operations)
