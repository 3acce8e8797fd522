from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultConfig(AppConfig):
    name = "jiceng.consult"
    label = "consult"
    verbose_name = _("Asking the people")

    def ready(self):
        from jiceng.consult.desk import desk_context
        from jiceng.core.desk import panel_register

        panel_register(key="consult.deliberation", template="consult/_desk_panel.html", context=desk_context,
                       order=50)
