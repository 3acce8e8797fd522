from django import forms
from django.conf import settings
from django.contrib import auth, messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.accounts import selectors
from jiceng.accounts.services import login_check, token_create, token_revoke
from jiceng.core.errors import ServiceError
from jiceng.core.notify import (
    notification_setting_for,
    notification_setting_save,
    notifications_for,
    notifications_mark_read,
)
from jiceng.core.views import form_submit, page


def login_view(request):
    error = None
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    status = 200
    if request.method == "POST":
        try:
            user = login_check(request=request, username=request.POST.get("username", ""),
                               password=request.POST.get("password", ""))
        except ServiceError as exc:
            error, status = exc.message, exc.status
        else:
            auth.login(request, user)
            return redirect(next_url)
    return render(request, "accounts/login.html", {"error": error, "next": next_url,
                                                   "username": request.POST.get("username", "")}, status=status)


@require_POST
def logout_view(request):
    auth.logout(request)
    return redirect("accounts:login")


@page
def tokens(request):
    """The user's API tokens (for systems that call the API on the user's behalf): create one, whose key
    is shown once, and revoke them."""
    new_key = error = None
    status = 200
    if request.method == "POST":
        try:
            _token, new_key = token_create(user=request.user, name=request.POST.get("name", ""))
        except ServiceError as exc:
            error, status = exc.message, exc.status
    return render(request, "accounts/tokens.html", {
        "tokens": list(selectors.tokens_of(request.user)[:100]), "new_key": new_key, "error": error,
        "now": timezone.now(), "ttl": settings.JICENG_TOKEN_TTL_DAYS}, status=status)


@page
@require_POST
def token_revoke_view(request, token_id: int):
    token = get_object_or_404(selectors.tokens_of(request.user), pk=token_id)
    token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
    return redirect("accounts:tokens")


class NotificationSettingForm(forms.Form):
    sms = forms.BooleanField(label=_("by SMS"), required=False)
    email = forms.BooleanField(label=_("by e-mail"), required=False)
    quiet_start = forms.TimeField(label=_("quiet from"), required=False,
                                  widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    quiet_end = forms.TimeField(label=_("quiet until"), required=False,
                                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))


@page
def notification_settings(request):
    """The user's own notification settings: SMS and e-mail on or off, quiet hours (wartime calls ignore
    them). In-app notifications always arrive."""
    pref = notification_setting_for(request.user)
    status = 200
    if request.method == "POST":
        form = NotificationSettingForm(request.POST)
        if form_submit(form, lambda d: notification_setting_save(actor=request.user, **d)):
            messages.success(request, _("Notification settings saved."))
            return redirect("accounts:notification_settings")
        status = 422
    else:
        form = NotificationSettingForm(initial={"sms": pref.sms, "email": pref.email,
                                                "quiet_start": pref.quiet_start, "quiet_end": pref.quiet_end})
    return render(request, "accounts/notification_settings.html", {"form": form}, status=status)


@page
def notifications(request):
    """The in-app notifications of every capability (cases, calls, meeting invitations and minutes, cards,
    ballots, …): the user's own and those of the units the user holds a grant on. POST marks the user's own
    as read."""
    if request.method == "POST":
        notifications_mark_read(actor=request.user)
        return redirect("accounts:notifications")
    items = list(notifications_for(user=request.user)[:200])
    return render(request, "accounts/notifications.html", {"items": items,
                                                           "unread": sum(1 for n in items if n.read_at is None)})
