from django.apps import AppConfig


class ProgressionConfig(AppConfig):
    name = "mikrolaan.progression"
    label = "progression"
