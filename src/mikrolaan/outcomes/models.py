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


class PublicSupportRate(AppendOnlyModel):
    """What one day on public support costs, per support category, as a dated setting.

    The economic gain counts a borrower's self-supporting days at the rate of the support
    they lived on before the programme (``Citizen.support_before``); a row without a category
    is the default for citizens whose support is unknown or has no rate of its own. A change
    is a new row with a later ``valid_from``. The seeded figures are assumptions; the
    municipality sets its own.
    """

    category = models.ForeignKey(
        "people.SupportCategory",
        verbose_name=_("support category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    valid_from = models.DateField(_("valid from"))
    daily_rate = models.DecimalField(_("daily rate"), max_digits=10, decimal_places=2)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["category__label", "valid_from"]
        verbose_name = _("public support rate")
        verbose_name_plural = _("public support rates")
        constraints = [
            models.CheckConstraint(condition=Q(daily_rate__gte=0), name="rate_not_negative"),
            models.UniqueConstraint(
                fields=["category", "valid_from"],
                condition=Q(category__isnull=False),
                name="rate_once_per_category_and_date",
            ),
            models.UniqueConstraint(
                fields=["valid_from"],
                condition=Q(category__isnull=True),
                name="default_rate_once_per_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or '*'} {self.valid_from} {self.daily_rate}"


class ProgrammeCostSetting(AppendOnlyModel):
    """What the programme costs per participant, as a dated setting (assumptions).

    The version in force on a cohort's main-course start prices that cohort.
    """

    valid_from = models.DateField(_("valid from"), unique=True)
    course_cost_per_participant = models.DecimalField(
        _("course costs per participant"), max_digits=12, decimal_places=2
    )
    subsistence_grant_per_month = models.DecimalField(
        _("subsistence grant per month"), max_digits=12, decimal_places=2
    )
    subsistence_months = models.PositiveSmallIntegerField(_("months of subsistence grant"))
    project_leader_hours_per_participant = models.DecimalField(
        _("project-leader hours per participant"), max_digits=8, decimal_places=2
    )
    project_leader_hourly_cost = models.DecimalField(
        _("project-leader cost per hour"), max_digits=10, decimal_places=2
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("programme cost setting")
        verbose_name_plural = _("programme cost settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(course_cost_per_participant__gte=0)
                & Q(subsistence_grant_per_month__gte=0)
                & Q(project_leader_hours_per_participant__gte=0)
                & Q(project_leader_hourly_cost__gte=0),
                name="programme_costs_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.valid_from}"
