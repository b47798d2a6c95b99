"""The loan policy as dated settings, never constants in code (DOMAIN.md, "The law moves")."""

import datetime as dt
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from mikrolaan.core.models import AppendOnlyModel


class PolicyNotInForce(Exception):
    pass


class LoanPolicy(AppendOnlyModel):
    """One version of the programme's rules, in force from ``valid_from`` until the next one.

    A change is a new version; each loan keeps the version it was granted under.
    """

    valid_from = models.DateField(_("valid from"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.TextField(_("legal basis"))
    min_amount = models.DecimalField(
        _("smallest loan"), max_digits=12, decimal_places=2, default=Decimal("1000.00")
    )
    max_amount = models.DecimalField(
        _("largest loan"), max_digits=12, decimal_places=2, default=Decimal("50000.00")
    )
    term_months = models.PositiveSmallIntegerField(_("term in months"), default=84)
    max_deferral_months = models.PositiveSmallIntegerField(
        _("maximum total deferral in months"), default=36
    )
    due_day = models.PositiveSmallIntegerField(
        _("due day of the month"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    months_to_first_instalment = models.PositiveSmallIntegerField(
        _("months from payout to the first instalment"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    advance_payment_days = models.PositiveSmallIntegerField(
        _("days before a due date from which a payment pays that instalment"),
        default=14,
        help_text=_(
            "Money beyond what falls due within these days is extra: it pays the last "
            "instalments first and shortens the term."
        ),
    )
    reminder_first_days = models.PositiveSmallIntegerField(
        _("days after the due date before the first reminder"), default=10
    )
    reminder_interval_days = models.PositiveSmallIntegerField(
        _("days at least between reminders"), default=10
    )
    reminder_max = models.PositiveSmallIntegerField(_("reminders at most"), default=3)
    reminder_fee = models.DecimalField(
        _("fee per reminder"), max_digits=8, decimal_places=2, default=Decimal("0.00")
    )
    contact_after_reminder_days = models.PositiveSmallIntegerField(
        _(
            "days without payment after a delivered reminder before the project leader is asked "
            "to reach the citizen"
        ),
        default=14,
    )
    subsistence_max_months = models.PositiveSmallIntegerField(
        _("subsistence grant months without a reason"), default=6
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("loan policy")
        verbose_name_plural = _("loan policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_amount__gt=0), name="policy_min_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(max_amount__gte=models.F("min_amount")),
                name="policy_max_at_least_min",
            ),
            models.CheckConstraint(
                condition=models.Q(term_months__gt=0), name="policy_term_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(reminder_fee__gte=0), name="policy_fee_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from:%d.%m.%Y})"

    @classmethod
    def in_force(cls, on: dt.date) -> "LoanPolicy":
        policy = cls.objects.filter(valid_from__lte=on).order_by("-valid_from").first()
        if policy is None:
            raise PolicyNotInForce(f"no loan policy is in force on {on.isoformat()}")
        return policy

    def amount_within_range(self, amount: Decimal) -> bool:
        return self.min_amount <= amount <= self.max_amount
