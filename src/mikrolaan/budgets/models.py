"""Establishment, operating and liquidity budgets per case, versioned (DOMAIN.md §6.2–6.3).

A resubmission is a new ``BudgetVersion``; versions, their lines and their months are
append-only, so every version the project leader decided on stays readable. Loan need, cash
positions and the red-flag warning are derived (``budgets.calculations``), never stored.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from mikrolaan.core.models import AppendOnlyModel


class BudgetVersion(AppendOnlyModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="budget_versions")
    number = models.PositiveSmallIntegerField(_("version"))
    submitted_on = models.DateField(_("submitted on"))
    event = models.OneToOneField(
        "cases.CaseEvent", on_delete=models.PROTECT, related_name="budget_version"
    )
    own_funds = models.DecimalField(
        _("own funds"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    other_financing = models.DecimalField(
        _("other financing"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    opening_cash = models.DecimalField(
        _("cash at the start"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["case", "number"]
        verbose_name = _("budget version")
        verbose_name_plural = _("budget versions")
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="budget_version_unique"),
            models.CheckConstraint(
                condition=models.Q(own_funds__gte=0)
                & models.Q(other_financing__gte=0)
                & models.Q(opening_cash__gte=0),
                name="budget_version_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.number} {self.submitted_on}"


class LineKind(models.TextChoices):
    ESTABLISHMENT = "establishment", _("Establishment cost")
    INCOME = "income", _("Operating income (per year)")
    COST = "cost", _("Operating cost (per year)")


class BudgetLine(AppendOnlyModel):
    version = models.ForeignKey(BudgetVersion, on_delete=models.PROTECT, related_name="lines")
    kind = models.CharField(_("kind"), max_length=20, choices=LineKind.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["version", "kind", "position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="budget_line_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.amount}"


class LiquidityMonth(AppendOnlyModel):
    """One month of the liquidity budget. Opening and closing cash are derived."""

    version = models.ForeignKey(BudgetVersion, on_delete=models.PROTECT, related_name="months")
    month = models.PositiveSmallIntegerField(_("month"))
    loan = models.DecimalField(_("loan"), max_digits=12, decimal_places=2, default=0)
    own_funds = models.DecimalField(_("own funds"), max_digits=12, decimal_places=2, default=0)
    sales = models.DecimalField(_("sales"), max_digits=12, decimal_places=2, default=0)
    living_costs = models.DecimalField(
        _("living costs and private withdrawals"), max_digits=12, decimal_places=2, default=0
    )
    costs = models.DecimalField(_("business costs"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        ordering = ["version", "month"]
        constraints = [
            models.UniqueConstraint(fields=["version", "month"], name="liquidity_month_unique"),
            models.CheckConstraint(
                condition=models.Q(loan__gte=0)
                & models.Q(own_funds__gte=0)
                & models.Q(sales__gte=0)
                & models.Q(living_costs__gte=0)
                & models.Q(costs__gte=0),
                name="liquidity_month_amounts_not_negative",
            ),
        ]
