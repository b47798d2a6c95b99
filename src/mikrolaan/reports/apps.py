from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "mikrolaan.reports"
    label = "reports"

    def ready(self) -> None:
        from mikrolaan.reports import services  # noqa: F401 - registers the kept report
