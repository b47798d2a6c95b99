import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from mikrolaan.loans import kept, queries
from mikrolaan.loans.arrears import arrears_for, kept_arrears_sql
from mikrolaan.loans.lifecycle import status_from_ledger
from mikrolaan.loans.models import LedgerEntry, Loan
from mikrolaan.loans.plan import payments_of, plan_of, policy_of, position
from mikrolaan.loans.schedule import allocate, to_kr
from mikrolaan.loans.tests.factories import disbursed_loan

AS_OF = dt.date(2026, 11, 26)
pytestmark = pytest.mark.django_db


def test_the_generated_portfolio_follows_the_rules(capsys):
    call_command("bench", "arrears", "--loans", "120", "--as-of", AS_OF.isoformat(), "--runs", "1")
    out = capsys.readouterr().out
    assert "restancer for 120 lån" in out and "loans" not in out  # Danish (issue 9)
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
        # The set-based recount of the kept figures agrees with the per-loan one, and the
        # generated life cycle with the ledger.
        plan = plan_of(loan)
        fresh = Loan.objects.get(pk=loan.pk)
        allocations = allocate(plan, payments_of(fresh), policy_of(fresh).advance_payment_days)
        kept.recount(fresh, plan, allocations, policy_of(fresh).due_day)
        assert [getattr(loan, f) for f in kept.FIELDS] == [getattr(fresh, f) for f in kept.FIELDS]
        assert queries.status_on(loan, AS_OF) == loan.status == status_from_ledger(loan), list(
            loan.transitions.values_list("from_status", "to_status", "day")
        )
    # Today's arrears from the kept figures are the ledger's.
    with connection.cursor() as cursor:
        cursor.execute(kept_arrears_sql(connection.vendor), {"as_of": AS_OF})
        late = {row[0]: (to_kr(int(row[3])), row[5]) for row in cursor.fetchall()}
    assert late == {pk: (a.arrears, a.days_past_due) for pk, a in got.items() if a.arrears > 0}


def test_the_benchmark_refuses_a_database_with_real_loans():
    disbursed_loan()
    with pytest.raises(CommandError, match="rigtige lån"):
        call_command("bench", "arrears", "--loans", "10")
