"""Posting to a loan's ledger and reading its balance. The one way money moves on a loan.

Every posting locks the loan row (``select_for_update``) so concurrent postings see each other,
checks that what the borrower owes never goes below zero — at the end of any day, so a
back-dated entry cannot make the past negative either — and is idempotent by
``(loan, source, external_id)`` when an external id is given. PostgreSQL checks the balance
again at commit (a deferred constraint trigger, migration 0004).

After each posting the loan's stored plan projection is re-derived (``loans.plan.rederive``):
how payments split into regular and extra, and whether the loan is repaid.

Overpayment: ``post`` refuses a repayment beyond the balance. ``receive_payment`` is the entry
point for money received (bank, hand, collector): it posts what the borrower owes as the
repayment and records the rest as an ``Overpayment`` held for refund — never in the ledger.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from django.db import IntegrityError, transaction
from django.db.models import Sum

from mikrolaan.loans.models import (
    DEBT_SIGN,
    ZERO,
    EntryKind,
    EntrySource,
    LedgerEntry,
    Loan,
    Overpayment,
)


class LedgerError(Exception):
    """A posting that would break the ledger's rules; nothing was written."""


@dataclass(frozen=True)
class Posted:
    entry: LedgerEntry
    created: bool  # False when the same external entry was already posted


@dataclass(frozen=True)
class Received:
    """What became of money received: the repayment posted and/or the overpayment held."""

    entry: LedgerEntry | None
    overpayment: Overpayment | None
    created: bool


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


def _lowest_daily_balance(loan: Loan, extra: tuple[dt.date, Decimal]) -> Decimal:
    rows = list(LedgerEntry.objects.filter(loan=loan).values_list("value_date", "debt_delta"))
    rows.append(extra)
    rows.sort(key=lambda r: r[0])
    running, lowest = ZERO, ZERO
    for _day, group in groupby(rows, key=lambda r: r[0]):
        running += sum((d for _, d in group), ZERO)
        lowest = min(lowest, running)
    return lowest


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
    reversed_kind = ""
    if kind == EntryKind.REVERSAL:
        if reverses is None or reverses.loan_id != loan.pk:
            raise LedgerError("a reversal must point at an entry of the same loan")
        if reverses.kind == EntryKind.REVERSAL:
            raise LedgerError("a reversal cannot be reversed; post the entry again")
        if LedgerEntry.objects.filter(reverses=reverses).exists():
            raise LedgerError("that entry is already reversed")
        if amount != reverses.amount:
            raise LedgerError("a reversal reverses the whole amount of its entry")
        if value_date < reverses.value_date:
            raise LedgerError("a reversal cannot be dated before the entry it reverses")
        delta = -reverses.debt_delta
        reversed_kind = reverses.kind
    else:
        if reverses is not None:
            raise LedgerError("only a reversal points at another entry")
        delta = amount * DEBT_SIGN[EntryKind(kind)]
        if kind != EntryKind.DISBURSEMENT and (
            loan.disbursed_on is None or value_date < loan.disbursed_on
        ):
            raise LedgerError(
                f"{loan.loan_ref}: nothing can be posted before the payout "
                f"({loan.disbursed_on or 'not paid out'})"
            )
    if balance(loan) + delta < 0 or _lowest_daily_balance(loan, (value_date, delta)) < 0:
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
                reversed_kind=reversed_kind,
                source=source,
                external_id=external_id,
                why=why,
                recorded_by=acting_user,
            )
    except IntegrityError as exc:
        raise LedgerError(str(exc)) from exc
    from mikrolaan.loans.plan import rederive

    rederive(loan, acting_user=acting_user, on=value_date)
    return Posted(entry, created=True)


@transaction.atomic
def receive_payment(
    loan: Loan,
    amount: Decimal,
    value_date: dt.date,
    *,
    acting_user,
    kind: str = EntryKind.REPAYMENT,
    source: str = EntrySource.MANUAL,
    external_id: str = "",
    why: str = "",
) -> Received:
    """Money received for a loan: repayment up to what is owed, the rest held for refund.

    What is owed is the balance on ``value_date`` and later (a back-dated payment cannot pay
    more than was owed then). Idempotent by ``(loan, source, external_id)`` like ``post``.
    """
    if kind not in (EntryKind.REPAYMENT, EntryKind.COLLECTOR_PAYMENT):
        raise LedgerError("money received is a repayment or a collector-reported payment")
    amount = _money(amount)
    if amount <= 0:
        raise LedgerError("an amount must be greater than zero")
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if external_id:
        entry = LedgerEntry.objects.filter(
            loan=loan, source=source, external_id=external_id
        ).first()
        over = Overpayment.objects.filter(loan=loan, source=source, external_id=external_id).first()
        if entry or over:
            return Received(entry, over, created=False)
    if loan.disbursed_on is None or value_date < loan.disbursed_on:
        raise LedgerError(f"{loan.loan_ref}: a payment cannot be dated before the payout")
    owed = min(balance(loan), _lowest_future_balance(loan, value_date))
    to_loan = min(amount, max(owed, ZERO))
    entry = over = None
    if to_loan > 0:
        entry = post(
            loan,
            kind,
            to_loan,
            value_date,
            acting_user=acting_user,
            source=source,
            external_id=external_id,
            why=why,
        ).entry
    if amount > to_loan:
        over = Overpayment.objects.create(
            loan=loan,
            amount=amount - to_loan,
            value_date=value_date,
            source=source,
            external_id=external_id,
            why=why or "more than the loan's balance",
            recorded_by=acting_user,
        )
    return Received(entry, over, created=True)


def _lowest_future_balance(loan: Loan, day: dt.date) -> Decimal:
    """The lowest end-of-day balance from ``day`` on (what a payment on ``day`` may pay)."""
    rows = sorted(LedgerEntry.objects.filter(loan=loan).values_list("value_date", "debt_delta"))
    running = sum((d for v, d in rows if v <= day), ZERO)
    lowest = running
    for _day, group in groupby((r for r in rows if r[0] > day), key=lambda r: r[0]):
        running += sum((d for _, d in group), ZERO)
        lowest = min(lowest, running)
    return lowest
