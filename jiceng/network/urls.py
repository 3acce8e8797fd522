from django.urls import path

from jiceng.network import views

app_name = "network"
urlpatterns = [
    path("", views.map_page, name="map"),
    path("grids/<str:code>/", views.grid_page, name="grid"),
    path("integrity/<str:code>/", views.integrity_page, name="integrity"),
    path("integrity/<str:code>/import/", views.import_page, name="import"),
]
