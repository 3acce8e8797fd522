from django.urls import path
from django.utils.translation import gettext_lazy as _

from jiceng.orgs import views

app_name = "orgs"
# The nav bar entry (jiceng/core/context.py collects every app's): (order, url name, label).
NAV = [(10, "orgs:home", _("Units"))]
URL_PREFIX = ""
urlpatterns = [
    path("", views.home, name="home"),
    path("units/<str:code>/", views.unit_page, name="unit"),
    path("units/<str:code>/import/units/", views.unit_import, name="import_units"),
    path("units/<str:code>/import/people/", views.people_import, name="import_people"),
    path("units/<str:code>/export/<str:what>.xlsx", views.unit_export, name="export"),
]
