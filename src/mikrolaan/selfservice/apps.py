from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfServiceConfig(AppConfig):
    name = "mikrolaan.selfservice"
    label = "selfservice"
    verbose_name = _("The citizen's own pages")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy

        from mikrolaan.cases.page import register_event_kind

        register_event_kind("citizen_request", gettext_lazy("Request from the citizen's own page"))
