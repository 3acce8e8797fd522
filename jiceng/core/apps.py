from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jiceng.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self):
        from django.apps import apps

        # Third-party apps whose names the admin shows: in the site's language (msgids in core's catalogue).
        if apps.is_installed("django_tasks_db"):
            apps.get_app_config("django_tasks_database").verbose_name = _("Background tasks")
        from django.contrib.admin.models import LogEntry
        from django.db.models.signals import post_save

        post_save.connect(audit_admin_change, sender=LogEntry, dispatch_uid="jiceng_audit_admin_change")


ADMIN_ACTIONS = {1: "admin.add", 2: "admin.change", 3: "admin.delete"}


def audit_admin_change(sender, instance, created, raw=False, **kwargs):
    """Every change made through Django's admin (users, grants, deletes …) enters the audit log too: the
    admin writes a LogEntry for each add, change and delete, whichever ModelAdmin made it. The change
    message names the changed fields, never their values."""
    if raw or not created:
        return
    from django.db import transaction

    from jiceng.core.audit import audit_record  # apps.py loads before the models: audit imports core.models

    ct = instance.content_type
    with transaction.atomic():
        audit_record(actor=instance.user, action=ADMIN_ACTIONS.get(instance.action_flag, "admin.other"),
                     object_type=f"{ct.app_label}.{ct.model}" if ct else "", object_id=instance.object_id or "",
                     changes={"message": instance.get_change_message()[:500]})
