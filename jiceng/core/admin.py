from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jiceng.core.models import AuditEvent
from jiceng.core.scope import scope_filter

# The admin's own titles, in the site's language (Django's default reads "Django administration").
admin.site.site_header = _("Jiceng administration")
admin.site.site_title = _("Jiceng administration")
admin.site.index_title = _("Site administration")


class ActionFilter(admin.AllValuesFieldListFilter):
    """The audit log's filter by action, with a translated title (the column has no verbose name)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("action")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log, read-only, within the viewer's area."""

    list_display = ["seq", "at", "actor_label", "action", "object_type", "object_id"]
    list_filter = [("action", ActionFilter)]
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
