"""Calling systems and the access tokens they are given (OAuth2 client credentials)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiClient(models.Model):
    """A registered system (the job centre's case system, the finance system …).

    Its secret is stored only as a hash (Django's password hashers) and shown once when the
    system is registered. ``user`` is the system's own account: it is the acting user of
    everything the system does, so records and audit entries name the system, and the
    models' ``for_user`` scope it exactly as a person of the same role and unit.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    client_id = models.CharField(_("client id"), max_length=64, unique=True)
    secret_hash = models.CharField(_("hash of the secret"), max_length=200)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("the system's account"),
        on_delete=models.PROTECT,
        related_name="api_client",
    )
    scopes = models.JSONField(_("scopes"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return self.name

    @property
    def unit(self):
        return self.user.unit


class AccessToken(models.Model):
    """A bearer token issued to a client; only its SHA-256 is stored."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")

    def __str__(self) -> str:
        return f"{self.client} {self.issued_at:%Y-%m-%d %H:%M}"
