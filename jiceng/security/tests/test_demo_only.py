"""Attack: log in with a demo password or the demo Open311 key on a real deployment (issue 10, item 12),
and manage Open311 keys beyond one's area.

Demo logins (password = username) and `demo-open311-key` are made by the demo builder only; a server
started without JICENG_DEMO on a database that holds them refuses to start. Keys are made on a page
and by the API by managers of users, shown once, stored hashed, scoped and audited."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client

from jiceng.accounts.services import user_create
from jiceng.cases.models import Open311Key
from jiceng.cases.services import DEMO_OPEN311_KEY, open311_key_create, open311_key_hash
from jiceng.core.models import AuditEvent
from jiceng.demo.checks import demo_only_outside_demo, refuse_demo_things_outside_demo


def test_start_up_refuses_demo_logins_outside_the_demo(city, settings):
    settings.JICENG_DEMO = False
    assert demo_only_outside_demo() == []
    user_create(actor=None, username="demo-admin", password="demo-admin")
    errors = demo_only_outside_demo()
    assert errors and errors[0].id == "jiceng.E001" and "demo-admin" in errors[0].msg
    with pytest.raises(SystemCheckError):
        call_command("check")
    with pytest.raises(ImproperlyConfigured):  # the WSGI entry point (gunicorn runs no checks)
        refuse_demo_things_outside_demo()
    settings.JICENG_DEMO = True
    assert demo_only_outside_demo() == []


def test_start_up_refuses_the_demo_key_outside_the_demo(city, settings):
    settings.JICENG_DEMO = False
    open311_key_create(actor=None, name="demo", unit=city.city, key=DEMO_OPEN311_KEY)
    assert "demo-open311-key" in demo_only_outside_demo()[0].msg


def test_only_the_demo_builder_chooses_a_key(city):
    from jiceng.core.errors import Forbidden

    with pytest.raises(Forbidden):
        open311_key_create(actor=city.users["city_admin"], name="x", unit=city.city, key=DEMO_OPEN311_KEY)


def _api(persona, client_for, method, path, body=None):
    c = client_for(persona)
    if method == "GET":
        return c.get(path)
    return c.post(path, json.dumps(body or {}), content_type="application/json")


def test_a_manager_makes_a_key_that_is_shown_once_and_stored_hashed(city, client_for):
    r = _api("city_admin", client_for, "POST", "/api/v1/open311-keys", {"name": "市民App", "unit": city.street.code})
    assert r.status_code == 201
    key = r.json()["key"]
    row = Open311Key.objects.get()
    assert row.key_hash == open311_key_hash(key) and key not in row.key_hash and row.unit == city.street
    listed = _api("city_admin", client_for, "GET", "/api/v1/open311-keys").json()
    assert [k["name"] for k in listed] == ["市民App"] and "key" not in listed[0]
    assert AuditEvent.objects.filter(action="open311_key.create").count() == 1
    assert Client().get(f"/open311/v2/requests.json?api_key={key}").status_code == 200
    r = _api("city_admin", client_for, "POST", f"/api/v1/open311-keys/{row.pk}/revoke")
    assert r.status_code == 200 and r.json()["active"] is False
    assert Client().get(f"/open311/v2/requests.json?api_key={key}").status_code == 403
    assert AuditEvent.objects.filter(action="open311_key.revoke").count() == 1


@pytest.mark.parametrize("persona", ["street_official", "community_worker", "grid_worker", "resident"])
def test_others_cannot_make_or_revoke_keys(city, client_for, persona):
    row, _key = open311_key_create(actor=None, name="App", unit=city.street)
    r = _api(persona, client_for, "POST", "/api/v1/open311-keys", {"name": "x", "unit": city.street.code})
    assert r.status_code in (403, 404)
    r = _api(persona, client_for, "POST", f"/api/v1/open311-keys/{row.pk}/revoke")
    assert r.status_code in (403, 404)
    assert _api(persona, client_for, "GET", "/api/v1/open311-keys").json() == []
    assert Open311Key.objects.filter(active=True).count() == 1


def test_a_manager_of_another_area_does_not_see_the_key(city, client_for):
    from jiceng.accounts.services import grant_create
    from jiceng.core.roles import Role

    county2_manager = user_create(actor=None, username="county2", password="pass-county2")
    grant_create(actor=None, user=county2_manager, role=Role.STREET_OFFICIAL, unit=city.street2)
    row, _key = open311_key_create(actor=None, name="App", unit=city.street)
    c = Client()
    c.force_login(county2_manager)
    assert c.post(f"/api/v1/open311-keys/{row.pk}/revoke").status_code == 404
    assert c.post(f"/cases/open311-keys/{row.pk}/revoke/").status_code == 404


def test_the_keys_page_makes_lists_and_revokes(city, client_for):
    c = client_for("city_admin")
    assert c.get("/cases/open311-keys/").status_code == 200
    r = c.post("/cases/open311-keys/", {"name": "", "unit": city.street.code})
    assert r.status_code == 422 and Open311Key.objects.count() == 0
    r = c.post("/cases/open311-keys/", {"name": "网格App", "unit": "NOPE"})
    assert r.status_code == 422 and Open311Key.objects.count() == 0
    r = c.post("/cases/open311-keys/", {"name": "网格App", "unit": city.street.code})
    assert r.status_code == 200 and r.context["new_key"] in r.content.decode()
    row = Open311Key.objects.get()
    assert r.context["new_key"] not in c.get("/cases/open311-keys/").content.decode()
    assert c.post(f"/cases/open311-keys/{row.pk}/revoke/").status_code == 302
    row.refresh_from_db()
    assert not row.active
    assert client_for("grid_worker").get("/cases/open311-keys/").status_code == 403
