from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "mikrolaan.cases"
    label = "cases"

    def ready(self):
        from mikrolaan.cases import case_page, home, timeline  # noqa: F401 - registers
