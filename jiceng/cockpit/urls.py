from django.urls import path

from jiceng.cockpit import views

app_name = "cockpit"
urlpatterns = [
    path("", views.cockpit_home, name="home"),
]
