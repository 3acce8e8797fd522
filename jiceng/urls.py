"""URL map. Each app's `urls.py` (with `app_name`) is mounted at /<label>/ unless it sets `URL_PREFIX`."""

from django.contrib import admin
from django.urls import include, path

from jiceng.api import api
from jiceng.core.discovery import app_modules

handler500 = "jiceng.core.unavailable.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

for cfg, module in app_modules("urls"):
    prefix = getattr(module, "URL_PREFIX", f"{cfg.label}/")
    urlpatterns.append(path(prefix, include(module)))
