from django.apps import AppConfig


class BankingConfig(AppConfig):
    name = "mikrolaan.banking"
    label = "banking"

    def ready(self) -> None:
        from mikrolaan.banking import (
            home,  # noqa: F401 - registers the start-page panel
            stored_texts,  # noqa: F401 - reads old ledger reasons
        )
