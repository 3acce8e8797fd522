from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jiceng.accounts"
    label = "accounts"
    verbose_name = _("Accounts and grants")

    def ready(self):
        from jiceng.accounts import signals  # noqa: F401 - connects the receivers
