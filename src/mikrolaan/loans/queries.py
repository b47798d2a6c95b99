"""Reading the ledger as of a date: one definition of each figure, used by every reader.

``loans`` is a Loan queryset, an iterable of loan ids, or None (every loan). ``as_of`` None
means everything recorded.

* effective payments: money received from the borrower (repayments and payments the debt
  collector reported), dated on or before D, less those reversed by a reversal dated on or
  before D. (A payment reversed later did count on D: that is what the books said then.)
  With no date: every payment never reversed — how the plan applies money
  (``loans.plan.payments_of``, ``loans.arrears``: a bounced payment never paid an instalment).
* net of a kind (``totals_by_kind``, ``net_by_loan``): the entries of that kind dated on or
  before D, less the reversals of them dated on or before D.
* balance: what the borrower owes on D — payout, fees and refunds, less payments and
  write-offs, each reversal undoing its entry — the sum of the entries' ``debt_delta``.
* status on D: the ``to_status`` of the loan's last ``LoanTransition`` on or before D.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Sum

from mikrolaan.loans.models import (
    PAYMENT_KINDS,
    ZERO,
    EntryKind,
    LedgerEntry,
    Loan,
    LoanStatus,
    LoanTransition,
)

# Which loans: a queryset of loans, their ids, or None for every loan.
Loans = QuerySet[Loan] | Iterable[int] | None

# A value a raw SQL statement's parameter may hold (a datetime is a date too).
SqlValue = str | int | Decimal | dt.date | None


def _kr(value: Any) -> Decimal:
    """A sum as money: on SQLite sums of decimals come back as floats; two places make them
    exact again (every amount has two)."""
    return ZERO if value is None else Decimal(value).quantize(ZERO)


def _for_loans(qs: QuerySet[Any], loans: Loans, field: str = "loan") -> QuerySet[Any]:
    if loans is None:
        return qs
    if isinstance(loans, QuerySet):
        return qs.filter(**{f"{field}__in": loans.values("pk")})
    return qs.filter(**{f"{field}_id__in": [int(x) for x in loans]})


def _dated(qs: QuerySet[Any], as_of: dt.date | None) -> QuerySet[Any]:
    return qs if as_of is None else qs.filter(value_date__lte=as_of)


def effective_payments(as_of: dt.date | None = None, loans: Loans = None) -> QuerySet[LedgerEntry]:
    """The payments that count on ``as_of`` (see the module's definition)."""
    reversals = LedgerEntry.objects.filter(kind=EntryKind.REVERSAL, reverses=OuterRef("pk"))
    if as_of is not None:
        reversals = reversals.filter(value_date__lte=as_of)
    payments = _dated(LedgerEntry.objects.filter(kind__in=PAYMENT_KINDS), as_of)
    return _for_loans(payments, loans).filter(~Exists(reversals))


def paid_by_loan(as_of: dt.date | None = None, loans: Loans = None) -> dict[int, Decimal]:
    rows = (
        effective_payments(as_of, loans)
        .order_by()
        .values("loan_id")
        .annotate(total=Sum("amount"))
        .values_list("loan_id", "total")
    )
    return {loan_id: _kr(total) for loan_id, total in rows}


def paid_total(as_of: dt.date | None = None, loans: Loans = None) -> Decimal:
    return _kr(effective_payments(as_of, loans).aggregate(total=Sum("amount"))["total"])


def _entries(as_of: dt.date | None, loans: Loans) -> QuerySet[LedgerEntry]:
    return _for_loans(_dated(LedgerEntry.objects.all(), as_of), loans)


def balance(loan: Loan | int, as_of: dt.date | None = None) -> Decimal:
    """What the borrower owes on ``as_of`` (by value date)."""
    loan_id = loan if isinstance(loan, int) else loan.pk
    return _kr(_entries(as_of, [loan_id]).aggregate(total=Sum("debt_delta"))["total"])


def balances(as_of: dt.date | None = None, loans: Loans = None) -> dict[int, Decimal]:
    rows = (
        _entries(as_of, loans)
        .order_by()
        .values("loan_id")
        .annotate(total=Sum("debt_delta"))
        .values_list("loan_id", "total")
    )
    return {loan_id: _kr(total) for loan_id, total in rows}


def debt_total(as_of: dt.date | None = None, loans: Loans = None) -> Decimal:
    """What all the loans owe together on ``as_of``."""
    return _kr(_entries(as_of, loans).aggregate(total=Sum("debt_delta"))["total"])


def totals_by_kind(as_of: dt.date | None = None, loans: Loans = None) -> dict[str, Decimal]:
    """The net amount of each kind of entry up to ``as_of`` (a reversal counts against the
    kind it reverses)."""
    result: dict[str, Decimal] = {}
    rows = (
        _entries(as_of, loans)
        .order_by()
        .values_list("kind", "reversed_kind")
        .annotate(total=Sum("amount"))
    )
    for kind, reversed_kind, total in rows:
        if kind == EntryKind.REVERSAL:
            result[reversed_kind] = result.get(reversed_kind, ZERO) - _kr(total)
        else:
            result[kind] = result.get(kind, ZERO) + _kr(total)
    return result


def net_by_loan(kind: str, as_of: dt.date | None = None, loans: Loans = None) -> dict[int, Decimal]:
    """Each loan's net amount of ``kind`` up to ``as_of``, a reversal counting against the
    kind it reverses (as ``totals_by_kind``); loans with none are left out."""
    rows = (
        _entries(as_of, loans)
        .filter(Q(kind=kind) | Q(kind=EntryKind.REVERSAL, reversed_kind=kind))
        .order_by()
        .values_list("loan_id", "kind")
        .annotate(total=Sum("amount"))
    )
    result: dict[int, Decimal] = {}
    for loan_id, entry_kind, total in rows:
        sign = -1 if entry_kind == EntryKind.REVERSAL else 1
        result[loan_id] = result.get(loan_id, ZERO) + sign * _kr(total)
    return result


def _last_transition(day: dt.date) -> Subquery:
    return Subquery(
        LoanTransition.objects.filter(loan=OuterRef("pk"), day__lte=day)
        .order_by("-day", "-pk")
        .values("to_status")[:1]
    )


def status_on(loan: Loan, day: dt.date) -> str:
    """The loan's status on ``day`` ('' before it was granted)."""
    last = loan.transitions.filter(day__lte=day).order_by("-day", "-pk").first()
    return last.to_status if last else ""


def statuses_on(day: dt.date, loans: Loans = None) -> dict[int, str]:
    """Each loan's status on ``day`` (loans not yet granted then are left out)."""
    qs = Loan.objects.all()
    if isinstance(loans, QuerySet):
        qs = qs.filter(pk__in=loans.values("pk"))
    elif loans is not None:
        qs = qs.filter(pk__in=[int(x) for x in loans])
    rows = qs.annotate(on_day=_last_transition(day)).values_list("pk", "on_day")
    return {pk: status for pk, status in rows if status}


def in_collection_on(day: dt.date, loans: Loans = None) -> set[int]:
    return {pk for pk, s in statuses_on(day, loans).items() if s == LoanStatus.IN_COLLECTION}


def loans_in_status_on(day: dt.date, status: str) -> QuerySet[Loan]:
    """The loans whose status on ``day`` was ``status`` (a queryset, for set-based reads)."""
    return Loan.objects.annotate(on_day=_last_transition(day)).filter(on_day=status)


def in_collection_q(day: dt.date) -> Q:
    """A filter on loans: with the debt collector on ``day``."""
    return Q(pk__in=loans_in_status_on(day, LoanStatus.IN_COLLECTION).values("pk"))
