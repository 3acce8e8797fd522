"""Sign-in bookkeeping: remember each user's sessions, and end sessions and tokens when the password
changes or the user is deactivated (issue 10, item 7), however the change was made (admin, shell,
`manage.py changepassword`)."""

import datetime

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from jiceng.accounts.models import User, UserSession
from jiceng.accounts.services import user_access_revoke


@receiver(user_logged_in)
def remember_session(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None)
    if key and user is not None and user.pk:
        # Rows of sessions that have expired by now are dropped here (clearsessions drops the sessions).
        stale = timezone.now() - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
        UserSession.objects.filter(user=user, created_at__lt=stale).delete()
        UserSession.objects.get_or_create(user=user, session_key=key)


@receiver(user_logged_out)
def forget_session(sender, request, user, **kwargs):
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key and user is not None and user.pk:
        UserSession.objects.filter(user=user, session_key=key).delete()


@receiver(pre_save, sender=User)
def note_credential_change(sender, instance, raw=False, **kwargs):
    if raw or not instance.pk:
        return
    old = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if old is None:
        return
    reasons = []
    if old["password"] != instance.password:
        reasons.append("password_changed")
    if old["is_active"] and not instance.is_active:
        reasons.append("deactivated")
    instance._jiceng_revoke = reasons


@receiver(post_save, sender=User)
def revoke_on_credential_change(sender, instance, raw=False, **kwargs):
    reasons = getattr(instance, "_jiceng_revoke", None)
    if raw or not reasons:
        return
    instance._jiceng_revoke = []
    user_access_revoke(user=instance, reason=",".join(reasons))
