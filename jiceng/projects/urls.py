from django.urls import path
from django.utils.translation import gettext_lazy as _

from jiceng.projects import views

app_name = "projects"
# The nav bar entries (jiceng/core/context.py collects every app's): (order, url name, label, who uses it:
# a capability or audience of jiceng/core/roles.py).
NAV = [(65, "projects:home", _("Projects"), "office")]
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.project_new, name="project_new"),
    path("<int:pk>/", views.project_page, name="project"),
    path("<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("<int:pk>/reports/", views.report_add, name="report_add"),
    path("<int:pk>/status/", views.status_set, name="status_set"),
    path("tasks/<int:pk>/report/", views.task_report, name="task_report"),
    path("tasks/<int:pk>/close/", views.task_close, name="task_close"),
    path("tasks/close-year/", views.task_list_close, name="task_list_close"),
    path("milestones/<int:pk>/progress/", views.milestone_progress, name="milestone_progress"),
    path("showcase/", views.showcase, name="showcase"),
    path("showcase/photos/<int:pk>/", views.showcase_photo, name="showcase_photo"),
    path("<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/dispatch.xlsx", views.dispatch_xlsx, name="dispatch_xlsx"),
    path("policy/", views.policy, name="policy"),
    path("assessments/", views.assessments, name="assessments"),
    path("assessments/<int:pk>/", views.assessment_page, name="assessment"),
    path("assessments/<int:pk>/results.xlsx", views.assessment_xlsx, name="assessment_xlsx"),
    path("assessments/<int:pk>/indicators/<str:level>.xlsx", views.indicator_xlsx, name="indicator_xlsx"),
    path("assessments/<int:pk>/indicators/<str:level>/", views.indicator_upload, name="indicator_upload"),
    path("assessments/<int:pk>/review/", views.review, name="review"),
    path("assessments/<int:pk>/reports/", views.report_submit, name="report_submit"),
    path("assessments/reports/<int:pk>/score/", views.review_score, name="review_score"),
    path("assessments/<int:pk>/compute/", views.assessment_action, {"action": "compute"},
         name="assessment_compute"),
    path("assessments/<int:pk>/publish/", views.assessment_action, {"action": "publish"},
         name="assessment_publish"),
]
