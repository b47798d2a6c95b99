"""Outcomes: periods (spells) of a citizen's support status (DOMAIN.md, INTERCHANGE.md)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mikrolaan.core.models import AppendOnlyModel


class SupportStatus(models.TextChoices):
    SELF_SUPPORTING_BUSINESS = "self_supporting_business", _("Self-supporting through the business")
    SELF_SUPPORTING_JOB = "self_supporting_job", _("Self-supporting through a job")
    SELF_SUPPORTING_EDUCATION = "self_supporting_education", _("Self-supporting through education")
    PUBLIC_SUPPORT = "public_support", _("On public support")


SELF_SUPPORTING = [
    SupportStatus.SELF_SUPPORTING_BUSINESS,
    SupportStatus.SELF_SUPPORTING_JOB,
    SupportStatus.SELF_SUPPORTING_EDUCATION,
]


class SupportSpell(AppendOnlyModel):
    """A period with one support status, ``end`` inclusive (empty = still running).

    Append-only: a correction is a new spell whose ``corrects`` points at the one it
    replaces (with ``withdrawn`` set when the corrected spell should simply disappear).
    """

    citizen = models.ForeignKey("people.Citizen", on_delete=models.PROTECT, related_name="spells")
    status = models.CharField(_("status"), max_length=40, choices=SupportStatus.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrected_by"
    )
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    why = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("support spell")
        verbose_name_plural = _("support spells")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="spell_end_not_before_start",
            ),
        ]
