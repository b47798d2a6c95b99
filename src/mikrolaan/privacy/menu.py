"""The menu label of the insight page, translated in this app's catalogue."""

from django.utils.translation import gettext_lazy as _

INSIGHT_MENU_LABEL = _("Right of access")
