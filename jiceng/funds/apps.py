from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "jiceng.funds"
    label = "funds"
