from django.urls import path

from jiceng.orgs import views

app_name = "orgs"
URL_PREFIX = ""
urlpatterns = [
    path("", views.home, name="home"),
    path("units/<str:code>/", views.unit_page, name="unit"),
    path("units/<str:code>/import/units/", views.unit_import, name="import_units"),
    path("units/<str:code>/import/people/", views.people_import, name="import_people"),
    path("units/<str:code>/export/<str:what>.xlsx", views.unit_export, name="export"),
]
