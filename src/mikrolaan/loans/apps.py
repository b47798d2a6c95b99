from django.apps import AppConfig


class LoansConfig(AppConfig):
    name = "mikrolaan.loans"
    label = "loans"

    def ready(self) -> None:
        from mikrolaan.loans import case_hooks, case_page, fund, next_step  # noqa: F401 - registers
