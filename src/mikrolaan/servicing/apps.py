from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicingConfig(AppConfig):
    name = "mikrolaan.servicing"
    label = "servicing"
    verbose_name = _("Servicing")

    def ready(self) -> None:
        from mikrolaan.servicing import case_page, home  # noqa: F401 - register page parts
