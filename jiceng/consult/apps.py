from django.apps import AppConfig


class ConsultConfig(AppConfig):
    name = "jiceng.consult"
    label = "consult"

    def ready(self):
        from jiceng.consult.desk import desk_context
        from jiceng.core.desk import panel_register

        panel_register(key="consult.deliberation", template="consult/_desk_panel.html", context=desk_context,
                       order=50)
