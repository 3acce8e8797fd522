"""Every page and endpoint has a verdict for every persona, and the verdicts hold."""

import json

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from jiceng.api import api
from jiceng.core.discovery import app_modules
from jiceng.core.matrix import ALL, Check, Exempt

# Third-party routes that carry their own access control.
FOREIGN_PREFIXES = ("admin:", "set_language", "api:")


def _collect_checks():
    checks = {}
    for cfg, module in app_modules("tests.matrix"):
        for key, value in module.CHECKS.items():
            assert key not in checks, f"{key} is listed twice ({cfg.label})"
            checks[key] = value
    return checks


def _django_route_names():
    names = set()

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(namespace + p.name)
            elif isinstance(p, URLPattern):
                names.add(f"{namespace}<unnamed {p.pattern}>")

    walk(get_resolver().url_patterns)
    return {n for n in names if not n.startswith(FOREIGN_PREFIXES)}


def _api_route_keys():
    schema = api.get_openapi_schema()
    keys = set()
    for path, ops in schema["paths"].items():
        for method in ops:
            keys.add(f"{method.upper()} {path}")
    return keys


CHECKS = _collect_checks()


def test_every_route_has_a_verdict():
    missing = sorted((_django_route_names() | _api_route_keys()) - set(CHECKS))
    assert not missing, "Routes without a persona-matrix entry (add them to <app>/tests/matrix.py):\n" + "\n".join(
        missing)


def test_every_check_names_every_persona():
    for key, entries in CHECKS.items():
        if isinstance(entries, Exempt):
            assert entries.reason
            continue
        for check in entries:
            missing = (set(ALL) | {"anonymous"}) - set(check.expect)
            assert not missing, f"{key}: no expectation for {sorted(missing)}"


PARAMS = [(key, i) for key, entries in sorted(CHECKS.items()) if not isinstance(entries, Exempt)
          for i in range(len(entries))]


@pytest.mark.parametrize(("key", "index"), PARAMS, ids=[f"{k}#{i}" for k, i in PARAMS])
def test_route_verdicts(key, index, city):
    check: Check = CHECKS[key][index]
    failures = []
    for persona, expected in check.expect.items():
        client = Client()
        if persona != "anonymous":
            client.force_login(city.users[persona])
        url = check.url(city)
        body = check.data(city) if check.data else None
        with transaction.atomic():
            kwargs = {}
            if body is not None:
                if check.json:
                    kwargs = {"data": json.dumps(body), "content_type": "application/json"}
                else:
                    kwargs = {"data": body}
            response = getattr(client, check.method.lower())(url, **kwargs)
            transaction.set_rollback(True)
        if response.status_code != expected:
            failures.append(f"{persona}: expected {expected}, got {response.status_code} "
                            f"({response.content[:200]!r})")
    assert not failures, f"{key} {check.note}\n" + "\n".join(failures)
