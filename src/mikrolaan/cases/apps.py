from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "mikrolaan.cases"
    label = "cases"
