from django.apps import AppConfig


class NeworgsConfig(AppConfig):
    name = "jiceng.neworgs"
    label = "neworgs"
