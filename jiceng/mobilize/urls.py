from django.urls import path
from django.utils.translation import gettext_lazy as _

from jiceng.mobilize import views

app_name = "mobilize"
# The nav bar entry (jiceng/core/context.py collects every app's): (order, url name, label).
NAV = [(50, "mobilize:home", _("Mobilization"))]
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
]
