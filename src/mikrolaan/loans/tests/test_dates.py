"""Payments and deferrals entered by hand: not after today, not before the payout (issue 9)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from mikrolaan.loans import services
from mikrolaan.loans.tests.factories import disbursed_loan

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PAID_OUT = dt.date(2013, 3, 15)


def test_a_payment_is_not_after_today_nor_before_the_payout(finance_clerk):
    loan = disbursed_loan(paid_on=PAID_OUT)
    entries = loan.entries.count()
    for day in (TODAY + dt.timedelta(days=1), PAID_OUT - dt.timedelta(days=1)):
        with pytest.raises(services.LoanError) as err:
            services.register_payment(
                loan, amount=Decimal("100.00"), paid_on=day, acting_user=finance_clerk
            )
        assert err.value.field == "paid_on"
    assert loan.entries.count() == entries
    services.register_payment(
        loan, amount=Decimal("100.00"), paid_on=PAID_OUT, acting_user=finance_clerk
    )
    assert loan.entries.count() > entries


def test_a_deferral_is_not_decided_in_the_future(project_leader):
    loan = disbursed_loan(paid_on=PAID_OUT)
    with pytest.raises(services.LoanError) as err:
        services.grant_deferral(
            loan,
            months=3,
            reason="Sygdom",
            decided_on=TODAY + dt.timedelta(days=10),
            acting_user=project_leader,
            send_letters=False,
        )
    assert err.value.field == "decided_on"
    assert not loan.deferrals.filter(at_start=False).exists()


def test_the_payment_form_shows_the_rule_on_the_field(client, finance_clerk):
    loan = disbursed_loan(paid_on=PAID_OUT)
    client.force_login(finance_clerk)
    response = client.post(
        reverse("loans:payment", args=[loan.pk]),
        {"amount": "100.00", "paid_on": (TODAY + dt.timedelta(days=2)).isoformat(), "note": ""},
    )
    assert response.status_code == 400
    form = response.context["payment_form"]
    assert "En indbetaling kan ikke dateres i fremtiden" in form.errors["paid_on"][0]
    assert "En indbetaling kan ikke dateres i fremtiden" in response.content.decode()


def test_a_payout_is_not_in_the_future_nor_before_the_main_course_starts(project_leader):
    from mikrolaan.loans.tests.factories import granted_loan, ready_for_payout

    start = PAID_OUT + dt.timedelta(days=10)
    loan = ready_for_payout(granted_loan(decided_on=PAID_OUT), on=start)
    for day in (TODAY + dt.timedelta(days=1), start - dt.timedelta(days=1)):
        with pytest.raises(services.LoanError) as err:
            services.record_payout(
                loan, paid_on=day, acting_user=project_leader, send_letters=False
            )
        assert err.value.field == "paid_on"
    assert "hovedforløbets start" in str(err.value)
    loan.refresh_from_db()
    assert loan.disbursed_on is None
    services.record_payout(loan, paid_on=start, acting_user=project_leader, send_letters=False)
