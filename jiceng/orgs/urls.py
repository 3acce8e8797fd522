from django.urls import path

from jiceng.orgs import views

app_name = "orgs"
URL_PREFIX = ""
urlpatterns = [
    path("", views.home, name="home"),
    path("units/<str:code>/", views.unit_page, name="unit"),
]
