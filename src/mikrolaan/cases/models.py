from django.db import models
from django.utils.translation import gettext_lazy as _

from mikrolaan.cases.constants import (
    OPEN_STAGES,
    SCREENING_STEPS,
    DropoutDestination,
    DropoutReason,
    Judgement,
    Recommendation,
    SelfEmploymentOrigin,
    Stage,
)
from mikrolaan.core.models import AppendOnlyModel


class CaseQuerySet(models.QuerySet):
    def for_user(self, user):
        """The cases this user may see. Every view lists and opens cases through this."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.sees_all_cases:
            return self
        if user.sees_unit_cases and user.unit_id:
            return self.filter(unit_id=user.unit_id)
        return self.none()

    def open(self):
        return self.filter(stage__in=OPEN_STAGES)


class Case(models.Model):
    """One citizen's way through the programme, from referral to the end of the main course.

    The truth is the case's events (``CaseEvent``); ``stage`` and ``cohort`` are a projection
    kept by the service functions in the same transaction as the event that changes them.
    """

    citizen = models.ForeignKey(
        "people.Citizen", verbose_name=_("citizen"), on_delete=models.PROTECT, related_name="cases"
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,  # indexed by (unit, stage) below
    )
    opened_on = models.DateField(_("opened on"))
    stage = models.CharField(
        _("stage"), max_length=30, choices=Stage.choices, default=Stage.REFERRED
    )
    cohort = models.ForeignKey(
        "courses.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    job_consultant = models.ForeignKey(
        "accounts.User",
        verbose_name=_("job consultant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        # The case list's order and filters, the start pages' stage queries.
        indexes = [
            models.Index(fields=["-opened_on", "-id"], name="case_list_order"),
            models.Index(fields=["stage", "-opened_on"], name="case_stage_opened"),
            models.Index(fields=["unit", "stage"], name="case_unit_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.citizen} ({self.get_stage_display()})"

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


class CaseEvent(AppendOnlyModel):
    """One step on the case's timeline. Details live in typed records that point here."""

    # Indexed by (case, occurred_on) below; an index of the case alone only costs writes.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", db_index=False)
    kind = models.CharField(_("kind"), max_length=40)
    occurred_on = models.DateField(_("date"))
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    why = models.TextField(_("reason or notes"), blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["occurred_on", "recorded_at", "pk"]
        indexes = [models.Index(fields=["case", "occurred_on"]), models.Index(fields=["kind"])]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.kind}"


class Referral(AppendOnlyModel):
    """The job consultant's referral: why self-employment, and the idea (§6.1)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="referral")
    event = models.OneToOneField(CaseEvent, on_delete=models.PROTECT, related_name="referral")
    origin = models.CharField(
        _("why self-employment"), max_length=30, choices=SelfEmploymentOrigin.choices
    )
    talent = models.CharField(
        _("the craft, skill or hobby"),
        max_length=300,
        blank=True,
        help_text=_("Which craft, skill or hobby points to self-employment."),
    )
    idea = models.TextField(_("the business idea in a few lines"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(origin="raised_by_citizen") | ~models.Q(talent=""),
                name="referral_talent_named",
            ),
        ]


class Screening(AppendOnlyModel):
    """First screening, first conversation or final screening: the three P's and a
    recommendation (§6.1–6.2). ``kind`` is the event kind it belongs to."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="screenings")
    event = models.OneToOneField(CaseEvent, on_delete=models.PROTECT, related_name="screening")
    kind = models.CharField(
        _("kind"),
        max_length=30,
        choices=[(k.value, k.label) for k in SCREENING_STEPS],
    )
    person_assessment = models.TextField(_("the person: assessment"))
    person_judgement = models.CharField(_("the person"), max_length=20, choices=Judgement.choices)
    money_assessment = models.TextField(_("the money: assessment"))
    money_judgement = models.CharField(_("the money"), max_length=20, choices=Judgement.choices)
    plan_assessment = models.TextField(_("the plan: assessment"))
    plan_judgement = models.CharField(_("the plan"), max_length=20, choices=Judgement.choices)
    recommendation = models.CharField(
        _("recommendation"), max_length=20, choices=Recommendation.choices
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["event__occurred_on", "pk"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="screening_once_per_kind"),
        ]

    @property
    def recommended(self) -> bool:
        return self.recommendation == Recommendation.RECOMMEND


class Dropout(AppendOnlyModel):
    """A citizen left the programme: when, why and where to (§7.1). Not a failure."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="dropout")
    event = models.OneToOneField(CaseEvent, on_delete=models.PROTECT, related_name="dropout")
    dropped_on = models.DateField(_("date"))
    stage_left = models.CharField(_("left at stage"), max_length=30, choices=Stage.choices)
    reason = models.CharField(_("reason"), max_length=40, choices=DropoutReason.choices)
    destination = models.CharField(
        _("where the citizen went"), max_length=40, choices=DropoutDestination.choices
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("dropout")
        verbose_name_plural = _("dropouts")
