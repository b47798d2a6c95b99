from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "mikrolaan.decisions"
    label = "decisions"

    def ready(self):
        from mikrolaan.decisions import (  # noqa: F401 - register page parts, budget guard
            home,
            next_step,
            page,
            services,
        )
