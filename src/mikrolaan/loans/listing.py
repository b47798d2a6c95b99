"""The loan list: the loans a user may see, filtered in the database, a page at a time.

The filters (status, cohort, in arrears, days past due) are conditions on the loan row; the
figures shown (balance, arrears, days past due) are computed for the loans on the page only.
"""

import datetime as dt
from decimal import Decimal
from typing import Protocol, cast

from django.db.models import Q, QuerySet

from mikrolaan.loans.arrears import Arrears, arrears_for
from mikrolaan.loans.forms import DAYS_PAST_DUE_BUCKETS, Criteria
from mikrolaan.loans.models import Loan, LoanStatus


class Listed(Protocol):
    """A loan of a list page as the page reads it: the figures ``with_figures`` gives it."""

    owed: Decimal
    arrears: Arrears | None


def filter_loans(loans: QuerySet[Loan], criteria: Criteria, today: dt.date) -> QuerySet[Loan]:
    """``loans`` narrowed by the list's filters (``LoanFilterForm.criteria``)."""
    if criteria.get("status"):
        loans = loans.filter(status=criteria["status"])
    if criteria.get("cohort"):
        loans = loans.filter(cohort=criteria["cohort"])
    arrears, days = criteria.get("arrears"), criteria.get("days")
    if not (arrears or days):
        return loans
    # A loan is in arrears on ``today`` when its oldest unpaid instalment fell due by then
    # (``loans.kept``); its days past due are the days since. Written off or repaid: not.
    in_arrears = Q(
        oldest_unpaid_due__lte=today, status__in=[LoanStatus.ACTIVE, LoanStatus.IN_COLLECTION]
    )
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


def with_figures(loans: list[Loan], today: dt.date) -> list[Loan]:
    """Give each loan of a page ``owed`` (its balance) and ``arrears`` (or None): attributes
    of these instances only, not fields (``Listed``)."""
    arrears = arrears_for(today, [loan.pk for loan in loans if loan.disbursed_on])
    for loan in loans:
        listed = cast(Listed, loan)
        listed.owed = loan.balance  # kept by the posting (``loans.kept``)
        listed.arrears = arrears.get(loan.pk)
    return loans
