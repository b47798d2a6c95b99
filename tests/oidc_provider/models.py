from django.conf import settings
from django.db import models


class ExtraClaims(models.Model):
    """Claims the provider asserts about a user besides the standard ones (role, unit, cpr …)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    claims = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"claims of {self.user}"
