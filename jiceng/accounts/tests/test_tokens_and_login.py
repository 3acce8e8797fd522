"""API tokens (stored hashed, revocable, expiring) and throttled logins."""

import datetime

from django.utils import timezone

from jiceng.accounts.models import ApiToken


def _token(client, username):
    response = client.post("/api/v1/auth/token", {"username": username, "password": f"pass-{username}"},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_a_token_is_stored_only_as_a_hash(client, city):
    key = _token(client, "grid_worker")
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert ApiToken.objects.get().prefix == key[:10]


def test_a_grid_workers_token_cannot_read_a_person_in_another_grid(client, city):
    key = _token(client, "grid_worker")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get(f"/api/v1/people/{city.resident_person.pk}", **auth).status_code == 200
    assert client.get(f"/api/v1/people/{city.other_person.pk}", **auth).status_code == 404


def test_a_revoked_or_expired_token_is_refused(client, city):
    key = _token(client, "city_admin")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.delete("/api/v1/auth/token", **auth).status_code == 204
    response = client.get("/api/v1/auth/me", **auth)
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
    key2 = _token(client, "city_admin")
    ApiToken.objects.filter(revoked_at__isnull=True).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {key2}").status_code == 401


def test_failed_logins_are_throttled(client, city):
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "city_admin", "password": "wrong"})
        assert response.status_code == 401
    response = client.post("/accounts/login/", {"username": "city_admin", "password": "pass-city_admin"})
    assert response.status_code == 429


def test_the_login_page_is_chinese_by_default(client, db):
    response = client.get("/accounts/login/")
    assert 'lang="zh-hans"' in response.content.decode()
