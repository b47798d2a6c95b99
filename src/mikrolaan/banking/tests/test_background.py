"""Bank statements imported by a background job, and the batch posting's rules."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from mikrolaan.banking.matching import Reason
from mikrolaan.banking.models import BankEntry, Outcome
from mikrolaan.banking.services import import_statement_file
from mikrolaan.banking.tests.conftest import make_loan
from mikrolaan.banking.tests.statements import camt053, pay
from mikrolaan.bench.subcommands import bank as bench
from mikrolaan.jobs.models import Job, JobStatus
from mikrolaan.jobs.testing import run_waiting_jobs
from mikrolaan.loans.ledger import balance

pytestmark = pytest.mark.django_db


def test_the_command_can_queue_the_import_for_the_worker(tmp_path, loan):
    statement = tmp_path / "nov.xml"
    statement.write_bytes(camt053([pay(loan, "1000")]))
    out = StringIO()
    call_command("bank", "import", str(statement), "--background", stdout=out)
    job = Job.objects.get()
    assert out.getvalue() == (
        f"{statement}: sat i kø som job {job.pk}; 'mikrolaan worker' indlæser den.\n"
    )
    assert BankEntry.objects.count() == 0 and job.status == JobStatus.QUEUED
    kept = settings.BANK_STATEMENTS_DIR / job.params["stored_as"]
    assert kept.read_bytes() == statement.read_bytes()
    assert kept.stat().st_mode & 0o777 == 0o600

    run_waiting_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert (job.result["status"], job.result["posted"]) == ("imported", 1)
    assert job.done == job.total == 1
    assert balance(loan) == Decimal("29000.00")
    assert not kept.exists()  # imported: the waiting copy is gone


def test_a_second_payment_in_the_batch_is_decided_on_the_balance_after_the_first():
    """The batch posts together, yet each entry sees the entries before it: 60 + 60 on a loan
    owing 100 posts the first and queues the second as more than the 40 still owed."""
    loan = make_loan("100.00")
    result = import_statement_file("s.xml", camt053([pay(loan, "60.00"), pay(loan, "60.00")]))
    assert result.posted == 1
    assert dict(result.queued) == {Reason.OVERPAYMENT: 1}
    first, second = BankEntry.objects.order_by("position")
    assert first.current_handling().outcome == Outcome.POSTED
    assert second.current_handling().params["outstanding"] == "40.00"
    assert balance(loan) == Decimal("40.00")


def test_the_benchmark_writes_a_statement_whose_payments_all_match(tmp_path):
    loans = [make_loan("1000.00") for _ in range(3)]
    targets = bench.payable_loans(5)  # two loans get two payments of 50 kr.
    assert sorted(targets) == sorted(loan.payment_id for loan in loans)
    path = tmp_path / "bench.xml"
    bench.write_statement(path, targets, 5, dt.date(2026, 11, 25))
    with path.open("rb") as content:
        result = import_statement_file(path.name, content)
    assert (result.posted, result.queued_total, result.skipped_total) == (5, 0, 0)
    assert sorted(balance(loan) for loan in loans) == [
        Decimal("900.00"),
        Decimal("900.00"),
        Decimal("950.00"),
    ]
