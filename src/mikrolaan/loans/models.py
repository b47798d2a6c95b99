"""The loan and its ledger.

The ledger entries are the truth. Beside them each loan keeps a few figures that the posting
writes in the same transaction (``loans.kept``): the balance, the totals by kind, how much of
the plan is paid from the front and from the back, and the oldest unpaid due date. PostgreSQL
checks at commit that the kept balance is the ledger's sum (migration 0005); a test recomputes
every kept figure from scratch after random sequences of postings.
"""

from decimal import Decimal
from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mikrolaan.core.models import AppendOnlyModel

if TYPE_CHECKING:
    from mikrolaan.accounts.models import User


class LoanStatus(models.TextChoices):
    GRANTED = "granted", _("Granted, not paid out")
    ACTIVE = "active", _("Being repaid")
    IN_COLLECTION = "in_collection", _("With state debt collection")
    REPAID = "repaid", _("Repaid")
    WRITTEN_OFF = "written_off", _("Written off")


class LoanQuerySet(models.QuerySet["Loan"]):
    def for_user(self, user: "User") -> Self:
        """The loans this user may see: the roles that work with every case."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if user.sees_all_cases:
            return self
        return self.none()


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
    # Kept by the posting (loans.kept), never assigned elsewhere: the state after every entry.
    paid_out = models.DecimalField(
        _("paid out"), max_digits=12, decimal_places=2, default=0, db_default=0
    )
    balance = models.DecimalField(
        _("balance"), max_digits=12, decimal_places=2, default=0, db_default=0
    )
    received = models.DecimalField(
        _("payments received"), max_digits=12, decimal_places=2, default=0, db_default=0
    )
    fees_charged = models.DecimalField(
        _("fees"), max_digits=12, decimal_places=2, default=0, db_default=0
    )
    written_off = models.DecimalField(
        _("written off"), max_digits=12, decimal_places=2, default=0, db_default=0
    )
    paid_regular_ore = models.BigIntegerField(default=0, db_default=0)  # plan paid from the front
    paid_extra_ore = models.BigIntegerField(default=0, db_default=0)  # plan paid from the back
    # The due date of the first instalment not paid: in arrears on day T when it is <= T.
    oldest_unpaid_due = models.DateField(_("oldest unpaid due date"), null=True, blank=True)
    last_value_date = models.DateField(null=True, blank=True)
    # The value date of the latest payment not reversed (the daily run's "no payment since the
    # reminder" reads it instead of the loan's ledger).
    last_paid_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LoanQuerySet.as_manager()

    class Meta:
        ordering = ["loan_ref"]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        # The daily run's arrears (status, oldest unpaid due date); the loan list's order and
        # its status filter.
        indexes = [
            models.Index(fields=["status", "oldest_unpaid_due"], name="loan_status_unpaid_idx"),
            models.Index(fields=["last_value_date"], name="loan_last_value_date_idx"),
            models.Index(fields=["-granted_on", "loan_ref"], name="loan_list_order"),
            models.Index(fields=["status", "-granted_on"], name="loan_status_granted"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="loan_balance_not_negative"),
            models.CheckConstraint(condition=Q(principal__gt=0), name="loan_principal_positive"),
            models.CheckConstraint(condition=Q(term_months__gt=0), name="loan_term_positive"),
        ]

    def __str__(self) -> str:
        return self.loan_ref


class LoanTransition(AppendOnlyModel):
    """A change of a loan's status, dated: the loan's life cycle (``loans.lifecycle``).

    The status on a past date is the ``to_status`` of the last transition on or before it,
    so figures for a date never read a field that later events overwrite.
    """

    # Indexed by (loan, day) below; a second index of the loan alone only costs writes.
    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, related_name="transitions", db_index=False
    )
    from_status = models.CharField(max_length=20, choices=LoanStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=LoanStatus.choices)
    day = models.DateField(_("date"))
    why = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["day", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [models.Index(fields=["loan", "day"])]

    def __str__(self) -> str:
        return f"{self.loan_id}: {self.from_status or '-'} → {self.to_status} on {self.day}"


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

    # Indexed by ``entry_loan_day_idx`` (loan first), not by an index of its own.
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="entries", db_index=False)
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
    # On a reversal: the kind of the entry it reverses, so set-based queries need no self-join.
    reversed_kind = models.CharField(
        _("kind reversed"), max_length=30, choices=EntryKind.choices, blank=True
    )

    class Meta:
        ordering = ["value_date", "pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [
            # A loan's entries by date; on PostgreSQL with the change in debt beside them, so
            # that a loan's balance (the commit's check, migration 0005) is summed from the
            # index alone instead of from some forty rows spread over the table.
            models.Index(
                fields=["loan", "value_date"], include=["debt_delta"], name="entry_loan_day_idx"
            ),
            models.Index(fields=["loan"], condition=Q(kind="reversal"), name="entry_reversals_idx"),
        ]
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


class Deferral(AppendOnlyModel):
    """A decision to postpone repayment (henstand), with its reason. Never changed.

    Every instalment falling due in ``first_month`` or later moves ``months`` later
    (``loans.schedule``). The total over a loan's deferrals is at most its policy's maximum.
    """

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="deferrals")
    decided_on = models.DateField(_("decided on"))
    first_month = models.DateField(_("first month postponed"))  # always the 1st of a month
    months = models.PositiveSmallIntegerField(_("months"))
    at_start = models.BooleanField(_("deferral at start"), default=False)
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("deferral")
        verbose_name_plural = _("deferrals")
        constraints = [
            models.CheckConstraint(condition=Q(months__gt=0), name="deferral_months_positive"),
            models.CheckConstraint(condition=~Q(reason=""), name="deferral_has_reason"),
        ]


class PlanSegment(models.Model):
    """The stored repayment plan, compact: ``count`` instalments of ``amount_ore`` due in the
    consecutive months from ``first_month`` (``year * 12 + month - 1``).

    Derived by ``loans.plan.rederive`` from the principal, term, policy and deferrals; never
    edited. A loan has two segments, plus two for each deferral, so a portfolio of 1,000,000
    loans is a few million rows where instalment rows would be 84 million.
    """

    # Indexed by (loan, first_month) below.
    loan = models.ForeignKey(
        Loan, on_delete=models.CASCADE, related_name="plan_segments", db_index=False
    )
    first_month = models.IntegerField()
    count = models.PositiveIntegerField()
    amount_ore = models.BigIntegerField()
    before_ore = models.BigIntegerField()  # what the plan holds before this segment

    class Meta:
        ordering = ["loan", "first_month"]
        indexes = [models.Index(fields=["loan", "first_month"])]
        constraints = [
            models.CheckConstraint(condition=Q(count__gt=0), name="segment_count_positive"),
            models.CheckConstraint(condition=Q(amount_ore__gte=0), name="segment_amount_ok"),
        ]

    def __str__(self) -> str:
        return f"{self.count} × {self.amount_ore} øre from month {self.first_month}"


class PaymentSplit(models.Model):
    """How a payment was applied: the ``extra_ore`` that paid the last instalments.

    Derived (``loans.plan.rederive``, after every posting), kept only for payments with an
    extra part. A payment's regular part is its amount minus this.
    """

    entry = models.OneToOneField(LedgerEntry, on_delete=models.CASCADE, related_name="split")
    # Indexed by (loan, value_date) below.
    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="+", db_index=False)
    value_date = models.DateField()
    extra_ore = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["loan", "value_date"])]

    def __str__(self) -> str:
        return f"{self.entry_id}: extra {self.extra_ore} øre"


class DueDate(models.Model):
    """Shared calendar: the bank-day due date for a due day in a month. A few thousand rows
    that turn "which instalments are due by D" into arithmetic in SQL."""

    due_day = models.PositiveSmallIntegerField()
    month = models.IntegerField()
    due_date = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["due_day", "month"], name="duedate_once"),
        ]
        indexes = [models.Index(fields=["due_day", "due_date"])]

    def __str__(self) -> str:
        return f"day {self.due_day}, month {self.month}: {self.due_date}"


class Overpayment(AppendOnlyModel):
    """Money received beyond what the borrower owes. It is not posted to the ledger (the
    balance never goes below zero); it waits here until it is refunded."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="overpayments")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    value_date = models.DateField(_("value date"))
    source = models.CharField(
        _("source"), max_length=20, choices=EntrySource.choices, default=EntrySource.MANUAL
    )
    external_id = models.CharField(_("source reference"), max_length=200, blank=True)
    why = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["value_date", "pk"]
        verbose_name = _("overpayment")
        verbose_name_plural = _("overpayments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="overpayment_positive"),
            models.UniqueConstraint(
                fields=["loan", "source", "external_id"],
                condition=~Q(external_id=""),
                name="overpayment_external_id_once_per_loan",
            ),
        ]


class OverpaymentRefund(AppendOnlyModel):
    """The refund of an overpayment to the citizen."""

    overpayment = models.OneToOneField(Overpayment, on_delete=models.PROTECT, related_name="refund")
    refunded_on = models.DateField(_("refunded on"))
    note = models.TextField(_("note"), blank=True)
