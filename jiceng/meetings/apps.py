from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "jiceng.meetings"
    label = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        # The big committee page (orgs) shows its roster's attendance through this (jiceng/orgs/attendance.py);
        # imported here, in ready(), because apps.py loads before the models the selectors need.
        from jiceng.meetings.selectors import committee_attendance
        from jiceng.orgs.attendance import register

        register(committee_attendance)
