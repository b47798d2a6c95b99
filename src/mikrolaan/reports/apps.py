from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "mikrolaan.reports"
    label = "reports"
