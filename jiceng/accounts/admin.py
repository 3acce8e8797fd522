from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from jiceng.accounts.models import Grant, User
from jiceng.accounts.services import BadCredentials, grant_create, login_check
from jiceng.core.errors import ServiceError, Throttled
from jiceng.core.scope import scope_filter


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["username", "display_name", "is_active", "last_login"]
    search_fields = ["username", "display_name"]
    fields = ["username", "display_name", "is_active"]
    readonly_fields = ["username"]

    def get_queryset(self, request):
        visible = scope_filter(Grant.objects.all(), request.user, "unit_path").values("user_id")
        return super().get_queryset(request).filter(pk__in=visible)

    def has_add_permission(self, request):
        return False


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "active"]
    list_filter = ["role"]
    raw_id_fields = ["user", "unit"]
    fields = ["user", "role", "unit"]

    def get_queryset(self, request):
        return scope_filter(super().get_queryset(request), request.user, "unit_path").select_related("user", "unit")

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            grant_create(actor=request.user, user=obj.user, role=obj.role, unit=obj.unit)
        except ServiceError as exc:
            messages.error(request, exc.message)


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    """/admin/login/ goes through the site's login check: the same throttle, the same audit."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = login_check(request=self.request, username=username, password=password)
            except Throttled as exc:
                self.request.jiceng_login_status = exc.status
                raise ValidationError(exc.message, code="throttled") from None
            except BadCredentials:
                raise self.get_invalid_login_error() from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


def _throttled_status(view):
    def login(request, extra_context=None):
        response = view(request, extra_context)
        status = getattr(request, "jiceng_login_status", None)
        if status:
            response.status_code = status
        return response

    return login


admin.site.login_form = ThrottledAdminLoginForm
admin.site.login = _throttled_status(admin.site.login)
