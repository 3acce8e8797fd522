from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jiceng.accounts"
    label = "accounts"
