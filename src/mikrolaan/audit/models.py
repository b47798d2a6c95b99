"""Access and change log for personal data: who read or changed what, when and why."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mikrolaan.core.models import AppendOnlyQuerySet


class Action(models.TextChoices):
    READ = "read", _("Read")
    SEARCH = "search", _("Search")
    CREATE = "create", _("Create")
    CHANGE = "change", _("Change")
    EXTRACT = "extract", _("Extract")
    DELETE = "delete", _("Delete")
    DENIED = "denied", _("Access denied")
    LOGIN = "login", _("Log-in")
    LOGIN_FAILED = "login_failed", _("Failed log-in")
    LOCKOUT = "lockout", _("Lock-out")
    LOGOUT = "logout", _("Log-out")


class AuditRecord(models.Model):
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # The citizen whose data was touched, so the citizen can be told (dates and purposes).
    citizen = models.ForeignKey(
        "people.Citizen", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=100, blank=True)
    what = models.CharField(_("what"), max_length=500, blank=True)
    why = models.CharField(_("why"), max_length=500, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["citizen", "at"])]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("audit records are append-only")
        super().save(*args, **kwargs)
