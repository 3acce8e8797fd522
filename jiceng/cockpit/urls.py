from django.urls import path
from django.utils.translation import gettext_lazy as _

from jiceng.cockpit import views

app_name = "cockpit"
# The nav bar entries (jiceng/core/context.py collects every app's): (order, url name, label, who uses it:
# a capability or audience of jiceng/core/roles.py).
NAV = [(90, "cockpit:home", _("Cockpit"), "office")]
urlpatterns = [
    path("", views.cockpit_home, name="home"),
    path("wall/", views.cockpit_wall, name="wall"),
    path("wall/data", views.cockpit_wall_data, name="wall_data"),
]
