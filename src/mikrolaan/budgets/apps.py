from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "mikrolaan.budgets"
    label = "budgets"

    def ready(self):
        from mikrolaan.budgets import page  # noqa: F401  (registers the case-page section)
