from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "mikrolaan.outcomes"
    label = "outcomes"

    def ready(self):
        from mikrolaan.outcomes import case_page, kept, panels  # noqa: F401  (registrations)
