from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mikrolaan.core"
    label = "core"

    def ready(self):
        from mikrolaan.core import checks  # noqa: F401 - registers the deploy checks
