from django.urls import path
from django.utils.translation import gettext_lazy as _

from jiceng.mobilize import views
from jiceng.mobilize import views_cobuild as cob

app_name = "mobilize"
# The nav bar entries (jiceng/core/context.py collects every app's): (order, url name, label, who uses it:
# a capability or audience of jiceng/core/roles.py).
NAV = [
    (50, "mobilize:home", _("Mobilization"), "office"),
    (51, "mobilize:my_calls", _("My calls"), "party_members"),
    (52, "mobilize:cobuild_activities", _("Volunteer activities"), "party_members"),
]
urlpatterns = [
    path("", views.home, name="home"),
    path("mode/", views.mode_switch, name="mode_switch"),
    path("calls/new/", views.call_new, name="call_new"),
    path("calls/<int:pk>/", views.call_page, name="call"),
    path("calls/<int:pk>/widen/", views.call_widen, name="call_widen"),
    path("calls/<int:pk>/draw/", views.call_draw, name="call_draw"),
    path("calls/<int:pk>/board/", views.call_board, name="call_board"),
    path("my-calls/", views.my_calls, name="my_calls"),
    path("assignments/<int:pk>/<str:action>/", views.assignment_action, name="assignment_action"),
    path("activities/<int:pk>/code/", views.activity_code, name="activity_code"),
    path("employer-report.xlsx", views.employer_report, name="employer_report"),
    # co-building pages (C1–C3): jiceng/mobilize/views_cobuild.py
    path("cobuild/agencies/", cob.agencies, name="cobuild_agencies"),
    path("cobuild/agencies/<int:pk>/", cob.agency, name="cobuild_agency"),
    path("cobuild/agencies/<int:pk>/confirm/", cob.agency_confirm, name="cobuild_agency_confirm"),
    path("cobuild/members/", cob.members, name="cobuild_members"),
    path("cobuild/members/me/", cob.member_self, name="cobuild_member_self"),
    path("cobuild/members/<int:pk>/confirm/", cob.member_confirm, name="cobuild_member_confirm"),
    path("cobuild/queue/", cob.queue, name="cobuild_queue"),
    path("cobuild/needs/", cob.needs, name="cobuild_needs"),
    path("cobuild/needs/<int:pk>/", cob.need, name="cobuild_need"),
    path("cobuild/resources/", cob.resources, name="cobuild_resources"),
    path("cobuild/projects/", cob.projects, name="cobuild_projects"),
    path("cobuild/projects/<int:pk>/", cob.project, name="cobuild_project"),
    path("cobuild/projects/<int:pk>/check/", cob.project_check, name="cobuild_project_check"),
    path("cobuild/projects/<int:pk>/evaluate/", cob.project_evaluate, name="cobuild_project_evaluate"),
    path("cobuild/activities/", cob.activities, name="cobuild_activities"),
    path("cobuild/activities/<int:pk>/", cob.activity, name="cobuild_activity"),
    path("cobuild/activities/<int:pk>/signup/", cob.activity_signup, name="cobuild_activity_signup"),
    path("cobuild/activities/<int:pk>/<str:action>/", cob.activity_presence, name="cobuild_activity_presence"),
    path("cobuild/report/", cob.report, name="cobuild_report"),
]
