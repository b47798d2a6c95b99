"""Two imports of different statements paying the same loan at the same time (PostgreSQL).

``ledger.post`` locks the loan row, and the import locks every loan it pays before reading a
balance, so the second import waits for the first and sees its postings.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from mikrolaan.banking.matching import Reason
from mikrolaan.banking.services import import_statement_file
from mikrolaan.banking.tests.conftest import make_loan
from mikrolaan.banking.tests.statements import camt053, pay
from mikrolaan.loans.ledger import balance
from mikrolaan.loans.models import EntryKind, LedgerEntry

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")


def import_together(files: list[tuple[str, bytes]]):
    barrier = threading.Barrier(len(files))
    results, errors = [None] * len(files), []

    def work(index, name, content):
        from django.db import connections

        try:
            barrier.wait()
            results[index] = import_statement_file(name, content)
        except Exception as exc:  # noqa: BLE001 - reported to the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=work, args=(i, name, content))
        for i, (name, content) in enumerate(files)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


def test_two_statements_paying_one_loan_at_once_both_post():
    loan = make_loan("30000.00")
    for round_ in range(3):
        import_together(
            [
                (f"a{round_}.xml", camt053([pay(loan, "1000")], statement_id=f"A{round_}")),
                (f"b{round_}.xml", camt053([pay(loan, "250")], statement_id=f"B{round_}")),
            ]
        )
    assert balance(loan) == Decimal("30000.00") - 3 * Decimal("1250.00")
    assert LedgerEntry.objects.filter(kind=EntryKind.REPAYMENT).count() == 6


def test_two_payments_that_together_exceed_the_balance_post_one_and_hold_the_other():
    for round_ in range(3):
        loan = make_loan("1000.00")
        results = import_together(
            [
                (f"a{round_}.xml", camt053([pay(loan, "600")], statement_id=f"A{round_}")),
                (f"b{round_}.xml", camt053([pay(loan, "600")], statement_id=f"B{round_}")),
            ]
        )
        assert sorted(r.posted for r in results) == [0, 1]
        assert sum(r.queued[Reason.OVERPAYMENT] for r in results) == 1
        assert balance(loan) == Decimal("400.00")


def test_the_same_statement_imported_twice_at_once_posts_once():
    loan = make_loan("30000.00")
    content = camt053([pay(loan, "700")], statement_id="SAME")
    results = import_together([("x.xml", content), ("y.xml", content)])
    assert sorted(r.status for r in results) == ["already_imported", "imported"]
    assert balance(loan) == Decimal("29300.00")
