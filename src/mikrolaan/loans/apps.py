from django.apps import AppConfig


class LoansConfig(AppConfig):
    name = "mikrolaan.loans"
    label = "loans"

    def ready(self):
        from mikrolaan.loans import case_page  # noqa: F401 - registers the case-page section
