from django.apps import AppConfig


class ServicingConfig(AppConfig):
    name = "mikrolaan.servicing"
    label = "servicing"
