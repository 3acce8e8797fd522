from django.urls import path
from django.utils.translation import gettext_lazy as _

from jiceng.neworgs import views

app_name = "neworgs"
NAV = [(45, "neworgs:home", _("New organizations"), "staff")]
urlpatterns = [
    path("", views.home, name="home"),
    path("gaps/", views.gaps, name="gaps"),
    path("new/", views.org_new, name="new"),
    path("<int:pk>/", views.org_page, name="org"),
    path("import/", views.import_page, name="import"),
]
