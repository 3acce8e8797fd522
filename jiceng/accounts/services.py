"""Accounts: users, grants, API tokens, throttled authentication."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.accounts.models import ApiToken, Grant, LoginAttempt, User, UserSession
from jiceng.core.audit import audit_record
from jiceng.core.client import client_address
from jiceng.core.errors import Conflict, NotFound, ServiceError, Throttled, ValidationFailed
from jiceng.core.roles import ROLE_UNIT_KIND, Role
from jiceng.core.scope import require_scope


class BadCredentials(ServiceError):
    status = 401
    default_code = "bad_credentials"


def user_create(*, actor, username: str, password: str, display_name: str = "", person=None,
                is_staff: bool = False) -> User:
    username = (username or "").strip()
    if not username:
        raise ValidationFailed(_("A user needs a username."), field="username")
    if len(password or "") < 8:
        raise ValidationFailed(_("A password has at least 8 characters."), field="password")
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise Conflict(_("The username %(u)s is taken.") % {"u": username}, field="username")
        user = User(username=username, display_name=display_name, person=person, is_staff=is_staff)
        user.set_password(password)
        user.save()
        audit_record(actor=actor, action="user.create", obj=user, changes={"username": username})
    return user


def grant_create(*, actor, user: User, role: str, unit) -> Grant:
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role “%(r)s”.") % {"r": role}, field="role")
    if actor is not None:
        require_scope(actor, unit.path, "manage_users")
    expected = ROLE_UNIT_KIND[role]
    if role not in (Role.PARTY_MEMBER, Role.RESIDENT) and unit.kind != expected:
        raise ValidationFailed(
            _("A %(role)s works on a unit of kind %(kind)s.") % {"role": Role(role).label, "kind": expected},
            field="unit")
    with transaction.atomic():
        grant, created = Grant.objects.get_or_create(user=user, role=role, unit=unit,
                                                     defaults={"unit_path": unit.path})
        if not created:
            raise Conflict(_("The user already holds this role here."))
        audit_record(actor=actor, action="grant.create", obj=grant,
                     changes={"user": user.username, "role": role, "unit": unit.code})
    user.__dict__.pop("_jiceng_grants", None)
    return grant


def login_wait_seconds(*, username: str, address: str, now=None) -> int:
    """Seconds before this (username, address) pair may try again; 0 when it may try now.

    Failures are counted per pair, never per username alone, so a visitor guessing from one address
    cannot lock staff out of their own address. The first JICENG_LOGIN_MAX_FAILURES failures are free;
    each further one doubles the wait (JICENG_LOGIN_BASE_DELAY_SECONDS, then twice that …), capped at
    JICENG_LOGIN_WINDOW_SECONDS. One address trying many usernames (password spraying) gets the same
    growing wait after four times as many failures. Failures are forgotten after
    JICENG_LOGIN_MEMORY_SECONDS, or (for the pair) by a successful login."""
    now = now or timezone.now()
    limit = settings.JICENG_LOGIN_MAX_FAILURES
    recent = LoginAttempt.objects.filter(
        at__gte=now - datetime.timedelta(seconds=settings.JICENG_LOGIN_MEMORY_SECONDS), address=address)
    wait = 0
    for qs, free in ((recent.filter(username=username), limit), (recent, limit * 4)):
        agg = qs.aggregate(n=Count("id"), last=Max("at"))
        if agg["n"] >= free:
            delay = min(settings.JICENG_LOGIN_BASE_DELAY_SECONDS * 2 ** min(agg["n"] - free, 30),
                        settings.JICENG_LOGIN_WINDOW_SECONDS)
            wait = max(wait, int((agg["last"] + datetime.timedelta(seconds=delay) - now).total_seconds() + 0.999))
    return max(wait, 0)


def _audit_login(*, user, username: str, address: str, request, outcome: str) -> None:
    """Logins, failed logins and refused (throttled) ones, in the audit log (issue 10, item 11). A name
    that is no user's is not recorded (people type passwords into the username field)."""
    known = user or User.objects.filter(username=username).only("id", "username").first()
    with transaction.atomic():
        audit_record(actor=user, action=f"auth.{outcome}", object_type="accounts.user",
                     object_id=known.pk if known else "",
                     changes={"username": known.username if known else "(unknown)", "address": address,
                              "path": (getattr(request, "path", "") or "")[:100]})


def login_check(*, request, username: str, password: str) -> User:
    """Authenticate, with growing waits after repeated failures of one (username, address) pair."""
    address = client_address(request) if request else ""
    username = (username or "").strip()[:150]
    wait = login_wait_seconds(username=username, address=address)
    if wait:
        _audit_login(user=None, username=username, address=address, request=request, outcome="login_throttled")
        raise Throttled(_("Too many failed logins. Please wait %(s)d seconds and try again.") % {"s": wait})
    user = authenticate(request, username=username, password=password)
    if user is None:
        with transaction.atomic():
            LoginAttempt.objects.create(at=timezone.now(), username=username, address=address)
        _audit_login(user=None, username=username, address=address, request=request, outcome="login_failed")
        raise BadCredentials(_("Wrong username or password."))
    LoginAttempt.objects.filter(username=username, address=address).delete()
    _audit_login(user=user, username=username, address=address, request=request, outcome="login")
    return user


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("ascii")).hexdigest()


def token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new bearer token for `user`; the key is returned once and only its hash is kept."""
    name = (name or "").strip()
    if len(name) > 80:
        raise ValidationFailed(_("A token name has at most 80 characters."), field="name")
    key = "jc_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, key_hash=_hash_key(key), prefix=key[:10], name=name,
            expires_at=timezone.now() + datetime.timedelta(days=settings.JICENG_TOKEN_TTL_DAYS))
        audit_record(actor=user, action="token.create", obj=token, changes={"prefix": token.prefix})
    return token, key


def token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        raise NotFound()
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit_record(actor=actor, action="token.revoke", obj=token, changes={"prefix": token.prefix})


def _token_sql() -> str:
    qn = connection.ops.quote_name
    return (f"SELECT u.*, t.id AS jiceng_token_id, t.prefix AS jiceng_token_prefix "  # noqa: S608  # nosec B608  # identifiers from model metadata, values bound as parameters
            f"FROM {qn(User._meta.db_table)} u JOIN {qn(ApiToken._meta.db_table)} t ON t.user_id = u.id "
            f"WHERE t.key_hash = %s AND t.revoked_at IS NULL AND t.expires_at > %s AND u.is_active")


def token_user(key: str):
    """The user of a live token, or None (unknown, revoked, expired, or the user deactivated).

    One raw statement (every API request runs it): the token's checks are in its WHERE clause and the
    user comes back as a model instance with Django's column converters."""
    if not key or not key.startswith("jc_"):
        return None
    found = list(User.objects.raw(_token_sql(), [_hash_key(key), connection.ops.adapt_datetimefield_value(
        timezone.now())]))
    if not found:
        return None
    user = found[0]
    user._jiceng_token = ApiToken(pk=user.jiceng_token_id, user=user, prefix=user.jiceng_token_prefix)
    return user


def user_access_revoke(*, user: User, reason: str) -> dict:
    """End every way `user` is signed in: revoke the API tokens and delete the server-side sessions.
    Called when the password changes or the user is deactivated (accounts.signals), whoever did it."""
    from importlib import import_module

    now = timezone.now()
    store = import_module(settings.SESSION_ENGINE).SessionStore
    with transaction.atomic():
        tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
        for key in keys:
            store(session_key=key).delete()
        UserSession.objects.filter(user=user).delete()
        audit_record(actor=None, action="user.access_revoked", obj=user,
                     changes={"reason": reason, "tokens": tokens, "sessions": len(keys)})
    return {"tokens": tokens, "sessions": len(keys)}
