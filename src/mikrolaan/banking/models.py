"""Bank statements as the bank sent them, and what was done with each entry.

Statements and entries are facts from the bank: written once, never changed. What the system
or the finance clerk did with an entry is a separate append-only record (``EntryHandling``);
an entry's current state is its latest handling.
"""

import datetime as dt
from decimal import Decimal
from typing import Self

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mikrolaan.accounts.models import User
from mikrolaan.accounts.roles import Role
from mikrolaan.banking.parsing import place_in_file
from mikrolaan.core.models import AppendOnlyModel, AppendOnlyQuerySet


class StatementFormat(models.TextChoices):
    CAMT053 = "camt053", _("ISO 20022 camt.053")
    CSV = "csv", _("CSV")
    API = "api", _("Finance system (API)")


class StatementFile(AppendOnlyModel):
    """One uploaded or imported file. The same bytes are never imported twice."""

    file_name = models.CharField(_("file name"), max_length=255)
    file_hash = models.CharField(_("SHA-256 of the file"), max_length=64, unique=True)
    format = models.CharField(_("format"), max_length=20, choices=StatementFormat.choices)
    # The camt.053 message version taken from the root namespace (e.g. "camt.053.001.02").
    version = models.CharField(_("version"), max_length=40, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("statement file")
        verbose_name_plural = _("statement files")

    def __str__(self) -> str:
        return self.file_name


class BankQuerySet(AppendOnlyQuerySet):
    def for_user(self, user: User) -> Self:
        """Bank data is the finance clerk's: nobody else lists it."""
        if user and user.is_authenticated and user.is_active and user.role == Role.FINANCE_CLERK:
            return self
        return self.none()


class Statement(AppendOnlyModel):
    """One account statement (a camt.053 ``Stmt``, or a whole CSV file)."""

    file = models.ForeignKey(StatementFile, on_delete=models.PROTECT, related_name="statements")
    account = models.CharField(_("account"), max_length=70, blank=True)
    # The bank's statement id; for CSV a fingerprint of the entries, so a re-export of the
    # same statement in another file is recognised.
    statement_id = models.CharField(_("statement id"), max_length=120)
    created_by_bank_at = models.DateTimeField(_("created by the bank at"), null=True, blank=True)
    period_from = models.DateField(_("period from"), null=True, blank=True)
    period_to = models.DateField(_("period to"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    opening_balance = models.DecimalField(
        _("opening balance"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    closing_balance = models.DecimalField(
        _("closing balance"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    objects = BankQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "statement_id"], name="statement_once_per_account"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.statement_id}".strip()

    @property
    def label(self) -> str:
        """The statement as people name it: "Kontoudtog 02.11.2026" (with the bank's own id when
        it is readable; a CSV file's fingerprint is never shown)."""
        from mikrolaan.core.formatting import short_date

        day = self.period_to or (
            timezone.localdate(self.created_by_bank_at) if self.created_by_bank_at else None
        )
        day = day or timezone.localdate(self.recorded_at)
        text = gettext("Bank statement %(date)s") % {"date": short_date(day)}
        readable = self.statement_id and not self.statement_id.startswith("csv:")
        if readable and len(self.statement_id) <= 40:
            text += f" ({self.statement_id})"
        return text


class CreditDebit(models.TextChoices):
    CREDIT = "CRDT", _("Credit (money in)")
    DEBIT = "DBIT", _("Debit (money out)")


class Outcome(models.TextChoices):
    POSTED = "posted", _("Posted to a loan")
    QUEUED = "queued", _("Waiting for the finance clerk")
    SKIPPED = "skipped", _("Skipped")
    NOT_OURS = "not_ours", _("Not a loan payment")
    REFUNDED = "refunded", _("Paid back to the sender")
    REVERSED = "reversed", _("Reversal posted")


class BankEntryQuerySet(BankQuerySet):
    def with_state(self) -> Self:
        latest = EntryHandling.objects.filter(entry=OuterRef("pk")).order_by("-pk")
        return self.annotate(
            state=Subquery(latest.values("outcome")[:1]),
            state_reason=Subquery(latest.values("reason")[:1]),
        )

    def queued(self) -> Self:
        return self.with_state().filter(state=Outcome.QUEUED)


class BankEntry(AppendOnlyModel):
    """One booked entry (or one transaction of a batch entry) of a statement."""

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="entries")
    position = models.PositiveIntegerField(_("position in the statement"))
    # Where in the file the entry was: "Ntry[3]" or "line 7" (for messages to the clerk).
    location = models.CharField(_("place in the file"), max_length=60)
    # The entry's identity at the bank (account + the bank's reference, or a fingerprint):
    # the same entry in another statement or file is recognised and never posted twice.
    identity = models.CharField(_("identity"), max_length=200, unique=True)
    booking_date = models.DateField(_("booking date"))
    value_date = models.DateField(_("value date"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    credit_debit = models.CharField(_("credit or debit"), max_length=4, choices=CreditDebit.choices)
    reversal = models.BooleanField(_("reversal"), default=False)
    status = models.CharField(_("status at the bank"), max_length=10, default="BOOK")
    entry_ref = models.CharField(_("entry reference"), max_length=100, blank=True)
    account_servicer_ref = models.CharField(_("bank's reference"), max_length=100, blank=True)
    end_to_end_id = models.CharField(_("end-to-end id"), max_length=100, blank=True)
    creditor_reference = models.CharField(_("creditor reference"), max_length=200, blank=True)
    text = models.TextField(_("text"), blank=True)
    counterparty = models.CharField(_("sender or receiver"), max_length=200, blank=True)

    objects = BankEntryQuerySet.as_manager()

    class Meta:
        ordering = ["booking_date", "pk"]
        verbose_name = _("bank entry")
        verbose_name_plural = _("bank entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="bank_entry_amount_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.booking_date} {self.credit_debit} {self.amount} {self.currency}"

    @property
    def is_credit(self) -> bool:
        return self.credit_debit == CreditDebit.CREDIT

    @property
    def posting_date(self) -> dt.date:
        """The date the money counts from on the loan: the value date, else the booking date."""
        return self.value_date or self.booking_date

    @property
    def place(self) -> str:
        """Where in the file, in words: "linje 2", "post 3", "post 3, transaktion 2"."""
        return place_in_file(self.location)

    @property
    def signed_amount(self) -> Decimal:
        return self.amount if self.is_credit else -self.amount

    def current_handling(self) -> "EntryHandling | None":
        return self.handlings.order_by("-pk").first()


class EntryHandling(AppendOnlyModel):
    """What was done with a bank entry: by the import (posted, queued, skipped) or later by the
    finance clerk (posted to a chosen loan, not ours, refunded, reversal confirmed)."""

    entry = models.ForeignKey(BankEntry, on_delete=models.PROTECT, related_name="handlings")
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    # Values for the reason's message (currency, payment ID, balance …) and further reasons.
    params = models.JSONField(_("details"), default=dict, blank=True)
    loan = models.ForeignKey(
        "loans.Loan", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ledger_entry = models.ForeignKey(
        "loans.LedgerEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # For a reversal entry: the posted repayment it appears to reverse (the clerk confirms).
    proposed_reversal_of = models.ForeignKey(
        "loans.LedgerEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    why = models.TextField(_("reason given"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("handling of a bank entry")
        verbose_name_plural = _("handlings of bank entries")

    def __str__(self) -> str:
        return f"{self.entry_id} {self.outcome} {self.reason}"
