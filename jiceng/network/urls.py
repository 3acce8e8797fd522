from django.urls import path
from django.utils.translation import gettext_lazy as _

from jiceng.network import views

app_name = "network"
# The nav bar entries (jiceng/core/context.py collects every app's): (order, url name, label, who uses it:
# a capability or audience of jiceng/core/roles.py).
NAV = [(30, "network:map", _("Map"), "staff")]
urlpatterns = [
    path("", views.map_page, name="map"),
    path("grids/<str:code>/", views.grid_page, name="grid"),
    path("integrity/<str:code>/", views.integrity_page, name="integrity"),
    path("integrity/<str:code>/import/", views.import_page, name="import"),
    path("basemap/<int:z>/<int:x>/<int:y>.json", views.basemap_tile, name="basemap_tile"),
    path("address/", views.pin_address, name="pin_address"),
]
