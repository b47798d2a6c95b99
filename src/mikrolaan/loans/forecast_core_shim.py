"""TODO(core): remove at merge. A stand-in for the parts of ``loans.queries`` (issue 10, item
3) that the fund forecast reads, with the same names and meanings, until the lead's module is
on ``main``. ``loans.forecast_history`` imports the real module when it exists."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, Sum

from mikrolaan.loans.models import PAYMENT_KINDS, EntryKind, LedgerEntry


def _entries(as_of, loans):
    qs = LedgerEntry.objects.filter(value_date__lte=as_of or dt.date.max)
    if loans is not None:
        qs = qs.filter(loan_id__in=list(loans))
    return qs


def paid_by_loan(as_of=None, loans=None) -> dict[int, Decimal]:
    """Money received, less the reversals of it dated by ``as_of``."""
    out: dict[int, Decimal] = defaultdict(Decimal)
    paid = _entries(as_of, loans).filter(kind__in=PAYMENT_KINDS)
    for row in paid.values("loan_id").annotate(total=Sum("amount")):
        out[row["loan_id"]] += row["total"]
    reversed_ = _entries(as_of, loans).filter(
        kind=EntryKind.REVERSAL, reversed_kind__in=PAYMENT_KINDS
    )
    for row in reversed_.values("loan_id").annotate(total=Sum("amount")):
        out[row["loan_id"]] -= row["total"]
    return dict(out)


def paid_total(as_of=None, loans=None) -> Decimal:
    return sum(paid_by_loan(as_of, loans).values(), Decimal("0.00"))


def balances(as_of=None, loans=None) -> dict[int, Decimal]:
    rows = _entries(as_of, loans).values("loan_id").annotate(total=Sum("debt_delta"))
    return {row["loan_id"]: row["total"] for row in rows}


def statuses_on(day, loans=None) -> dict[int, str]:
    """From the dated ledger entries: paid out, handed over (not taken back), written off
    (not reversed), repaid (nothing owed)."""
    entries = _entries(day, loans)
    net: dict[tuple[int, str], int] = defaultdict(int)
    kinds = [EntryKind.DISBURSEMENT, EntryKind.COLLECTION_TRANSFER, EntryKind.WRITE_OFF]
    for loan_id, kind, reversed_kind in entries.filter(
        Q(kind__in=kinds) | Q(kind=EntryKind.REVERSAL, reversed_kind__in=kinds)
    ).values_list("loan_id", "kind", "reversed_kind"):
        if kind == EntryKind.REVERSAL:
            net[(loan_id, reversed_kind)] -= 1
        else:
            net[(loan_id, kind)] += 1
    owed = balances(day, loans)
    out = {}
    for (loan_id, kind), n in net.items():
        if kind != EntryKind.DISBURSEMENT or n <= 0:
            continue
        if net.get((loan_id, EntryKind.WRITE_OFF), 0) > 0:
            out[loan_id] = "written_off"
        elif net.get((loan_id, EntryKind.COLLECTION_TRANSFER), 0) > 0:
            out[loan_id] = "in_collection"
        elif owed.get(loan_id, Decimal(0)) <= 0:
            out[loan_id] = "repaid"
        else:
            out[loan_id] = "active"
    return out
