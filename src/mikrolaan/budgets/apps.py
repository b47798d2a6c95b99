from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "mikrolaan.budgets"
    label = "budgets"
