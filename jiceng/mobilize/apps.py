from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilizeConfig(AppConfig):
    name = "jiceng.mobilize"
    label = "mobilize"
    verbose_name = _("Mobilization")
