from django.apps import AppConfig


class BankingConfig(AppConfig):
    name = "mikrolaan.banking"
    label = "banking"
