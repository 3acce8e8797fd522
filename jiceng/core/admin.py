from django.contrib import admin

from jiceng.core.models import AuditEvent
from jiceng.core.scope import scope_filter


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log, read-only, within the viewer's area."""

    list_display = ["seq", "at", "actor_label", "action", "object_type", "object_id"]
    list_filter = ["action"]
    search_fields = ["object_id", "actor_label"]
    show_full_result_count = False

    def get_queryset(self, request):
        return scope_filter(super().get_queryset(request), request.user, "unit_path")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
