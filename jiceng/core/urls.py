from django.urls import path

from jiceng.core import views

app_name = "core"
URL_PREFIX = ""
urlpatterns = [
    path("media/<path:path>", views.protected_media, name="media"),
    path("excel/<slug:registry>/export", views.excel_export, name="excel_export"),
    path("excel/<slug:registry>/import", views.excel_import, name="excel_import"),
]
