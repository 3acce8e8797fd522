from django.apps import AppConfig


class StationsConfig(AppConfig):
    name = "jiceng.stations"
    label = "stations"
