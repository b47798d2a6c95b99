"""The loan list: the loans a user may see, filtered in the database, a page at a time.

The filters (status, cohort, in arrears, days past due) are conditions on the loan row; the
figures shown (balance, arrears, days past due) are computed for the loans on the page only.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Q, Sum

from mikrolaan.loans.arrears import arrears_for
from mikrolaan.loans.forms import DAYS_PAST_DUE_BUCKETS
from mikrolaan.loans.models import LedgerEntry, Loan


def _kept_arrears() -> bool:
    # TODO(core): the lead's loan core keeps Loan.oldest_unpaid_due and Loan.balance; once it
    # is merged, this is always true and the fallbacks below go.
    return any(field.name == "oldest_unpaid_due" for field in Loan._meta.concrete_fields)


def filter_loans(loans, criteria: dict, today: dt.date):
    """``loans`` narrowed by the list's filters (``LoanFilterForm.criteria``)."""
    if criteria.get("status"):
        loans = loans.filter(status=criteria["status"])
    if criteria.get("cohort"):
        loans = loans.filter(cohort=criteria["cohort"])
    arrears, days = criteria.get("arrears"), criteria.get("days")
    if not (arrears or days):
        return loans
    if not _kept_arrears():
        return _filter_by_arrears_fallback(loans, arrears, days, today)
    # A loan is in arrears on ``today`` when its oldest unpaid instalment fell due by then;
    # its days past due are the days since.
    in_arrears = Q(oldest_unpaid_due__lte=today)
    if arrears == "yes":
        loans = loans.filter(in_arrears)
    elif arrears == "no":
        loans = loans.exclude(in_arrears)
    if days:
        low, high = DAYS_PAST_DUE_BUCKETS[days]
        loans = loans.filter(oldest_unpaid_due__lte=today - dt.timedelta(days=low))
        if high is not None:
            loans = loans.filter(oldest_unpaid_due__gte=today - dt.timedelta(days=high))
    return loans


def _filter_by_arrears_fallback(loans, arrears, days, today):
    # TODO(core): portfolio-wide arrears until Loan.oldest_unpaid_due exists.
    figures = arrears_for(
        today, list(loans.filter(disbursed_on__isnull=False).values_list("pk", flat=True))
    )
    late = {pk: a.days_past_due for pk, a in figures.items() if a.arrears > 0}
    if arrears == "yes":
        loans = loans.filter(pk__in=list(late))
    elif arrears == "no":
        loans = loans.exclude(pk__in=list(late))
    if days:
        low, high = DAYS_PAST_DUE_BUCKETS[days]
        ids = [pk for pk, n in late.items() if n >= low and (high is None or n <= high)]
        loans = loans.filter(pk__in=ids)
    return loans


def with_figures(loans: list, today: dt.date) -> list:
    """Give each loan of a page ``owed`` (its balance) and ``arrears`` (or None)."""
    arrears = arrears_for(today, [loan.pk for loan in loans if loan.disbursed_on])
    if _kept_arrears():
        owed = {loan.pk: loan.balance for loan in loans}
    else:  # TODO(core): Loan.balance
        owed = dict(
            LedgerEntry.objects.filter(loan__in=[loan.pk for loan in loans])
            .values("loan")
            .annotate(total=Sum("debt_delta"))
            .values_list("loan", "total")
        )
    for loan in loans:
        loan.owed = owed.get(loan.pk) or Decimal("0.00")
        loan.arrears = arrears.get(loan.pk)
    return loans
