from django.apps import AppConfig


class CockpitConfig(AppConfig):
    name = "jiceng.cockpit"
    label = "cockpit"
