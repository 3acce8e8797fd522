"""Demo things exist only in the demo (H2): the demo logins (password = username) and the Open311 key
`demo-open311-key` are made by the demo builder alone. A server or command started without
JICENG_DEMO on a database that holds them refuses to start: a system check (runserver, migrate, every
management command) and the same test when the WSGI application loads (gunicorn runs no checks)."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from jiceng.accounts.models import User
from jiceng.cases.models import Open311Key
from jiceng.cases.services import DEMO_OPEN311_KEY, open311_key_hash
from jiceng.people.demo import DEMO_USERS

MESSAGE = ("This database holds demo things ({found}) that exist only in the demo city: their passwords "
           "and key are public. Remove them (they are made by `manage.py demo_city` only), or run the "
           "demo with JICENG_DEMO=1.")


def demo_things_present() -> list[str]:
    """The demo logins and demo Open311 key found in the database ([] when none, or no tables yet)."""
    try:
        found = sorted(User.objects.filter(username__in=[u[0] for u in DEMO_USERS], is_active=True)
                       .values_list("username", flat=True))
        if Open311Key.objects.filter(key_hash=open311_key_hash(DEMO_OPEN311_KEY), active=True).exists():
            found.append(DEMO_OPEN311_KEY)
    except (DatabaseError, RuntimeError):
        # No database to read: not migrated yet, or access blocked (a test importing the WSGI module).
        return []
    return found


@checks.register(checks.Tags.security, deploy=False)
def demo_only_outside_demo(app_configs=None, **kwargs):
    if getattr(settings, "JICENG_DEMO", False):
        return []
    found = demo_things_present()
    if not found:
        return []
    return [checks.Error(MESSAGE.format(found=", ".join(found)), id="jiceng.E001",
                         hint="JICENG_DEMO=1 only for the demo city; never in production.")]


def refuse_demo_things_outside_demo() -> None:
    """For the WSGI entry point: raise ImproperlyConfigured as the check would fail."""
    errors = demo_only_outside_demo()
    if errors:
        raise ImproperlyConfigured(errors[0].msg)
