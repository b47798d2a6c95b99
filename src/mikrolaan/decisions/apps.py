from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "mikrolaan.decisions"
    label = "decisions"

    def ready(self):
        from mikrolaan.decisions import home, page  # noqa: F401  (register sections and panels)
