from django.apps import AppConfig


class LoansConfig(AppConfig):
    name = "mikrolaan.loans"
    label = "loans"
