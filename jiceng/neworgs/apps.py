from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeworgsConfig(AppConfig):
    name = "jiceng.neworgs"
    label = "neworgs"
    verbose_name = _("New organizations")
