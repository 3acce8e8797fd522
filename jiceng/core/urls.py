from django.urls import path

from jiceng.core import views

app_name = "core"
URL_PREFIX = "media/"
urlpatterns = [
    path("<path:path>", views.protected_media, name="media"),
]
