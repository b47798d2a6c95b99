from django.apps import AppConfig


class ProgressionConfig(AppConfig):
    name = "mikrolaan.progression"
    label = "progression"

    def ready(self):
        from mikrolaan.progression import case_page  # noqa: F401  (registrations)
