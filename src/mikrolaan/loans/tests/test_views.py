import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from mikrolaan.audit.models import AuditRecord
from mikrolaan.cases.page import actions_for, sections_for
from mikrolaan.loans.models import LoanStatus
from mikrolaan.loans.tests.factories import (
    disbursed_loan,
    granted_decision,
    granted_loan,
    ready_for_payout,
)

pytestmark = pytest.mark.django_db


def test_loan_list_and_page_for_the_finance_clerk(client, finance_clerk):
    loan = disbursed_loan(amount=Decimal("8400.00"))
    client.force_login(finance_clerk)
    listing = client.get(reverse("loans:list"))
    assert listing.status_code == 200 and loan.loan_ref in listing.content.decode()
    page = client.get(reverse("loans:detail", args=[loan.pk]), {"as_of": "2013-06-10"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="plan"' in html and 'data-testid="ledger"' in html
    assert AuditRecord.objects.filter(action="read", citizen=loan.citizen).exists()


@pytest.mark.parametrize("role", ["evaluator", "job_consultant"])
def test_roles_without_loan_access_are_refused(client, role, request):
    loan = disbursed_loan()
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("loans:list")).status_code == 403
    assert client.get(reverse("loans:detail", args=[loan.pk])).status_code == 403


def test_payout_through_the_page(client, finance_clerk, django_capture_on_commit_callbacks):
    loan = granted_loan(amount=Decimal("12000.00"))
    client.force_login(finance_clerk)
    refused = client.post(
        reverse("loans:payout", args=[loan.pk]),
        {"paid_on": "2013-03-20", "deferral_months": "0", "deferral_reason": ""},
    )
    assert refused.status_code == 400 and "raskmeldt" in refused.content.decode()
    loan.refresh_from_db()
    assert loan.status == LoanStatus.GRANTED and not loan.entries.exists()
    ready_for_payout(loan, on=dt.date(2013, 3, 20))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("loans:payout", args=[loan.pk]),
            {"paid_on": "2013-03-20", "deferral_months": "0", "deferral_reason": ""},
        )
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE and loan.disbursed_on == dt.date(2013, 3, 20)


def test_a_deferral_without_reason_is_refused_and_nothing_changes(client, finance_clerk):
    loan = granted_loan()
    client.force_login(finance_clerk)
    response = client.post(
        reverse("loans:payout", args=[loan.pk]),
        {"paid_on": "2013-03-20", "deferral_months": "6", "deferral_reason": ""},
    )
    assert response.status_code == 400
    loan.refresh_from_db()
    assert loan.status == LoanStatus.GRANTED


def test_payment_and_reversal_through_the_page(client, finance_clerk):
    loan = disbursed_loan(amount=Decimal("8400.00"))
    client.force_login(finance_clerk)
    client.post(
        reverse("loans:payment", args=[loan.pk]),
        {"amount": "100.00", "paid_on": "2013-04-02", "note": ""},
    )
    entry = loan.entries.get(kind="repayment")
    response = client.post(reverse("loans:reverse", args=[loan.pk, entry.pk]), {"reason": ""})
    assert response.status_code == 400
    response = client.post(
        reverse("loans:reverse", args=[loan.pk, entry.pk]), {"reason": "Forkert lån"}
    )
    assert response.status_code == 302
    assert loan.entries.filter(kind="reversal", reverses=entry).exists()


def test_fund_page_and_policy_pages(client, manager):
    disbursed_loan(amount=Decimal("8400.00"))
    client.force_login(manager)
    fund = client.get(reverse("loans:fund"), {"as_of": "2014-01-01"})
    assert fund.status_code == 200 and 'data-testid="ageing"' in fund.content.decode()
    assert client.get(reverse("policy:list")).status_code == 200
    assert client.get(reverse("policy:new")).status_code == 200


def test_the_case_page_shows_the_loan_or_offers_to_set_it_up(project_leader):
    decision = granted_decision()
    set_up = reverse("loans:set_up", args=[decision.pk])
    (action,) = [a for a in actions_for(decision.case, project_leader) if a["url"] == set_up]
    assert not [
        s
        for s in sections_for(decision.case, project_leader)
        if s["template"] == "loans/case_section.html"
    ]


def test_set_up_loan_from_the_case_action(client, project_leader):
    decision = granted_decision()
    client.force_login(project_leader)
    confirm = client.get(reverse("loans:set_up", args=[decision.pk]))
    assert confirm.status_code == 200 and decision.case.loans.count() == 0
    response = client.post(reverse("loans:set_up", args=[decision.pk]))
    assert response.status_code == 302
    assert decision.case.loans.count() == 1
    set_up = reverse("loans:set_up", args=[decision.pk])
    assert not [a for a in actions_for(decision.case, project_leader) if a["url"] == set_up]
    assert [
        s
        for s in sections_for(decision.case, project_leader)
        if s["template"] == "loans/case_section.html"
    ]


def test_the_deferral_form_offers_24_consecutive_months(client, project_leader):
    """Stepping 32 days at a time skipped a month now and then (09/2028 was missing)."""
    today = timezone.localdate()
    loan = disbursed_loan(paid_on=today - dt.timedelta(days=20))
    client.force_login(project_leader)
    html = client.get(reverse("loans:detail", args=[loan.pk])).content.decode()
    offered = re.findall(r'<option value="(\d{4})-(\d{2})-01"', html)
    months = [int(y) * 12 + int(m) - 1 for y, m in offered]
    assert len(months) == 24
    assert months == list(range(months[0], months[0] + 24))
