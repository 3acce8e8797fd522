from django.urls import path
from django.utils.translation import gettext_lazy as _

from jiceng.stations import views

app_name = "stations"
# The nav bar entries (jiceng/core/context.py collects every app's): (order, url name, label, who uses it:
# a capability or audience of jiceng/core/roles.py).
NAV = [(75, "stations:map", _("Service positions"), "staff")]
urlpatterns = [
    path("", views.map_page, name="map"),
    path("new/", views.position_new, name="new"),
    path("positions/<int:pk>/", views.position_page, name="position"),
    path("positions/<int:pk>/edit/", views.position_edit, name="edit"),
    path("positions/<int:pk>/state/", views.position_state, name="state"),
    path("positions/<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("photos/<int:pk>/", views.photo_file, name="photo"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("siting/", views.siting_page, name="siting"),
    path("p/<int:pk>/", views.public_page, name="public"),
    path("p/<int:pk>/qr.svg", views.qr_svg, name="qr"),
    path("q/<str:token>/", views.qr_visit, name="visit"),
    path("find/", views.finder_page, name="finder"),
    path("couriers/register/", views.courier_register, name="courier_register"),
    path("couriers/sms-code/", views.courier_sms_code, name="courier_sms_code"),
]
