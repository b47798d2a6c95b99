"""Posting to a loan's ledger and reading its balance. The one way money moves on a loan.

Every posting locks the loan row (``select_for_update``) so concurrent postings see each other,
checks that what the borrower owes never goes below zero — at the end of any day, so a
back-dated entry cannot make the past negative either — and is idempotent by
``(loan, source, external_id)`` when an external id is given. PostgreSQL checks the balance
again at commit (a deferred constraint trigger, migration 0004).

Posting writes the entry and, in the same transaction, the loan's kept figures
(``loans.kept``: balance, totals, how the payment applies to the plan). Nothing else happens in
a posting: no status change, no event (``loans.lifecycle.follow_balance`` is the caller's).

Overpayment: ``post`` refuses a repayment beyond the balance. ``receive_payment`` is the entry
point for money received (bank, hand, collector): it posts what the borrower owes as the
repayment and records the rest as an ``Overpayment`` held for refund — never in the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from mikrolaan.core.bulk import build, insert_many
from mikrolaan.loans import kept, plan, queries
from mikrolaan.loans.models import (
    DEBT_SIGN,
    ZERO,
    EntryKind,
    EntrySource,
    LedgerEntry,
    Loan,
    Overpayment,
    PaymentSplit,
    PlanSegment,
)

if TYPE_CHECKING:
    from mikrolaan.accounts.models import User


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


def _money(amount: object) -> Decimal:
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be a Decimal, not {type(amount).__name__}")
    return amount.quantize(Decimal("0.01"))


def balance(loan: Loan, as_of: dt.date | None = None) -> Decimal:
    """What the borrower owes (``loans.queries.balance``; now: the loan's kept balance)."""
    if as_of is None or (loan.last_value_date and as_of >= loan.last_value_date):
        return Loan.objects.values_list("balance", flat=True).get(pk=loan.pk)
    return queries.balance(loan, as_of)


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
    acting_user: User | None,
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
    in_order = loan.last_value_date is None or value_date >= loan.last_value_date
    if loan.balance + delta < 0 or (
        not in_order and _lowest_daily_balance(loan, (value_date, delta)) < 0
    ):
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
    if kept.incremental(entry, in_order=in_order):
        kept.apply(loan, entry, plan.policy_of(loan))
    else:
        plan.rederive(loan)
    return Posted(entry, created=True)


@transaction.atomic
def receive_payment(
    loan: Loan,
    amount: Decimal,
    value_date: dt.date,
    *,
    acting_user: User | None,
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
    if loan.last_value_date is None or value_date >= loan.last_value_date:
        owed = loan.balance
    else:
        owed = min(loan.balance, _lowest_future_balance(loan, value_date))
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


# --- many payments at once (bank files) ------------------------------------------------------


@dataclass(frozen=True)
class Incoming:
    """A payment to receive for a loan, one of a batch (``receive_payments``)."""

    loan_id: int
    amount: Decimal
    value_date: dt.date
    external_id: str = ""
    why: str = ""
    kind: str = EntryKind.REPAYMENT


@dataclass(frozen=True)
class Refused:
    """A payment of a batch that could not be received; nothing was written for it."""

    item: Incoming
    error: str
    entry: None = None
    overpayment: None = None
    created: bool = False


@transaction.atomic
def receive_payments(
    items: Iterable[Incoming],
    *,
    acting_user: User | None,
    source: str,
    locked: Mapping[int, Loan] | None = None,
) -> list[Received | Refused]:
    """``receive_payment`` for a batch, set-based: the loans are locked together, the entries,
    splits, overpayments and kept figures written with a few statements for the whole batch.

    A payment dated before an earlier entry of its loan (back-dated) goes the one-by-one way,
    which re-derives that loan. Returns one result per item, in order; a payment the ledger
    refuses is a ``Refused`` (the rest of the batch is still received).

    ``locked``: the loans (by pk) when the caller has already locked them in this transaction
    and read them since (a bank file's import). They are used instead of reading the loans
    again, and are brought up to date in place: afterwards they are as the database has them
    (unless the transaction is rolled back).
    """
    items = list(items)
    results: list[Received | Refused | None] = [None] * len(items)
    loan_ids = sorted({i.loan_id for i in items})
    if locked is None:
        loans = {
            loan.pk: loan
            for loan in Loan.objects.select_for_update(of=("self",))
            .filter(pk__any=loan_ids)
            .select_related("policy")
            .order_by("pk")
        }
    else:
        loans = {pk: locked[pk] for pk in loan_ids if pk in locked}
    external = [i.external_id for i in items if i.external_id]
    # ``exclude(external_id="")`` repeats the unique indexes' condition, so that PostgreSQL
    # looks the pairs up in them instead of reading every entry of the loans.
    seen_entries = {
        (e.loan_id, e.external_id): e
        for e in LedgerEntry.objects.filter(
            loan_id__any=loan_ids, source=source, external_id__any=external
        ).exclude(external_id="")
    }
    seen_overs = {
        (o.loan_id, o.external_id): o
        for o in Overpayment.objects.filter(
            loan_id__any=loan_ids, source=source, external_id__any=external
        ).exclude(external_id="")
    }
    segments: dict[int, list[kept.Segment]] = {}
    for row in (
        PlanSegment.objects.filter(loan_id__any=loan_ids)
        .order_by("loan_id", "first_month")
        .values_list("loan_id", "first_month", "count", "amount_ore", "before_ore")
    ):
        segments.setdefault(row[0], []).append(row[1:])
    now = timezone.now()  # the batch's entries' time (one clock reading)
    user_id = getattr(acting_user, "pk", None)
    new_entries: list[LedgerEntry] = []
    splits: list[tuple[LedgerEntry, int]] = []
    overs: list[Overpayment] = []
    pending: dict[tuple[int, str], int] = {}
    same: dict[int, int] = {}
    slow: list[int] = []
    touched: set[int] = set()
    for n, item in enumerate(items):
        key = (item.loan_id, item.external_id)
        if item.external_id and (key in seen_entries or key in seen_overs):
            results[n] = Received(seen_entries.get(key), seen_overs.get(key), created=False)
            continue
        if item.external_id and key in pending:
            same[n] = pending[key]  # the result of that one, filled in below
            continue
        loan = loans.get(item.loan_id)
        error = _refusal(item, loan)
        if error or loan is None:  # no loan: refused
            results[n] = Refused(item, error)
            continue
        if loan.last_value_date is not None and item.value_date < loan.last_value_date:
            slow.append(n)
            continue
        if item.external_id:
            pending[key] = n
        amount = _money(item.amount)
        to_loan = min(amount, max(loan.balance, ZERO))
        entry = over = None
        if to_loan > 0:
            entry = build(
                LedgerEntry,
                {"loan": loan},
                kind=item.kind,
                amount=to_loan,
                debt_delta=-to_loan,
                value_date=item.value_date,
                source=source,
                external_id=item.external_id,
                why=item.why,
                recorded_by_id=user_id,
                recorded_at=now,
            )
            new_entries.append(entry)
            loan.balance -= to_loan
            loan.received += to_loan
            loan.last_value_date = item.value_date
            loan.last_paid_on = item.value_date
            extra = kept.allocate_in_memory(
                loan, segments.get(loan.pk, []), entry, plan.policy_of(loan)
            )
            if extra:
                splits.append((entry, extra))
            touched.add(loan.pk)
        if amount > to_loan:
            over = build(
                Overpayment,
                {"loan": loan},
                amount=amount - to_loan,
                value_date=item.value_date,
                source=source,
                external_id=item.external_id,
                why=item.why or "more than the loan's balance",
                recorded_by_id=user_id,
                recorded_at=now,
            )
            overs.append(over)
        results[n] = Received(entry, over, created=True)
    insert_many(LedgerEntry, new_entries)
    insert_many(
        PaymentSplit,
        [
            build(
                PaymentSplit,
                {"entry": e},
                loan_id=e.loan_id,
                value_date=e.value_date,
                extra_ore=x,
            )
            for e, x in splits
        ],
    )
    insert_many(Overpayment, overs)
    kept.save_many([loans[i] for i in sorted(touched)])
    for n in slow:
        item = items[n]
        try:
            results[n] = receive_payment(
                loans[item.loan_id],
                item.amount,
                item.value_date,
                acting_user=acting_user,
                kind=item.kind,
                source=source,
                external_id=item.external_id,
                why=item.why,
            )
        except LedgerError as exc:
            results[n] = Refused(item, str(exc))
    for loan_id in sorted({items[n].loan_id for n in slow}):
        loans[loan_id].refresh_from_db()  # posted and re-derived through another instance
    for n, first_n in same.items():
        first = results[first_n]
        assert isinstance(first, Received)
        results[n] = Received(first.entry, first.overpayment, created=False)
    return [r for r in results if r is not None]


def _refusal(item: Incoming, loan: Loan | None) -> str:
    if loan is None:
        return f"loan {item.loan_id} does not exist"
    if item.kind not in (EntryKind.REPAYMENT, EntryKind.COLLECTOR_PAYMENT):
        return "money received is a repayment or a collector-reported payment"
    if not isinstance(item.amount, Decimal) or item.amount <= 0:
        return "an amount must be a Decimal greater than zero"
    if loan.disbursed_on is None or item.value_date < loan.disbursed_on:
        return f"{loan.loan_ref}: a payment cannot be dated before the payout"
    return ""
