"""The ledger's invariants: in code, and in PostgreSQL itself."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.db.models import F

from mikrolaan.core.models import AppendOnlyError
from mikrolaan.loans import ledger, lifecycle, services
from mikrolaan.loans.models import EntryKind, LedgerEntry, Loan, LoanStatus, Overpayment
from mikrolaan.loans.tests.factories import disbursed_loan

PAID_ON = dt.date(2013, 3, 15)
pytestmark = pytest.mark.django_db


@pytest.fixture
def loan():
    return disbursed_loan(paid_on=PAID_ON, amount=Decimal("10000.00"))


def user_of(loan):
    return loan.decision.recorded_by


def test_payout_is_a_disbursement_and_the_balance_is_derived(loan):
    (entry,) = loan.entries.all()
    assert (entry.kind, entry.amount, entry.debt_delta) == (
        "disbursement",
        Decimal("10000.00"),
        Decimal("10000.00"),
    )
    assert ledger.balance(loan) == Decimal("10000.00")
    assert loan.status == LoanStatus.ACTIVE


def test_entries_are_append_only(loan):
    entry = loan.entries.get()
    entry.amount = Decimal("1.00")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1.00"))


def test_a_repayment_beyond_the_balance_is_refused_by_post(loan):
    with pytest.raises(ledger.LedgerError, match="below zero"):
        ledger.post(
            loan,
            EntryKind.REPAYMENT,
            Decimal("10000.01"),
            dt.date(2013, 4, 2),
            acting_user=user_of(loan),
        )
    assert ledger.balance(loan) == Decimal("10000.00")


def test_a_back_dated_entry_cannot_make_the_past_negative(loan):
    user = user_of(loan)
    ledger.post(loan, EntryKind.FEE, Decimal("100.00"), dt.date(2014, 1, 1), acting_user=user)
    # 10,100 owed from 2014, but only 10,000 in 2013: paying 10,050 in 2013 is refused.
    with pytest.raises(ledger.LedgerError):
        ledger.post(
            loan, EntryKind.REPAYMENT, Decimal("10050.00"), dt.date(2013, 6, 1), acting_user=user
        )


def test_nothing_is_posted_before_the_payout(loan):
    with pytest.raises(ledger.LedgerError, match="before the payout"):
        ledger.post(
            loan,
            EntryKind.REPAYMENT,
            Decimal("10.00"),
            dt.date(2013, 3, 1),
            acting_user=user_of(loan),
        )


def test_money_beyond_the_balance_is_held_for_refund_not_posted(loan):
    user = user_of(loan)
    received = ledger.receive_payment(
        loan,
        Decimal("10250.00"),
        dt.date(2013, 4, 2),
        acting_user=user,
        source="bank",
        external_id="E1",
    )
    assert received.entry.amount == Decimal("10000.00")
    assert received.overpayment.amount == Decimal("250.00")
    assert ledger.balance(loan) == Decimal("0.00")
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE  # posting changes no status …
    lifecycle.follow_balance(loan, on=dt.date(2013, 4, 2), acting_user=user)
    assert loan.status == LoanStatus.REPAID  # … the life cycle follows the balance
    again = ledger.receive_payment(
        loan,
        Decimal("10250.00"),
        dt.date(2013, 4, 2),
        acting_user=user,
        source="bank",
        external_id="E1",
    )
    assert not again.created
    assert Overpayment.objects.count() == 1
    services.refund_overpayment(
        received.overpayment,
        refunded_on=dt.date(2013, 4, 10),
        note="Betalt to gange",
        acting_user=user,
    )
    with pytest.raises(services.LoanError):
        services.refund_overpayment(
            received.overpayment,
            refunded_on=dt.date(2013, 4, 10),
            note="Betalt to gange",
            acting_user=user,
        )


def test_a_correction_is_a_reversal_plus_a_new_entry_and_money_is_conserved(loan):
    user = user_of(loan)
    wrong = ledger.post(
        loan, EntryKind.REPAYMENT, Decimal("1000.00"), dt.date(2013, 4, 2), acting_user=user
    ).entry
    reversal, new = services.correct_entry(
        wrong,
        amount=Decimal("100.00"),
        value_date=dt.date(2013, 4, 2),
        reason="Tastefejl: 100 kr., ikke 1.000 kr.",
        acting_user=user,
    )
    assert reversal.reverses == wrong and reversal.debt_delta == Decimal("1000.00")
    assert new.kind == EntryKind.REPAYMENT and new.amount == Decimal("100.00")
    assert LedgerEntry.objects.filter(pk=wrong.pk, amount=Decimal("1000.00")).exists()
    # Conservation: the balance is payout minus the money that stands.
    assert ledger.balance(loan) == Decimal("9900.00")
    assert sum(e.debt_delta for e in loan.entries.all()) == Decimal("9900.00")
    with pytest.raises(ledger.LedgerError, match="already reversed"):
        ledger.post(
            loan,
            EntryKind.REVERSAL,
            Decimal("1000.00"),
            dt.date(2013, 4, 3),
            acting_user=user,
            reverses=wrong,
        )


def test_reversing_the_payout_after_repayments_is_refused(loan):
    user = user_of(loan)
    ledger.post(loan, EntryKind.REPAYMENT, Decimal("500.00"), dt.date(2013, 4, 2), acting_user=user)
    with pytest.raises(services.LoanError):
        services.reverse_entry(
            loan.entries.get(kind="disbursement"),
            reason="fejl",
            on=dt.date(2013, 5, 1),
            acting_user=user,
        )


def test_the_same_bank_entry_is_posted_once(loan):
    user = user_of(loan)
    first = ledger.post(
        loan,
        EntryKind.REPAYMENT,
        Decimal("100.00"),
        dt.date(2013, 4, 2),
        acting_user=user,
        source="bank",
        external_id="B-1",
    )
    second = ledger.post(
        loan,
        EntryKind.REPAYMENT,
        Decimal("100.00"),
        dt.date(2013, 4, 2),
        acting_user=user,
        source="bank",
        external_id="B-1",
    )
    assert first.created and not second.created
    assert ledger.balance(loan) == Decimal("9900.00")


def _raw_repayment(loan, amount: str) -> None:
    """Bypass the code: a repayment written straight to the ledger, then the commit's checks
    run at once."""
    LedgerEntry.objects.create(
        loan=loan,
        kind="repayment",
        amount=Decimal(amount),
        debt_delta=-Decimal(amount),
        value_date=dt.date(2013, 4, 2),
    )


def _check_now() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_postgresql_refuses_a_balance_below_zero_at_commit(loan, pg_only):
    # A repayment larger than the balance.
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw_repayment(loan, "20000.00")
        _check_now()
    assert ledger.balance(loan) == Decimal("10000.00")


def test_postgresql_refuses_a_kept_balance_that_is_not_the_ledgers_at_commit(loan, pg_only):
    # An entry whose effect the loan's kept balance does not follow.
    with pytest.raises(IntegrityError, match="kept balance"), transaction.atomic():
        _raw_repayment(loan, "100.00")
        _check_now()
    # With the kept balance following, the same entry is accepted.
    with transaction.atomic():
        _raw_repayment(loan, "100.00")
        Loan.objects.filter(pk=loan.pk).update(balance=F("balance") - Decimal("100.00"))
        _check_now()
    assert ledger.balance(loan) == Decimal("9900.00")


def test_the_commit_check_finds_the_one_bad_loan_among_many_statements(loan, pg_only):
    # One check per transaction (migration 0010) covers every statement's loans: a good entry
    # to one loan, then a bad one to another, is refused, and names the second.
    other = disbursed_loan(paid_on=PAID_ON, amount=Decimal("1000.00"))
    with pytest.raises(IntegrityError, match=f"loan {other.pk}: the kept"), transaction.atomic():
        _raw_repayment(loan, "100.00")
        Loan.objects.filter(pk=loan.pk).update(balance=F("balance") - Decimal("100.00"))
        _raw_repayment(other, "100.00")
        _check_now()


def test_a_check_left_behind_does_not_stand_for_a_later_transactions(loan, pg_only):
    # Rows of the notes that outlived their transaction (triggers turned off by hand) are
    # another transaction's: the next one's entries are still checked, and its notes cleared.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off
        cursor.execute("INSERT INTO loans_balance_check_due (xid) VALUES (1)")
        cursor.execute(
            "INSERT INTO loans_balance_check_loan (xid, loan_id) VALUES (1, %s)", [loan.pk]
        )
        cursor.execute("SET LOCAL session_replication_role = origin")
    with pytest.raises(IntegrityError, match="kept balance"), transaction.atomic():
        _raw_repayment(loan, "100.00")
        _check_now()
    with transaction.atomic():
        _raw_repayment(loan, "100.00")
        Loan.objects.filter(pk=loan.pk).update(balance=F("balance") - Decimal("100.00"))
        _check_now()
        with connection.cursor() as cursor:
            cursor.execute("SELECT xid FROM loans_balance_check_due")
            assert cursor.fetchall() == [(1,)]  # only the one left behind


def test_the_commit_check_sums_a_loans_balance_from_the_index_alone(loan, pg_only):
    # The balance check (migration 0010) sums each loan's entries once per transaction at
    # commit; reading them from the covering index instead of their rows keeps it cheap.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(
            "EXPLAIN SELECT COALESCE(SUM(debt_delta), 0) FROM loans_ledgerentry WHERE loan_id = %s",
            [loan.pk],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using entry_loan_day_idx" in plan, plan


def test_postgresql_refuses_updates_and_deletes(loan, pg_only):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE loans_ledgerentry SET amount = 1 WHERE loan_id = %s", [loan.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM loans_ledgerentry WHERE loan_id = %s", [loan.pk])


@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_to_one_loan(pg_only):
    loan = disbursed_loan(paid_on=PAID_ON, amount=Decimal("1000.00"))
    user = loan.decision.recorded_by
    barrier = threading.Barrier(8)
    errors = []

    def pay(n):
        try:
            barrier.wait()
            # The service: posted under the loan's lock, then the life cycle follows.
            services.register_payment(
                loan, amount=Decimal("150.00"), paid_on=dt.date(2013, 4, 2), acting_user=user
            )
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # 8 × 150 = 1,200 received for 1,000 owed: 1,000 posted, 200 held for refund.
    assert ledger.balance(loan) == Decimal("0.00")
    assert sum(o.amount for o in Overpayment.objects.filter(loan=loan)) == Decimal("200.00")
    assert LedgerEntry.objects.filter(loan=loan, kind="repayment").count() == 7
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.REPAID


def test_an_imported_loan_older_than_any_policy_gets_the_earliest_plan_rules(project_leader):
    from mikrolaan.people.tests.factories import CitizenFactory

    loan = Loan.objects.create(
        loan_ref="PILOT-1",
        citizen=CitizenFactory(),
        principal=Decimal("20000.00"),
        disbursed_on=dt.date(2009, 5, 4),
        status=LoanStatus.ACTIVE,
    )
    ledger.post(
        loan,
        EntryKind.DISBURSEMENT,
        Decimal("20000.00"),
        dt.date(2009, 5, 4),
        acting_user=project_leader,
        source="import",
        external_id="P1",
    )
    ledger.post(
        loan,
        EntryKind.REPAYMENT,
        Decimal("238.00"),
        dt.date(2009, 6, 1),
        acting_user=project_leader,
        source="import",
        external_id="P2",
    )
    loan.refresh_from_db()
    assert loan.policy.name == "Mikrolån 3.0"
    assert loan.repayment_start == dt.date(2009, 6, 2)  # 1 June 2009 was Whit Monday
