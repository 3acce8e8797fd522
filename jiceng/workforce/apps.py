from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "jiceng.workforce"
    label = "workforce"
