from django.contrib import admin, messages

from jiceng.accounts.models import Grant, User
from jiceng.accounts.services import grant_create
from jiceng.core.errors import ServiceError
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
