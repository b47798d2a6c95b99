"""The next step on the case, loan and start pages; the approval page's basis and refusal."""

import datetime as dt

import pytest
from django.urls import reverse

from mikrolaan.decisions.models import GrantRefusal
from mikrolaan.decisions.services import approve_grant
from mikrolaan.decisions.tests.factories import DAY, green_decision
from mikrolaan.loans.tests.factories import granted_loan, ready_for_payout

pytestmark = pytest.mark.django_db


def test_after_one_approval_the_pages_say_which_approval_is_missing(
    client, project_leader, benefits_caseworker
):
    decision = green_decision(project_leader)
    approve_grant(decision, approved_on=DAY, note="Planen er solid.", acting_user=project_leader)
    case_url = reverse("cases:detail", args=[decision.case.pk])

    client.force_login(project_leader)
    page = client.get(case_url).content.decode()
    assert 'data-step="approve"' in page
    assert "Én godkendelse er givet" in page
    assert "mangler: ydelsessagsbehandler" in page
    assert 'data-testid="next-step-not-you"' in page
    assert "1 godkendelse er givet; afventer godkendelse fra en ydelsessagsbehandler" in page

    client.force_login(benefits_caseworker)
    page = client.get(case_url).content.decode()
    approve_url = reverse("decisions:approve", args=[decision.pk])
    assert f'href="{approve_url}" data-testid="next-step-action"' in page
    home = client.get("/").content.decode()
    assert 'data-testid="panel-next-steps"' in home
    assert approve_url in home

    page = client.get(approve_url).content.decode()
    assert 'data-testid="basis-three-ps"' in page
    assert "Motiveret og vedholdende." in page  # the person's reasons
    assert 'data-testid="basis-budget"' in page
    assert "Planen er solid." in page  # the first approver's reasons
    assert 'data-testid="refuse"' in page


def test_refusing_needs_a_reason_and_an_approver(
    client, project_leader, benefits_caseworker, finance_clerk
):
    decision = green_decision(project_leader)
    approve_grant(decision, approved_on=DAY, acting_user=project_leader)
    url = reverse("decisions:refuse", args=[decision.pk])

    client.force_login(finance_clerk)
    assert client.post(url, {"reason": "Nej"}).status_code == 403
    client.force_login(benefits_caseworker)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert not GrantRefusal.objects.exists()
    response = client.post(url, {"reason": "Forsørgelsen er ikke afklaret."})
    assert response.status_code == 302
    refusal = GrantRefusal.objects.get()
    assert (refusal.role, refusal.recorded_by) == ("benefits_caseworker", benefits_caseworker)

    client.force_login(project_leader)
    page = client.get(reverse("cases:detail", args=[decision.case.pk])).content.decode()
    assert 'data-step="decide-again"' in page
    assert "Forsørgelsen er ikke afklaret." in page
    assert reverse("decisions:decide", args=[decision.case.pk]) in page


def test_ready_for_payout_names_the_finance_clerk_and_links_case_and_loan(
    client, project_leader, finance_clerk
):
    loan = granted_loan(project_leader=project_leader)
    ready_for_payout(loan, on=dt.date(2013, 3, 10))
    case_url = reverse("cases:detail", args=[loan.case.pk])
    loan_url = reverse("loans:detail", args=[loan.pk])

    client.force_login(project_leader)
    page = client.get(case_url).content.decode()
    assert "Klar til udbetaling: en debitorsagsbehandler udbetaler lånet" in page
    assert "det udføres af en debitorsagsbehandler" in page
    assert 'data-testid="next-step-action"' not in page
    assert f'href="{loan_url}"' in page  # case → loan
    page = client.get(loan_url).content.decode()
    assert f'href="{case_url}" data-testid="loan-case-link"' in page  # loan → case

    client.force_login(finance_clerk)
    page = client.get(loan_url).content.decode()
    assert f'href="{loan_url}#payout" data-testid="next-step-action"' in page
    assert 'id="payout"' in page


def test_a_finished_plan_says_what_comes_next(client, project_leader):
    from mikrolaan.courses.tests.factories import in_pre_course_case

    case = in_pre_course_case(project_leader=project_leader)
    client.force_login(project_leader)
    page = client.get(reverse("courses:plan", args=[case.pk])).content.decode()
    assert 'data-testid="plan-complete"' in page
    assert 'data-step="budget"' in page
    assert reverse("budgets:new", args=[case.pk]) in page


def test_a_loan_being_repaid_says_so_on_its_own_page_without_a_button_to_itself(
    client, finance_clerk
):
    from mikrolaan.loans.tests.factories import disbursed_loan

    loan = disbursed_loan()
    client.force_login(finance_clerk)
    page = client.get(reverse("loans:detail", args=[loan.pk])).content.decode()
    assert 'data-step="repayment"' in page
    assert 'data-testid="next-step-action"' not in page
    assert 'data-testid="next-step-not-you"' not in page
    page = client.get(reverse("cases:detail", args=[loan.case.pk])).content.decode()
    assert 'data-testid="next-step-action"' in page
