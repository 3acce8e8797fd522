from django.urls import path
from django.utils.translation import gettext_lazy as _

from jiceng.meetings import views

app_name = "meetings"
# The nav bar entries (jiceng/core/context.py collects every app's): (order, url name, label, who uses it:
# a capability or audience of jiceng/core/roles.py).
NAV = [(60, "meetings:home", _("Meetings"), "members")]
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.meeting_page, name="meeting"),
    path("<int:pk>/resolutions/", views.resolution_add, name="resolution_add"),
    path("systems/<int:pk>/", views.system_page, name="system"),
    path("systems/set-up/", views.system_setup, name="system_setup"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("systems/<int:pk>/invite/", views.invite, name="invite"),
    path("notices/<int:pk>/", views.notice_page, name="notice"),
    path("notices/<int:pk>/reinvite/", views.reinvite, name="reinvite"),
    path("invitations/", views.my_invitations, name="invitations"),
    path("invitations/<int:pk>/", views.invitation_page, name="invitation"),
    path("contact-points/", views.contact_points, name="contact_points"),
]
