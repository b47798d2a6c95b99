import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from mikrolaan.loans.arrears import arrears_for
from mikrolaan.loans.models import LedgerEntry, Loan
from mikrolaan.loans.plan import position
from mikrolaan.loans.schedule import to_kr
from mikrolaan.loans.tests.factories import disbursed_loan

AS_OF = dt.date(2026, 11, 26)
pytestmark = pytest.mark.django_db


def test_the_generated_portfolio_follows_the_rules(capsys):
    call_command("bench", "arrears", "--loans", "120", "--as-of", AS_OF.isoformat(), "--runs", "1")
    out = capsys.readouterr().out
    assert "arrears of 120 loans" in out
    loans = list(Loan.objects.all())
    assert len(loans) == 120
    got = arrears_for(AS_OF)
    statuses = {loan.status for loan in loans}
    assert {"active", "repaid", "in_collection"} <= statuses
    assert any(a.arrears > 0 for a in got.values())
    for loan in loans:
        ref = position(loan, AS_OF)
        a = got[loan.pk]
        assert (a.arrears, a.days_past_due, a.oldest_unpaid_due) == (
            to_kr(ref.arrears),
            ref.days_past_due,
            ref.oldest_unpaid_due,
        ), loan.loan_ref
        owed = sum(e.debt_delta for e in LedgerEntry.objects.filter(loan=loan))
        assert owed >= 0
        assert (owed == 0) == (loan.status == "repaid")


def test_the_benchmark_refuses_a_database_with_real_loans():
    disbursed_loan()
    with pytest.raises(CommandError, match="real loans"):
        call_command("bench", "arrears", "--loans", "10")
