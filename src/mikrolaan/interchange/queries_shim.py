"""TODO(core): delete this module at merge — a stand-in for ``mikrolaan.loans.queries``.

The lead's ``loans.queries`` (issue 10, item 3) is the one ledger query API; until it is on
``main`` the modules of this branch import it as

    try:
        from mikrolaan.loans import queries
    except ImportError:  # TODO(core)
        from mikrolaan.interchange import queries_shim as queries

so they run the same before and after the merge. Only the names they use are here, with the
definitions the API promises.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Sum

from mikrolaan.loans.models import PAYMENT_KINDS, LedgerEntry

ZERO = Decimal("0.00")


def _kr(value) -> Decimal:
    """On SQLite sums of decimals come back as floats: two places make them exact again."""
    return ZERO if value is None else Decimal(value).quantize(ZERO)


def _of(entries, loans):
    if loans is None:
        return entries
    if hasattr(loans, "model"):  # a Loan queryset
        return entries.filter(loan__in=loans)
    return entries.filter(loan_id__in=list(loans))


def effective_payments(as_of: dt.date | None = None, loans=None):
    """Money received from the borrower with value date ≤ ``as_of``, less what a reversal
    dated ≤ ``as_of`` took back."""
    entries = LedgerEntry.objects.filter(kind__in=PAYMENT_KINDS)
    if as_of is None:
        entries = entries.filter(reversed_by__isnull=True)
    else:
        entries = entries.filter(value_date__lte=as_of).exclude(reversed_by__value_date__lte=as_of)
    return _of(entries, loans)


def paid_by_loan(as_of: dt.date | None = None, loans=None) -> dict[int, Decimal]:
    return {
        row["loan_id"]: _kr(row["total"])
        for row in effective_payments(as_of, loans)
        .order_by()
        .values("loan_id")
        .annotate(total=Sum("amount"))
    }


def balances(as_of: dt.date | None = None, loans=None) -> dict[int, Decimal]:
    """What each borrower owes: the sum of the entries' effects by value date."""
    entries = LedgerEntry.objects.all()
    if as_of is not None:
        entries = entries.filter(value_date__lte=as_of)
    rows = _of(entries, loans).order_by().values("loan_id").annotate(total=Sum("debt_delta"))
    return {row["loan_id"]: _kr(row["total"]) for row in rows}
