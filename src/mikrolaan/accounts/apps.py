from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mikrolaan.accounts"
    label = "accounts"
