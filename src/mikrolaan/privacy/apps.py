from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "mikrolaan.privacy"
    verbose_name = _("Data protection")

    def ready(self):
        from django.core import checks

        from mikrolaan.privacy.insight import check_staff_name_policy

        checks.register(check_staff_name_policy)
