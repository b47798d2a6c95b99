from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "mikrolaan.decisions"
    label = "decisions"
