from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mikrolaan.people import cpr as cprlib


class SupportCategory(models.Model):
    """What a citizen lived on before the programme (the review's Table 4); extendable."""

    label = models.CharField(_("label"), max_length=200, unique=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["label"]
        verbose_name = _("support category")
        verbose_name_plural = _("support categories")

    def __str__(self) -> str:
        return self.label


class TargetGroup(models.TextChoices):
    CASH_BENEFIT = "cash_benefit", _("Cash benefit (kontanthjælp), activity-ready")
    SICKNESS_BENEFIT = "sickness_benefit", _("Sickness benefit (sygedagpenge)")
    FLEX_JOB = "flex_job", _("Eligible for flex job")
    EARLY_RETIREMENT = "early_retirement", _("Early-retirement pension (førtidspension)")
    REHABILITATION = "rehabilitation", _("Rehabilitation (revalidering)")
    OTHER = "other", _("Other")


class Gender(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class CitizenQuerySet(models.QuerySet):
    def for_user(self, user):
        """The citizens this user may see: scoping lives here, never in a view."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.sees_all_cases:
            return self
        if user.sees_unit_cases and user.unit_id:
            return self.filter(unit_id=user.unit_id)
        return self.none()


class Citizen(models.Model):
    """A citizen in the programme. Never a user of the system (version 1)."""

    cpr = models.CharField(_("CPR number"), max_length=10, unique=True, null=True, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        related_name="citizens",
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    support_before = models.ForeignKey(
        SupportCategory,
        verbose_name=_("support before the programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citizens",
    )
    target_group = models.CharField(
        _("target group"), max_length=40, choices=TargetGroup.choices, blank=True
    )
    digital_post_exempt = models.BooleanField(
        _("exempt from Digital Post"),
        default=False,
        help_text=_("Exempt citizens get paper letters."),
    )
    # Key of the person in an interchange bundle (INTERCHANGE.md `person_ref`).
    person_ref = models.CharField(
        _("bundle key"), max_length=100, unique=True, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Set by mikrolaan.retention when names, CPR and contact data were removed for good.
    anonymised_on = models.DateField(_("anonymised on"), null=True, blank=True, editable=False)

    objects = CitizenQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(gender__in=["", "F", "M"]), name="citizen_gender_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.person_ref or f"#{self.pk}"

    @property
    def full_name(self) -> str:
        if self.anonymised_on:
            return gettext("anonymised")
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def cpr_display(self) -> str:
        if self.anonymised_on:
            return gettext("anonymised")
        return cprlib.format_cpr(self.cpr) if self.cpr else ""

    def age_on(self, day) -> int | None:
        if self.birth_date:
            years = day.year - self.birth_date.year
            return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))
        if self.birth_year:
            return day.year - self.birth_year
        return None
