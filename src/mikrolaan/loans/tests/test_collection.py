"""Debt collection and closing a loan: taking a claim back, repaid through the collector,
write-off and refund of an overpayment — the services and the loan page's actions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from mikrolaan.audit.models import AuditRecord
from mikrolaan.cases.models import CaseEvent
from mikrolaan.loans import ledger, lifecycle, services
from mikrolaan.loans.models import (
    EntryKind,
    EntrySource,
    LedgerEntry,
    LoanStatus,
    Overpayment,
    OverpaymentRefund,
)
from mikrolaan.loans.tests.factories import disbursed_loan

pytestmark = pytest.mark.django_db

PAID_ON = dt.date(2013, 3, 15)
HANDED_OVER = dt.date(2013, 6, 1)


def _in_collection(amount=Decimal("8400.00")):
    loan = disbursed_loan(paid_on=PAID_ON, amount=amount)
    user = loan.decision.recorded_by
    return services.transfer_to_collection(
        loan, on=HANDED_OVER, reason="Overdraget", acting_user=user
    ), user


def _collector_payment(loan, amount, day, ref, user, *, follow=True):
    """As the collector's file is read (``servicing.handover``): posted, then the life cycle
    follows the balance (``follow=False``: only the posting)."""
    received = ledger.receive_payment(
        loan,
        Decimal(amount),
        day,
        acting_user=user,
        kind=EntryKind.COLLECTOR_PAYMENT,
        source=EntrySource.COLLECTOR,
        external_id=ref,
    )
    if follow:
        lifecycle.follow_balance(loan, on=day, acting_user=user)
    return received


# --- taking a loan back from collection ---------------------------------------------------


def test_take_back_reverses_the_transfer_and_the_loan_is_being_repaid_again(finance_clerk):
    loan, _user = _in_collection()
    on = dt.date(2013, 6, 20)
    services.take_back_from_collection(
        loan, on=on, reason="Afvist: CPR ukendt", acting_user=finance_clerk
    )
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE
    assert loan.collection_transferred_on is None
    transfer = LedgerEntry.objects.get(loan=loan, kind=EntryKind.COLLECTION_TRANSFER)
    reversal = LedgerEntry.objects.get(loan=loan, kind=EntryKind.REVERSAL)
    # The transfer stays in the history; the take-back is its reversal (no effect on the debt).
    assert reversal.reverses == transfer and reversal.value_date == on
    assert reversal.amount == transfer.amount and reversal.debt_delta == 0
    assert ledger.balance(loan) == Decimal("8400.00")
    event = CaseEvent.objects.get(case=loan.case, kind="loan_back_from_collection")
    assert event.why == "Afvist: CPR ukendt"
    assert AuditRecord.objects.filter(
        user=finance_clerk, citizen=loan.citizen, what__contains="taken back"
    ).exists()


def test_take_back_of_a_loan_the_collector_has_paid_off_is_repaid(finance_clerk):
    """A loan whose balance is 0 when it comes back is repaid (the balance decides)."""
    loan, user = _in_collection(amount=Decimal("1000.00"))
    # In collection but owing nothing (posted; the life cycle not yet told):
    _collector_payment(loan, "1000.00", dt.date(2013, 6, 10), "GS-1", user, follow=False)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.IN_COLLECTION and loan.balance == 0
    services.take_back_from_collection(
        loan, on=dt.date(2013, 6, 20), reason="Afvist", acting_user=finance_clerk
    )
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REPAID and loan.collection_transferred_on is None


def test_take_back_is_refused_without_a_reason_or_for_a_loan_not_in_collection(finance_clerk):
    loan, _user = _in_collection()
    with pytest.raises(services.LoanError):
        services.take_back_from_collection(
            loan, on=dt.date(2013, 6, 20), reason="  ", acting_user=finance_clerk
        )
    with pytest.raises(services.LoanError):
        services.take_back_from_collection(
            loan, on=HANDED_OVER - dt.timedelta(days=1), reason="Afvist", acting_user=finance_clerk
        )
    loan.refresh_from_db()
    assert loan.status == LoanStatus.IN_COLLECTION and loan.collection_transferred_on
    assert not LedgerEntry.objects.filter(loan=loan, kind=EntryKind.REVERSAL).exists()
    active = disbursed_loan(paid_on=PAID_ON)
    with pytest.raises(services.LoanError):
        services.take_back_from_collection(
            active, on=dt.date(2013, 6, 20), reason="Afvist", acting_user=finance_clerk
        )


def test_the_transfer_is_not_reversed_on_its_own(finance_clerk):
    """Only the take-back reverses a collection transfer (it also returns the loan)."""
    loan, _user = _in_collection()
    transfer = LedgerEntry.objects.get(loan=loan, kind=EntryKind.COLLECTION_TRANSFER)
    with pytest.raises(services.LoanError):
        services.reverse_entry(
            transfer, reason="Fejl", on=dt.date(2013, 6, 20), acting_user=finance_clerk
        )
    assert not LedgerEntry.objects.filter(loan=loan, kind=EntryKind.REVERSAL).exists()


def test_a_loan_taken_back_can_be_handed_over_again(finance_clerk):
    loan, _user = _in_collection()
    services.take_back_from_collection(
        loan, on=dt.date(2013, 6, 20), reason="Afvist", acting_user=finance_clerk
    )
    again = dt.date(2013, 9, 1)
    services.transfer_to_collection(loan, on=again, reason="Igen", acting_user=finance_clerk)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.IN_COLLECTION and loan.collection_transferred_on == again
    assert LedgerEntry.objects.filter(loan=loan, kind=EntryKind.COLLECTION_TRANSFER).count() == 2


# --- repaid through the collector --------------------------------------------------------


def test_collector_payments_that_clear_the_balance_make_the_loan_repaid(finance_clerk):
    loan, user = _in_collection(amount=Decimal("1000.00"))
    _collector_payment(loan, "400.00", dt.date(2013, 6, 10), "GS-1", user)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.IN_COLLECTION
    _collector_payment(loan, "700.00", dt.date(2013, 7, 10), "GS-2", user)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REPAID and ledger.balance(loan) == 0
    assert Overpayment.objects.get(loan=loan).amount == Decimal("100.00")
    assert CaseEvent.objects.filter(case=loan.case, kind="loan_repaid").count() == 1
    # A reversal of a collector payment puts the loan back with the collector, not active.
    payment = LedgerEntry.objects.get(loan=loan, external_id="GS-2")
    services.reverse_entry(
        payment, reason="Fejlindbetaling", on=dt.date(2013, 7, 12), acting_user=finance_clerk
    )
    loan.refresh_from_db()
    assert loan.status == LoanStatus.IN_COLLECTION


def test_bulk_transitions_follow_the_same_table_and_write_no_status_elsewhere(finance_clerk):
    loan, user = _in_collection(amount=Decimal("1000.00"))
    _collector_payment(loan, "1000.00", dt.date(2013, 6, 10), "GS-1", user, follow=False)
    other, _ = _in_collection(amount=Decimal("2000.00"))
    written = lifecycle.bulk_transitions(
        [(loan.pk, LoanStatus.REPAID, dt.date(2013, 6, 10))], acting_user=None, why="Import"
    )
    loan.refresh_from_db()
    other.refresh_from_db()
    assert written == 1 and loan.status == LoanStatus.REPAID
    assert other.status == LoanStatus.IN_COLLECTION
    with pytest.raises(lifecycle.TransitionError):  # repaid -> written off is not a transition
        lifecycle.bulk_transitions(
            [(loan.pk, LoanStatus.WRITTEN_OFF, dt.date(2013, 7, 1))], acting_user=None, why="x"
        )


# --- write-off and refund ----------------------------------------------------------------


def test_write_off_writes_off_the_balance_and_is_not_taken_for_repaid(finance_clerk):
    loan = disbursed_loan(paid_on=PAID_ON, amount=Decimal("8400.00"))
    services.register_payment(
        loan, amount=Decimal("400.00"), paid_on=dt.date(2013, 4, 2), acting_user=finance_clerk
    )
    services.write_off(loan, on=dt.date(2014, 1, 10), reason="Konkurs", acting_user=finance_clerk)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.WRITTEN_OFF
    entry = LedgerEntry.objects.get(loan=loan, kind=EntryKind.WRITE_OFF)
    assert entry.amount == Decimal("8000.00") and ledger.balance(loan) == 0
    kinds = set(CaseEvent.objects.filter(case=loan.case).values_list("kind", flat=True))
    assert "loan_written_off" in kinds and "loan_repaid" not in kinds
    with pytest.raises(services.LoanError):
        services.write_off(loan, on=dt.date(2014, 1, 11), reason="Igen", acting_user=finance_clerk)


def test_a_write_off_counts_as_of_its_date_until_its_reversal_is_dated(finance_clerk):
    from mikrolaan.loans import queries

    loan = disbursed_loan(paid_on=PAID_ON, amount=Decimal("8400.00"))
    other = disbursed_loan(paid_on=PAID_ON, amount=Decimal("8400.00"))
    services.write_off(loan, on=dt.date(2014, 1, 10), reason="Konkurs", acting_user=finance_clerk)
    entry = LedgerEntry.objects.get(loan=loan, kind=EntryKind.WRITE_OFF)
    services.reverse_entry(entry, reason="Fejl", on=dt.date(2014, 3, 1), acting_user=finance_clerk)
    net = queries.net_by_loan
    assert net(EntryKind.WRITE_OFF, dt.date(2014, 1, 9)) == {}
    assert net(EntryKind.WRITE_OFF, dt.date(2014, 2, 1)) == {loan.pk: Decimal("8400.00")}
    assert net(EntryKind.WRITE_OFF, dt.date(2014, 3, 1)) == {loan.pk: Decimal("0.00")}
    assert net(EntryKind.WRITE_OFF, None, [other.pk]) == {}
    # The same rule as the portfolio's totals by kind.
    assert queries.totals_by_kind(dt.date(2014, 2, 1))[EntryKind.WRITE_OFF] == Decimal("8400.00")
    assert net(EntryKind.DISBURSEMENT) == {
        loan.pk: Decimal("8400.00"),
        other.pk: Decimal("8400.00"),
    }


def test_a_refund_needs_a_reason_and_happens_once(finance_clerk):
    loan = disbursed_loan(paid_on=PAID_ON, amount=Decimal("1000.00"))
    received = services.register_payment(
        loan, amount=Decimal("1200.00"), paid_on=dt.date(2013, 4, 2), acting_user=finance_clerk
    )
    over = received.overpayment
    with pytest.raises(services.LoanError):
        services.refund_overpayment(
            over, refunded_on=dt.date(2013, 4, 5), note=" ", acting_user=finance_clerk
        )
    with pytest.raises(services.LoanError):
        services.refund_overpayment(
            over, refunded_on=dt.date(2013, 4, 1), note="Retur", acting_user=finance_clerk
        )
    assert not OverpaymentRefund.objects.exists()
    services.refund_overpayment(
        over, refunded_on=dt.date(2013, 4, 5), note="Retur til NemKonto", acting_user=finance_clerk
    )
    assert OverpaymentRefund.objects.get().note == "Retur til NemKonto"
    assert CaseEvent.objects.filter(case=loan.case, kind="loan_overpayment_refunded").exists()


# --- the loan page's actions -------------------------------------------------------------


def _page(client, loan):
    return client.get(reverse("loans:detail", args=[loan.pk])).content.decode()


def test_the_write_off_action_is_offered_to_the_clerk_only_while_something_is_owed(
    client, finance_clerk, project_leader
):
    loan = disbursed_loan(paid_on=PAID_ON, amount=Decimal("8400.00"))
    client.force_login(project_leader)
    assert 'data-testid="write-off-form"' not in _page(client, loan)
    assert (
        client.post(
            reverse("loans:write_off", args=[loan.pk]), {"reason": "x", "confirm": "on"}
        ).status_code
        == 403
    )
    client.force_login(finance_clerk)
    html = _page(client, loan)
    assert 'data-testid="write-off-form"' in html and "8.400,00" in html
    # Without the confirmation nothing happens.
    refused = client.post(reverse("loans:write_off", args=[loan.pk]), {"reason": "Konkurs"})
    assert refused.status_code == 400
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE
    done = client.post(
        reverse("loans:write_off", args=[loan.pk]), {"reason": "Konkurs", "confirm": "on"}
    )
    assert done.status_code == 302
    loan.refresh_from_db()
    assert loan.status == LoanStatus.WRITTEN_OFF
    assert LedgerEntry.objects.get(loan=loan, kind=EntryKind.WRITE_OFF).why == "Konkurs"
    assert 'data-testid="write-off-form"' not in _page(client, loan)


def test_a_repaid_loan_offers_no_write_off(client, finance_clerk):
    loan = disbursed_loan(paid_on=PAID_ON, amount=Decimal("1000.00"))
    services.register_payment(
        loan, amount=Decimal("1000.00"), paid_on=dt.date(2013, 4, 2), acting_user=finance_clerk
    )
    client.force_login(finance_clerk)
    assert 'data-testid="write-off-form"' not in _page(client, loan)
    refused = client.post(
        reverse("loans:write_off", args=[loan.pk]), {"reason": "Konkurs", "confirm": "on"}
    )
    assert refused.status_code == 400
    assert not LedgerEntry.objects.filter(loan=loan, kind=EntryKind.WRITE_OFF).exists()


def test_refund_of_a_held_overpayment_through_the_loan_page(client, finance_clerk):
    loan = disbursed_loan(paid_on=PAID_ON, amount=Decimal("1000.00"))
    client.force_login(finance_clerk)
    assert 'data-testid="refunds"' not in _page(client, loan)
    received = services.register_payment(
        loan, amount=Decimal("1250.00"), paid_on=dt.date(2013, 4, 2), acting_user=finance_clerk
    )
    over = received.overpayment
    html = _page(client, loan)
    assert 'data-testid="refunds"' in html and "250,00" in html
    url = reverse("loans:refund", args=[loan.pk, over.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert not OverpaymentRefund.objects.exists()
    assert client.post(url, {"reason": "Betalt for meget"}).status_code == 302
    assert OverpaymentRefund.objects.get(overpayment=over).note == "Betalt for meget"
    assert 'data-testid="refunds"' not in _page(client, loan)
    # Twice is refused.
    assert client.post(url, {"reason": "Igen"}).status_code == 400
    assert OverpaymentRefund.objects.count() == 1


# --- the life cycle read back: reinstated, and the fund on a date inside a collection period ---


def test_reversing_a_write_off_reinstates_the_loan_where_it_was(finance_clerk):
    loan, user = _in_collection(amount=Decimal("1000.00"))
    services.write_off(loan, on=dt.date(2013, 9, 1), reason="Konkurs", acting_user=user)
    entry = LedgerEntry.objects.get(loan=loan, kind=EntryKind.WRITE_OFF)
    services.reverse_entry(
        entry, reason="Boet betaler alligevel", on=dt.date(2013, 9, 5), acting_user=finance_clerk
    )
    loan.refresh_from_db()
    assert loan.status == LoanStatus.IN_COLLECTION and loan.balance == Decimal("1000.00")
    assert CaseEvent.objects.filter(case=loan.case, kind="loan_reinstated").count() == 1
    assert list(loan.transitions.values_list("to_status", flat=True)) == [
        "granted",
        "active",
        "in_collection",
        "written_off",
        "in_collection",
    ]


def test_the_fund_on_a_date_inside_a_collection_period_counts_the_loan_taken_back_later(
    finance_clerk,
):
    from mikrolaan.loans.fund import fund_on

    loan, user = _in_collection(amount=Decimal("1000.00"))
    services.take_back_from_collection(
        loan, on=dt.date(2013, 8, 1), reason="Afvist", acting_user=finance_clerk
    )
    inside = fund_on(dt.date(2013, 7, 1))
    after = fund_on(dt.date(2013, 8, 2))
    assert inside.in_collection == Decimal("1000.00")
    assert after.in_collection == Decimal("0.00") and after.outstanding == Decimal("1000.00")
