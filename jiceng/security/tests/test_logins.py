"""Issue 10, item 7: guessing passwords, locking staff out, and reusing a session or a token that should
be dead, as an attacker would."""

import datetime

from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from jiceng.accounts.models import LoginAttempt
from jiceng.accounts.services import login_wait_seconds
from jiceng.core.models import AuditEvent

ATTACKER = "203.0.113.66"
OFFICE = "10.20.30.40"


def _staff(city, persona="city_admin"):
    user = city.users[persona]
    user.is_staff = True
    user.save()
    return user


def test_thirty_wrong_admin_passwords_are_throttled(city):
    _staff(city)
    attacker = Client(REMOTE_ADDR=ATTACKER)
    statuses = [attacker.post("/admin/login/", {"username": "city_admin", "password": f"guess-{i}"}).status_code
                for i in range(30)]
    assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}
    # Throttled means throttled: the right password is refused too, and no session is made.
    response = attacker.post("/admin/login/", {"username": "city_admin", "password": "pass-city_admin"})
    assert response.status_code == 429 and "_auth_user_id" not in attacker.session
    assert LoginAttempt.objects.filter(address=ATTACKER).count() == 5  # refused tries are not even checked


def test_the_admin_login_and_the_site_login_share_one_throttle(city):
    _staff(city)
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for i in range(5):
        assert attacker.post("/accounts/login/", {"username": "city_admin", "password": f"g{i}"}).status_code == 401
    assert attacker.post("/admin/login/", {"username": "city_admin", "password": "pass-city_admin"}).status_code == 429
    assert attacker.post("/api/v1/auth/token", {"username": "city_admin", "password": "pass-city_admin"},
                         content_type="application/json").status_code == 429


def test_an_anonymous_visitor_cannot_lock_staff_out_from_another_address(city):
    _staff(city)
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for i in range(30):
        attacker.post("/accounts/login/", {"username": "city_admin", "password": f"guess-{i}"})
        attacker.post("/admin/login/", {"username": "city_admin", "password": f"guess-{i}"})
    office = Client(REMOTE_ADDR=OFFICE)
    assert office.post("/accounts/login/", {"username": "city_admin", "password": "pass-city_admin"}).status_code == 302
    admin_office = Client(REMOTE_ADDR=OFFICE)
    response = admin_office.post("/admin/login/", {"username": "city_admin", "password": "pass-city_admin"})
    assert response.status_code == 302 and admin_office.session.get("_auth_user_id") == str(city.users["city_admin"].pk)


def test_waits_grow_with_each_further_failure(city):
    now = timezone.now()
    waits = []
    for _n in range(9):
        LoginAttempt.objects.create(at=now, username="grid_worker", address=ATTACKER)
        waits.append(login_wait_seconds(username="grid_worker", address=ATTACKER, now=now))
    assert waits == [0, 0, 0, 0, 30, 60, 120, 240, 480]
    # The longest wait is capped, and the wait runs from the last failure.
    for _ in range(10):
        LoginAttempt.objects.create(at=now, username="grid_worker", address=ATTACKER)
    assert login_wait_seconds(username="grid_worker", address=ATTACKER, now=now) == 900
    later = now + datetime.timedelta(seconds=901)
    assert login_wait_seconds(username="grid_worker", address=ATTACKER, now=later) == 0
    assert login_wait_seconds(username="grid_worker", address=OFFICE, now=now) == 0


def test_spraying_many_usernames_from_one_address_is_throttled(city):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for i in range(20):
        attacker.post("/accounts/login/", {"username": f"user{i}", "password": "123456"})
    assert attacker.post("/accounts/login/", {"username": "grid_worker", "password": "pass-grid_worker"}
                         ).status_code == 429
    assert Client(REMOTE_ADDR=OFFICE).post(
        "/accounts/login/", {"username": "grid_worker", "password": "pass-grid_worker"}).status_code == 302


def _logged_in(username):
    client = Client(REMOTE_ADDR=OFFICE)
    assert client.post("/accounts/login/", {"username": username, "password": f"pass-{username}"}).status_code == 302
    return client


def _replay(cookie):
    thief = Client(REMOTE_ADDR=ATTACKER)
    thief.cookies["sessionid"] = cookie
    return thief.get("/people/")


def test_a_session_cookie_is_dead_after_logout(city):
    client = _logged_in("grid_worker")
    cookie = client.cookies["sessionid"].value
    assert _replay(cookie).status_code == 200
    client.post("/accounts/logout/")
    response = _replay(cookie)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Session.objects.filter(session_key=cookie).exists()


def _token(username):
    response = Client(REMOTE_ADDR=OFFICE).post(
        "/api/v1/auth/token", {"username": username, "password": f"pass-{username}"}, content_type="application/json")
    assert response.status_code == 200
    return response.json()["token"]


def _me(token):
    return Client().get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def test_a_password_change_ends_tokens_and_sessions(city):
    token = _token("grid_worker")
    client = _logged_in("grid_worker")
    cookie = client.cookies["sessionid"].value
    assert _me(token) == 200
    user = city.users["grid_worker"]
    user.set_password("a-new-long-password")
    user.save()
    assert _me(token) == 401
    assert not Session.objects.filter(session_key=cookie).exists()
    assert _replay(cookie).status_code == 302
    event = AuditEvent.objects.filter(action="user.access_revoked").get()
    assert event.changes == {"reason": "password_changed", "tokens": 1, "sessions": 1}


def test_deactivating_a_user_in_the_admin_ends_their_tokens_and_sessions(city):
    admin_user = _staff(city)
    admin_user.is_superuser = True
    admin_user.save()
    token = _token("grid_worker")
    cookie = _logged_in("grid_worker").cookies["sessionid"].value
    admin = _logged_in("city_admin")
    victim = city.users["grid_worker"]
    response = admin.post(f"/admin/accounts/user/{victim.pk}/change/",
                          {"display_name": victim.display_name, "is_active": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    victim.refresh_from_db()
    assert victim.is_active is False
    assert _me(token) == 401
    assert _replay(cookie).status_code == 302
    from jiceng.accounts.models import ApiToken

    assert ApiToken.objects.get(user=victim).revoked_at is not None


def test_logins_are_audited(city):
    Client(REMOTE_ADDR=ATTACKER).post("/accounts/login/", {"username": "grid_worker", "password": "wrong"})
    Client(REMOTE_ADDR=ATTACKER).post("/accounts/login/", {"username": "hunter2-typed-here", "password": "x"})
    _logged_in("grid_worker")
    failed = list(AuditEvent.objects.filter(action="auth.login_failed").order_by("seq"))
    assert [e.changes["username"] for e in failed] == ["grid_worker", "(unknown)"]
    assert failed[0].changes["address"] == ATTACKER
    ok = AuditEvent.objects.filter(action="auth.login").get()
    assert ok.actor == city.users["grid_worker"] and ok.changes["address"] == OFFICE
