from django.contrib import auth
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from jiceng.accounts.services import login_check
from jiceng.core.errors import ServiceError


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
