"""Demo: a borrower's request from the citizen's own page, answered by the project leader.

Jonas Lund (from the ``servicing`` demo) asked on his page to pay 200 kr. extra a month, and
the project leader agreed; the request, its done task and the answer show on his page, on
the project leader's task list and on the case's timeline. Citizens sign in with MitID, so
on a demo the pages need a provider (docs/sign-in.md: "Trying the citizen's pages").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from mikrolaan.accounts.roles import Role
from mikrolaan.loans.models import Loan, LoanStatus
from mikrolaan.selfservice.models import LoanRequest, Outcome, RequestKind
from mikrolaan.selfservice.requests import answer_request, submit_request

DEMO_BORROWER_CPR = "2911802468"  # Jonas Lund in the servicing demo


def populate(ctx) -> None:
    loan = Loan.objects.filter(citizen__cpr=DEMO_BORROWER_CPR, status=LoanStatus.ACTIVE).first()
    if loan is None or LoanRequest.objects.filter(loan=loan).exists():
        return
    asked = submit_request(
        loan.citizen,
        loan,
        kind=RequestKind.EXTRA_PAYMENT,
        monthly_amount=Decimal("200.00"),
        message="Værkstedet har fået faste kunder, så jeg vil gerne betale lånet hurtigere af.",
        on=ctx.today - dt.timedelta(days=3),
    )
    answer_request(
        asked,
        outcome=Outcome.GRANTED,
        answer=(
            "Det er aftalt: betal 200 kr. ekstra hver måned med dit betalings-id. Det ekstra "
            "betaler de sidste afdrag, så du bliver færdig før."
        ),
        on=ctx.today - dt.timedelta(days=1),
        acting_user=ctx.user(Role.PROJECT_LEADER),
    )
