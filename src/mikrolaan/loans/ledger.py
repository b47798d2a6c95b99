"""Posting to a loan's ledger and reading its balance. The one way money moves on a loan.

Every posting locks the loan row (``select_for_update``) so concurrent postings see each other,
checks that what the borrower owes never goes below zero, and is idempotent by
``(loan, source, external_id)`` when an external id is given.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum

from mikrolaan.loans.models import DEBT_SIGN, ZERO, EntryKind, EntrySource, LedgerEntry, Loan


class LedgerError(Exception):
    """A posting that would break the ledger's rules; nothing was written."""


@dataclass(frozen=True)
class Posted:
    entry: LedgerEntry
    created: bool  # False when the same external entry was already posted


def _money(amount) -> Decimal:
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be a Decimal, not {type(amount).__name__}")
    return amount.quantize(Decimal("0.01"))


def balance(loan: Loan, as_of: dt.date | None = None) -> Decimal:
    """What the borrower owes: the sum of the entries' effects (up to ``as_of``, inclusive)."""
    entries = LedgerEntry.objects.filter(loan=loan)
    if as_of is not None:
        entries = entries.filter(value_date__lte=as_of)
    return entries.aggregate(total=Sum("debt_delta"))["total"] or ZERO


@transaction.atomic
def post(
    loan: Loan,
    kind: str,
    amount: Decimal,
    value_date: dt.date,
    *,
    acting_user,
    source: str = EntrySource.MANUAL,
    external_id: str = "",
    why: str = "",
    reverses: LedgerEntry | None = None,
) -> Posted:
    amount = _money(amount)
    if amount <= 0:
        raise LedgerError("an amount must be greater than zero")
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if external_id:
        existing = LedgerEntry.objects.filter(
            loan=loan, source=source, external_id=external_id
        ).first()
        if existing is not None:
            return Posted(existing, created=False)
    if kind == EntryKind.REVERSAL:
        if reverses is None or reverses.loan_id != loan.pk:
            raise LedgerError("a reversal must point at an entry of the same loan")
        if LedgerEntry.objects.filter(reverses=reverses).exists():
            raise LedgerError("that entry is already reversed")
        if amount != reverses.amount:
            raise LedgerError("a reversal reverses the whole amount of its entry")
        delta = -reverses.debt_delta
    else:
        if reverses is not None:
            raise LedgerError("only a reversal points at another entry")
        delta = amount * DEBT_SIGN[EntryKind(kind)]
    if balance(loan) + delta < 0:
        raise LedgerError(
            f"posting {kind} {amount} would take the balance of {loan.loan_ref} below zero"
        )
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                loan=loan,
                kind=kind,
                amount=amount,
                debt_delta=delta,
                value_date=value_date,
                reverses=reverses,
                source=source,
                external_id=external_id,
                why=why,
                recorded_by=acting_user,
            )
    except IntegrityError as exc:
        raise LedgerError(str(exc)) from exc
    return Posted(entry, created=True)
