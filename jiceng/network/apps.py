from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "jiceng.network"
    label = "network"
