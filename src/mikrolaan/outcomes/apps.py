from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "mikrolaan.outcomes"
    label = "outcomes"
