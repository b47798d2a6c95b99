import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mikrolaan.letters.services import record_delivery
from mikrolaan.loans import ledger
from mikrolaan.loans.models import EntryKind, LedgerEntry, LoanStatus
from mikrolaan.servicing import handover
from mikrolaan.servicing.models import Claim, ClaimReceipt, Reminder, ReminderCycle, Task
from mikrolaan.servicing.tasks import complete_task
from mikrolaan.servicing.tests.factories import FIRST_DUE, paid_out_loan

pytestmark = pytest.mark.django_db
D = dt.timedelta


@pytest.fixture
def candidate(run_servicing, project_leader):
    """A loan through all three reminders, its contact task done."""
    loan = paid_out_loan()
    for days in (10, 20, 30):
        run_servicing(FIRST_DUE + D(days=days))
    cycle = ReminderCycle.objects.get(loan=loan)
    for task in Task.objects.filter(cycle=cycle):
        complete_task(task, note="Ringet op", on=FIRST_DUE + D(days=31), acting_user=project_leader)
    return cycle


def test_the_last_reminder_makes_a_candidate(candidate):
    assert list(handover.candidates()) == [candidate]
    notice = Reminder.objects.get(cycle=candidate, number=3)
    assert notice.is_last and notice.pay_by == FIRST_DUE + D(days=40)


def test_hand_over_waits_for_the_last_on_time_payment_date(candidate, finance_clerk):
    with pytest.raises(handover.HandoverError, match="endnu ikke passeret"):
        handover.confirm_handover(candidate, on=FIRST_DUE + D(days=40), acting_user=finance_clerk)
    assert candidate.loan.status == LoanStatus.ACTIVE and not Claim.objects.exists()


def test_hand_over_needs_the_written_notice(candidate, finance_clerk):
    notice = Reminder.objects.get(cycle=candidate, number=3)
    record_delivery(notice.letter, delivered=False, detail="Postkassen er lukket")
    with pytest.raises(handover.HandoverError, match="kunne ikke leveres"):
        handover.confirm_handover(candidate, on=FIRST_DUE + D(days=45), acting_user=finance_clerk)


def test_hand_over_needs_the_reminder_procedure(run_servicing, finance_clerk):
    paid_out_loan()
    run_servicing(FIRST_DUE + D(days=10))
    cycle = ReminderCycle.objects.get()
    failed = [c.message for c in handover.checks(cycle, FIRST_DUE + D(days=60)) if not c.ok]
    assert any("Der er kun sendt 1 af 3 rykkere" in m for m in failed)


def test_hand_over_waits_for_the_project_leaders_task(run_servicing, finance_clerk):
    paid_out_loan()
    for days in (10, 20, 30):
        run_servicing(FIRST_DUE + D(days=days))
    cycle = ReminderCycle.objects.get()
    assert Task.objects.filter(cycle=cycle, status="open").exists()
    with pytest.raises(handover.HandoverError, match="stadig åben"):
        handover.confirm_handover(cycle, on=FIRST_DUE + D(days=45), acting_user=finance_clerk)


def test_confirming_exports_the_claim_and_marks_the_loan(candidate, finance_clerk):
    on = FIRST_DUE + D(days=45)
    claim = handover.confirm_handover(candidate, on=on, acting_user=finance_clerk)
    loan = claim.loan
    loan.refresh_from_db()
    assert loan.status == LoanStatus.IN_COLLECTION and loan.collection_transferred_on == on
    assert LedgerEntry.objects.filter(loan=loan, kind=EntryKind.COLLECTION_TRANSFER).count() == 1
    data = json.loads(Path(claim.export_file).read_text())
    assert data["claim_type"] == "KTSEREV"
    assert data["debtor"]["cpr"] == loan.citizen.cpr
    assert data["created_on"] == loan.disbursed_on.isoformat()
    assert data["due_date"] == FIRST_DUE.isoformat()
    assert data["last_on_time_payment_date"] == (FIRST_DUE + D(days=40)).isoformat()
    assert data["principal"] == "8400.00" and data["outstanding"] == "8400.00"
    assert data["fees"] == "0.00"
    assert data["written_notice_date"] == (FIRST_DUE + D(days=30)).isoformat()
    candidate.refresh_from_db()
    assert candidate.close_reason == "handed_over"
    assert not list(handover.candidates())


def test_receipts_and_collector_payments_are_imported_once(candidate, finance_clerk, tmp_path):
    claim = handover.confirm_handover(
        candidate, on=FIRST_DUE + D(days=45), acting_user=finance_clerk
    )
    receipts = tmp_path / "kvitteringer.csv"
    receipts.write_text(
        "claim_ref,status,date,message\n"
        f"{claim.claim_ref},MODTAGET,2013-05-20,\n"
        f"{claim.claim_ref},SAGSBEHANDL,2013-05-27,Under behandling\n"
    )
    call_command("collection", "import-receipts", str(receipts))
    call_command("collection", "import-receipts", str(receipts))
    assert ClaimReceipt.objects.count() == 2
    claim.refresh_from_db()
    assert claim.status == "SAGSBEHANDL"
    payments = tmp_path / "indbetalinger.csv"
    payments.write_text(
        "claim_ref,reference,date,amount\n"
        f'{claim.claim_ref},GS-0001,2013-06-10,"1.000,00"\n'
        f"{claim.claim_ref},GS-0002,2013-07-10,500.00\n"
    )
    call_command("collection", "import-payments", str(payments))
    call_command("collection", "import-payments", str(payments))
    entries = LedgerEntry.objects.filter(loan=claim.loan, kind=EntryKind.COLLECTOR_PAYMENT)
    assert sorted(e.amount for e in entries) == [Decimal("500.00"), Decimal("1000.00")]
    assert ledger.balance(claim.loan) == Decimal("6900.00")


def test_a_rejected_claim_becomes_a_task_for_the_clerk(candidate, finance_clerk, tmp_path):
    claim = handover.confirm_handover(
        candidate, on=FIRST_DUE + D(days=45), acting_user=finance_clerk
    )
    handover.import_receipts(
        f"claim_ref,status,date,message\n{claim.claim_ref},AFVIST,2013-05-21,CPR ukendt\n"
    )
    task = Task.objects.get(kind="claim_rejected")
    assert (task.role, task.claim, task.status) == ("finance_clerk", claim, "open")


def test_a_bad_line_refuses_the_whole_file(candidate, finance_clerk, tmp_path):
    claim = handover.confirm_handover(
        candidate, on=FIRST_DUE + D(days=45), acting_user=finance_clerk
    )
    path = tmp_path / "k.csv"
    path.write_text(
        f"claim_ref,status,date,message\n{claim.claim_ref},MODTAGET,2013-05-20,\n"
        f"{claim.claim_ref},LÆST,2013-05-21,\n"
    )
    with pytest.raises(CommandError, match="linje 3: ukendt kvitteringsstatus"):
        call_command("collection", "import-receipts", str(path))
    assert not ClaimReceipt.objects.exists()


# --- a rejected claim is taken back --------------------------------------------------------


def _rejected(candidate, finance_clerk):
    claim = handover.confirm_handover(
        candidate, on=FIRST_DUE + D(days=45), acting_user=finance_clerk
    )
    handover.import_receipts(
        f"claim_ref,status,date,message\n{claim.claim_ref},AFVIST,2013-05-21,CPR ukendt\n"
    )
    claim.refresh_from_db()
    return claim


def test_a_claim_that_is_not_rejected_cannot_be_taken_back(candidate, finance_clerk):
    claim = handover.confirm_handover(
        candidate, on=FIRST_DUE + D(days=45), acting_user=finance_clerk
    )
    handover.import_receipts(
        f"claim_ref,status,date,message\n{claim.claim_ref},MODTAGET,2013-05-20,\n"
    )
    claim.refresh_from_db()
    assert not handover.can_take_back(claim)
    with pytest.raises(handover.HandoverError, match="AFVIST"):
        handover.take_back_claim(
            claim, on=dt.date(2013, 5, 22), reason="Fejl", acting_user=finance_clerk
        )
    claim.loan.refresh_from_db()
    assert claim.loan.status == LoanStatus.IN_COLLECTION


def test_taking_a_rejected_claim_back_returns_the_loan_and_closes_the_task(
    candidate, finance_clerk, run_servicing, project_leader
):
    claim = _rejected(candidate, finance_clerk)
    assert handover.can_take_back(claim)
    loan = handover.take_back_claim(
        claim, on=dt.date(2013, 5, 22), reason="CPR rettet, ny rykker", acting_user=finance_clerk
    )
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE and loan.collection_transferred_on is None
    transfer = LedgerEntry.objects.get(loan=loan, kind=EntryKind.COLLECTION_TRANSFER)
    assert LedgerEntry.objects.get(loan=loan, kind=EntryKind.REVERSAL).reverses == transfer
    task = Task.objects.get(kind="claim_rejected")
    assert task.status == "done"
    assert task.events.get(kind="done").note == "CPR rettet, ny rykker"
    claim.refresh_from_db()
    assert not handover.can_take_back(claim)
    with pytest.raises(handover.HandoverError):
        handover.take_back_claim(
            claim, on=dt.date(2013, 5, 23), reason="Igen", acting_user=finance_clerk
        )
    # The loan is the municipality's again: a new reminder cycle can lead to a second claim.
    start = dt.date(2013, 6, 3)
    for days in (0, 10, 20):
        run_servicing(start + D(days=days))
    cycle = ReminderCycle.objects.get(loan=loan, closed_on__isnull=True)
    assert cycle.pk != candidate.pk
    for t in Task.objects.filter(cycle=cycle):
        complete_task(t, note="Ringet op", on=start + D(days=21), acting_user=project_leader)
    second = handover.confirm_handover(cycle, on=start + D(days=40), acting_user=finance_clerk)
    assert second.pk != claim.pk and Claim.objects.filter(loan=loan).count() == 2
    loan.refresh_from_db()
    assert loan.status == LoanStatus.IN_COLLECTION


def test_collector_payments_that_clear_the_claim_make_the_loan_repaid(candidate, finance_clerk):
    claim = handover.confirm_handover(
        candidate, on=FIRST_DUE + D(days=45), acting_user=finance_clerk
    )
    handover.import_payments(
        "claim_ref,reference,date,amount\n"
        f"{claim.claim_ref},GS-0001,2013-06-10,8000.00\n"
        f"{claim.claim_ref},GS-0002,2013-07-10,400.00\n"
    )
    loan = claim.loan
    loan.refresh_from_db()
    assert ledger.balance(loan) == 0 and loan.status == LoanStatus.REPAID
