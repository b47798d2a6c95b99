"""On an instalment's due date the loan page and the case page show the same arrears, and a
deferral cannot take back an instalment that has fallen due (issue 9: "Restance 264,00 kr." on
the loan page, 0,00 on the case page after a deferral from the month due that day)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from mikrolaan.core.formatting import money
from mikrolaan.loans import services
from mikrolaan.loans.plan import plan_of
from mikrolaan.loans.schedule import to_kr
from mikrolaan.loans.tests.factories import disbursed_loan

pytestmark = pytest.mark.django_db
PAID_OUT = dt.date(2013, 3, 15)


def _arrears_on_both_pages(client, loan, day):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("django.utils.timezone.localdate", lambda *a: day)
        loan_page = client.get(reverse("loans:detail", args=[loan.pk])).content.decode()
        case_page = client.get(reverse("cases:detail", args=[loan.case.pk])).content.decode()
    on_loan = re.search(r'data-testid="arrears">([^<]*)<', loan_page).group(1)
    row = re.search(rf"{loan.loan_ref}</a></td>(.*?)</tr>", case_page, re.S).group(1)
    on_case = re.search(r'data-testid="case-loan-arrears">([^<]*)<', row).group(1)
    return on_loan, on_case


def test_on_the_due_date_both_pages_agree_and_that_month_is_not_deferrable(client, project_leader):
    loan = disbursed_loan(paid_on=PAID_OUT, acting_user=project_leader)
    first, second = plan_of(loan)[:2]
    day = second.due_date  # the first instalment was due earlier; the second falls due today
    services.register_payment(
        loan,
        amount=to_kr(first.amount) + Decimal("100.00"),
        paid_on=day,
        acting_user=project_leader,
    )
    owed = money(to_kr(second.amount) - Decimal("100.00"))
    client.force_login(project_leader)
    assert _arrears_on_both_pages(client, loan, day) == (owed, owed)

    offered = services.deferrable_months(loan, day)
    assert offered[0] > second.due_date.replace(day=1)  # the month due today is not offered
    with pytest.raises(services.LoanError):
        services.grant_deferral(
            loan,
            months=2,
            reason="Sæsonen er sen.",
            decided_on=day,
            acting_user=project_leader,
            first_month=second.due_date.replace(day=1),
            send_letters=False,
        )
    services.grant_deferral(
        loan,
        months=2,
        reason="Sæsonen er sen.",
        decided_on=day,
        acting_user=project_leader,
        first_month=offered[0],
        send_letters=False,
    )
    assert _arrears_on_both_pages(client, loan, day) == (owed, owed)
