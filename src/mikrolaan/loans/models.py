"""The loan and its ledger. Balances are derived from ledger entries, never stored."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mikrolaan.core.models import AppendOnlyModel


class LoanStatus(models.TextChoices):
    GRANTED = "granted", _("Granted, not paid out")
    ACTIVE = "active", _("Being repaid")
    IN_COLLECTION = "in_collection", _("With state debt collection")
    REPAID = "repaid", _("Repaid")
    WRITTEN_OFF = "written_off", _("Written off")


class Loan(models.Model):
    """An interest-free loan (LAS § 65 stk. 2). One per borrower in version 1.

    Terms that can change (deferral, payout) change only through ``loans.services`` and each
    change is a recorded event; ``status`` and the dates are a projection of those events.
    """

    loan_ref = models.CharField(_("loan number"), max_length=40, unique=True)
    citizen = models.ForeignKey("people.Citizen", on_delete=models.PROTECT, related_name="loans")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="loans"
    )
    cohort = models.ForeignKey(
        "courses.Cohort", on_delete=models.PROTECT, null=True, blank=True, related_name="loans"
    )
    decision = models.OneToOneField(
        "decisions.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="loan"
    )
    policy = models.ForeignKey(
        "policy.LoanPolicy", on_delete=models.PROTECT, null=True, blank=True, related_name="loans"
    )
    principal = models.DecimalField(_("principal"), max_digits=12, decimal_places=2)
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    disbursed_on = models.DateField(_("paid out on"), null=True, blank=True)
    repayment_start = models.DateField(_("first instalment due"), null=True, blank=True)
    term_months = models.PositiveSmallIntegerField(_("term in months"), default=84)
    deferral_months_at_start = models.PositiveSmallIntegerField(
        _("deferral at start, months"), default=0
    )
    payment_id = models.CharField(
        _("payment ID (+71)"), max_length=15, unique=True, null=True, blank=True
    )
    collateral = models.TextField(_("security (e.g. registered mortgage)"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=LoanStatus.choices, default=LoanStatus.GRANTED
    )
    collection_transferred_on = models.DateField(
        _("handed to debt collection on"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["loan_ref"]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        constraints = [
            models.CheckConstraint(condition=Q(principal__gt=0), name="loan_principal_positive"),
            models.CheckConstraint(condition=Q(term_months__gt=0), name="loan_term_positive"),
        ]

    def __str__(self) -> str:
        return self.loan_ref


class EntryKind(models.TextChoices):
    DISBURSEMENT = "disbursement", _("Payout")
    REPAYMENT = "repayment", _("Repayment")
    REVERSAL = "reversal", _("Reversal")
    FEE = "fee", _("Fee")
    COLLECTION_TRANSFER = "collection_transfer", _("Handed to debt collection")
    COLLECTOR_PAYMENT = "collector_payment", _("Payment reported by the debt collector")
    WRITE_OFF = "write_off", _("Write-off")
    REFUND = "refund", _("Refund of overpayment")


# The sign of each kind's effect on what the borrower owes. A reversal takes the opposite
# sign of the entry it reverses; a collection transfer moves the claim, not the amount.
DEBT_SIGN = {
    EntryKind.DISBURSEMENT: 1,
    EntryKind.FEE: 1,
    EntryKind.REFUND: 1,
    EntryKind.REPAYMENT: -1,
    EntryKind.COLLECTOR_PAYMENT: -1,
    EntryKind.WRITE_OFF: -1,
    EntryKind.COLLECTION_TRANSFER: 0,
}
# Kinds that are money received from the borrower (for the report's "payments").
PAYMENT_KINDS = [EntryKind.REPAYMENT, EntryKind.COLLECTOR_PAYMENT]


class EntrySource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    BANK = "bank", _("Bank statement")
    IMPORT = "import", _("Interchange bundle")
    COLLECTOR = "collector", _("Debt collector")
    SYSTEM = "system", _("Daily servicing run")


class LedgerEntry(AppendOnlyModel):
    """One transaction on a loan. Never changed: a correction is a reversal plus a new entry."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=30, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    debt_delta = models.DecimalField(_("change in debt"), max_digits=12, decimal_places=2)
    value_date = models.DateField(_("value date"))
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    source = models.CharField(
        _("source"), max_length=20, choices=EntrySource.choices, default=EntrySource.MANUAL
    )
    # Identity of the entry at its source (bank entry reference, bundle payment identity …):
    # the same external entry is never posted twice.
    external_id = models.CharField(_("source reference"), max_length=200, blank=True)
    why = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["value_date", "pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [models.Index(fields=["loan", "value_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="entry_amount_positive"),
            models.CheckConstraint(
                condition=Q(debt_delta=models.F("amount"))
                | Q(debt_delta=-models.F("amount"))
                | Q(debt_delta=0),
                name="entry_delta_is_plus_minus_amount_or_zero",
            ),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False)
                | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="entry_reversal_points_at_reversed",
            ),
            models.UniqueConstraint(
                fields=["loan", "source", "external_id"],
                condition=~Q(external_id=""),
                name="entry_external_id_once_per_loan",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value_date} {self.kind} {self.amount}"


ZERO = Decimal("0.00")
