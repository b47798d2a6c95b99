"""Building blocks shared by every app: append-only records with who/when/why."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a record that may only be added."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only; add a correction")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only; add a correction")


class AppendOnlyModel(models.Model):
    """A record that is written once and never changed or deleted.

    A correction is a new record whose ``corrects`` points at the record it corrects (where
    the model has such a field). The database refuses UPDATE and DELETE too, on PostgreSQL
    and SQLite: ``mikrolaan.core.append_only`` (re)creates the triggers after every migrate.
    The one sanctioned way through them is ``mikrolaan.audit.erasure.erasure_permit``.
    """

    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,  # null only for records made by the system itself (imports, daily run)
        blank=True,
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} is append-only; add a correction")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} is append-only; add a correction")


class DemoLogin(models.Model):
    """A user the demo made, with the password the demo gave it.

    Its rows mark an installation the demo made: ``mikrolaan demo logins`` prints them again,
    and only these users may skip the second factor, and only outside production. The
    password is random per installation; it is stored readable because the demo shows it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demo_login"
    )
    password = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("demo log-in")
        verbose_name_plural = _("demo log-ins")

    def __str__(self) -> str:
        return str(self.user)


class ErasurePermit(models.Model):
    """While a row exists here, the append-only triggers let UPDATE and DELETE through.

    Written only by ``mikrolaan.audit.erasure.erasure_permit`` inside one transaction and
    deleted again before it commits, so no other transaction ever sees a row (on PostgreSQL
    an uncommitted row is invisible to other sessions; SQLite has one writer at a time).
    """

    why = models.CharField(max_length=300)
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("erasure permit")
        verbose_name_plural = _("erasure permits")

    def __str__(self) -> str:
        return self.why


class Snapshot(models.Model):
    """Figures over the whole portfolio, computed once a day and read by the pages that would
    otherwise scan it on every visit (``core.snapshots``). Derived data, replaced by the next
    day's: nothing here is a record of what happened."""

    key = models.CharField(max_length=50)
    on = models.DateField()
    computed_at = models.DateTimeField(default=timezone.now)
    seconds = models.FloatField(default=0)
    data = models.JSONField()

    class Meta:
        verbose_name = _("kept figures")
        verbose_name_plural = _("kept figures")
        constraints = [models.UniqueConstraint(fields=["key", "on"], name="snapshot_key_on")]

    def __str__(self) -> str:
        return f"{self.key} {self.on}"
