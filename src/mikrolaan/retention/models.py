"""What each retention run did: kept for the data protection officer."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mikrolaan.core.models import AppendOnlyQuerySet


class RetentionRun(models.Model):
    """One real run of ``mikrolaan retention run --date D`` (a dry run leaves no row).

    Append-only like the audit log: its manager alone makes the database refuse UPDATE and
    DELETE (``mikrolaan.core.append_only`` finds it from the code; no migration operation).
    """

    run_on = models.DateField(_("retention date"))
    started_at = models.DateTimeField(_("run at"), default=timezone.now)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    citizens = models.PositiveIntegerField(_("citizens anonymised"), default=0)
    # kind -> rows changed or deleted, e.g. {"case_events": 12, "audit_records": 40}
    counts = models.JSONField(_("rows per kind"), default=dict)
    rules = models.JSONField(_("rules used"), default=dict)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return f"{self.run_on} ({self.citizens})"

    @property
    def total(self) -> int:
        return sum(self.counts.values())
