from django.urls import path
from django.utils.translation import gettext_lazy as _

from jiceng.people import views

app_name = "people"
# The nav bar entries (jiceng/core/context.py collects every app's): (order, url name, label, who uses it:
# a capability or audience of jiceng/core/roles.py).
NAV = [(20, "people:list", _("People"), "staff")]
urlpatterns = [
    path("", views.people_list, name="list"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/reveal/", views.person_reveal, name="reveal"),
    path("central-households/", views.central_households, name="central_households"),
    path("central-households/<int:pk>/", views.central_household, name="central_household"),
    path("central-households/<int:pk>/visits/", views.central_household_visit, name="central_household_visit"),
]
