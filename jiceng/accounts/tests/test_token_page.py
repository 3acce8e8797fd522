"""The API token page: a user creates a token (shown once), uses it, and revokes it."""

from django.test import Client

from jiceng.accounts.models import ApiToken


def test_a_user_creates_uses_and_revokes_a_token(city, client_for):
    c = client_for("grid_worker")
    r = c.post("/accounts/tokens/", {"name": "热线系统"})
    assert r.status_code == 200
    token = ApiToken.objects.get(user=city.users["grid_worker"])
    key = r.context["new_key"]
    assert key.startswith("jc_") and key in r.content.decode() and token.key_hash not in r.content.decode()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/auth/me").json()["username"] == "grid_worker"
    page = c.get("/accounts/tokens/").content.decode()
    assert "热线系统" in page and key not in page  # the key is shown only once
    r = c.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert r.status_code == 302
    assert api.get("/api/v1/auth/me").status_code == 401


def test_nobody_sees_or_revokes_another_users_token(city, client_for):
    from jiceng.accounts.services import token_create

    token, _key = token_create(user=city.users["grid_worker"], name="mine")
    admin = client_for("city_admin")
    assert "mine" not in admin.get("/accounts/tokens/").content.decode()
    assert admin.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_too_long_name_is_refused_and_nothing_is_created(city, client_for):
    r = client_for("grid_worker").post("/accounts/tokens/", {"name": "x" * 81})
    assert r.status_code == 422 and ApiToken.objects.count() == 0
