"""Access and change log for personal data: who read or changed what, when and why."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mikrolaan.core.models import AppendOnlyQuerySet


class Action(models.TextChoices):
    READ = "read", pgettext_lazy("audit action", "Read")
    SEARCH = "search", pgettext_lazy("audit action", "Search")
    CREATE = "create", pgettext_lazy("audit action", "Create")
    CHANGE = "change", pgettext_lazy("audit action", "Change")
    EXTRACT = "extract", pgettext_lazy("audit action", "Extract")
    DELETE = "delete", pgettext_lazy("audit action", "Delete")
    DENIED = "denied", pgettext_lazy("audit action", "Access denied")
    LIST = "list", pgettext_lazy("audit action", "Shown in a list")
    COMMAND = "command", pgettext_lazy("audit action", "Command run")
    LOGIN = "login", pgettext_lazy("audit action", "Log-in")
    LOGIN_FAILED = "login_failed", pgettext_lazy("audit action", "Failed log-in")
    LOCKOUT = "lockout", pgettext_lazy("audit action", "Lock-out")
    LOGOUT = "logout", pgettext_lazy("audit action", "Log-out")


# Who acted on a record with ``by_citizen``: the citizen on their own pages (selfservice).
CITIZEN_THEMSELF = pgettext_lazy("audit actor", "The citizen themself (MitID)")

# Actions through which a user saw a citizen's data (what the data protection officer asks about).
SEEING_ACTIONS = (Action.READ, Action.SEARCH, Action.LIST, Action.EXTRACT)


class Channel(models.TextChoices):
    """Where the work came from (the values of ``mikrolaan.audit.context.Channel``)."""

    WEB = "web", pgettext_lazy("audit channel", "Web")
    SHELL = "shell", pgettext_lazy("audit channel", "Shell command")
    SYSTEM = "system", pgettext_lazy("audit channel", "System")
    API = "api", pgettext_lazy("audit channel", "API (another system)")


class AuditRecord(models.Model):
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # Both keys are indexed by the composites (…, at) below: an index of either alone would
    # only cost writes (two per record).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # The citizen whose data was touched, so the citizen can be told (dates and purposes).
    citizen = models.ForeignKey(
        "people.Citizen",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=100, blank=True)
    what = models.CharField(_("what"), max_length=500, blank=True)
    why = models.CharField(_("why"), max_length=500, blank=True)
    # The user's role when acting: roles change, and the record should say what it was then.
    role = models.CharField(_("role"), max_length=40, blank=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.SYSTEM
    )
    client_ip = models.GenericIPAddressField(_("client IP address"), null=True, blank=True)
    os_user = models.CharField(_("operating-system user"), max_length=100, blank=True)
    command = models.CharField(_("command line"), max_length=1000, blank=True)
    # The citizen the record is about acted themself, signed in with MitID on their own pages
    # (mikrolaan.selfservice); such a record names no staff user.
    by_citizen = models.BooleanField(_("by the citizen"), default=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["citizen", "at"]),
            models.Index(fields=["user", "at"], name="audit_user_at_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(by_citizen=False)
                | models.Q(user__isnull=True, citizen__isnull=False),
                name="audit_by_citizen_is_about_that_citizen",
            ),
        ]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("audit records are append-only")
        super().save(*args, **kwargs)
