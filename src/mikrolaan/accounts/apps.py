from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mikrolaan.accounts"
    label = "accounts"

    def ready(self):
        from mikrolaan.accounts import (
            checks,  # noqa: F401 (registers the system checks)
            signals,  # noqa: F401 - connects the audit receivers
        )
