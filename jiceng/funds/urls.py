from django.urls import path
from django.utils.translation import gettext_lazy as _

from jiceng.funds import views

app_name = "funds"
# The nav bar entries (jiceng/core/context.py collects every app's): (order, url name, label, who uses it:
# a capability or audience of jiceng/core/roles.py).
NAV = [(80, "funds:home", _("Funds"), "office")]
urlpatterns = [
    path("", views.home, name="home"),
    path("compliance/", views.compliance, name="compliance"),
    path("letters/", views.letter_send, name="letter_send"),
    path("budgets/", views.budgets, name="budgets"),
    path("spending/", views.spending, name="spending"),
    path("spending/<int:pk>/decide/", views.spending_decide, name="spending_decide"),
    path("projects/", views.projects, name="projects"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/<int:pk>/<slug:step>/", views.project_step, name="project_step"),
    path("public/<str:code>/", views.disclosure, name="disclosure"),
    path("export/<slug:table>/", views.export, name="export"),
]
