from django.apps import AppConfig


class MobilizeConfig(AppConfig):
    name = "jiceng.mobilize"
    label = "mobilize"
