import datetime as dt
import json
import os
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mikrolaan.loans import services
from mikrolaan.loans.tests.factories import disbursed_loan

pytestmark = pytest.mark.django_db


def _json(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def test_loans_show_json():
    loan = disbursed_loan(paid_on=dt.date(2013, 3, 15), amount=Decimal("8400.50"))
    user = loan.decision.recorded_by
    services.register_payment(
        loan, amount=Decimal("100.00"), paid_on=dt.date(2013, 4, 2), acting_user=user
    )
    data = _json("loans", "show", loan.loan_ref, "--as-of", "2013-06-15", "--format", "json")
    assert data["status"] == "active"
    assert data["terms"]["principal"] == "8400.50" and data["terms"]["interest"] == "0.00"
    assert len(data["plan"]) == 84 and data["plan"][-1]["amount"] == "100.50"
    assert data["plan"][0] == {
        "number": 1,
        "due_date": "2013-04-02",
        "amount": "100.00",
        "paid": "100.00",
        "status": "paid",
    }
    assert data["balance"] == "8300.50"
    assert data["arrears"] == {
        "due_to_date": "300.00",
        "paid_to_date": "100.00",
        "arrears": "200.00",
        "oldest_unpaid_due": "2013-05-01",
        "days_past_due": 45,
    }
    assert [t["kind"] for t in data["transactions"]] == ["disbursement", "repayment"]


def test_loans_show_text_is_danish_with_danish_figures():
    loan = disbursed_loan(paid_on=dt.date(2013, 3, 15), amount=Decimal("8400.50"))
    out = StringIO()
    call_command("loans", "show", loan.loan_ref, "--as-of", "2013-06-15", stdout=out)
    text = out.getvalue()
    assert "(Under tilbagebetaling)" in text
    assert "hovedstol 8.400,50 kr., 84 måneder, første ydelse " in text
    assert "saldo pr. 15.06.2013: 8.400,50 kr." in text
    assert "principal" not in text and "balance" not in text


def test_loans_show_refuses_an_unknown_loan():
    with pytest.raises(CommandError, match="Intet lån"):
        call_command("loans", "show", "ML-0000-00000")


def test_fund_json():
    disbursed_loan(paid_on=dt.date(2013, 3, 15), amount=Decimal("8400.00"))
    paying = disbursed_loan(paid_on=dt.date(2013, 3, 15), amount=Decimal("8400.00"))
    services.register_payment(
        paying,
        amount=Decimal("8400.00"),
        paid_on=dt.date(2013, 4, 2),
        acting_user=paying.decision.recorded_by,
    )
    data = _json("fund", "--as-of", "2013-06-15", "--format", "json")
    assert data["paid_out"] == "16800.00" and data["repaid"] == "8400.00"
    assert data["outstanding"] == "8400.00"
    assert data["loans_in_arrears"] == 1
    assert data["ageing"][2] == {  # 2 April to 15 June: 74 days
        "bucket": "61-90",
        "loans": 1,
        "arrears": "300.00",
        "outstanding": "8400.00",
    }
    assert data["portfolio_at_risk_30"] == "1.0000"


def test_fund_text_is_danish_with_danish_numbers():
    disbursed_loan(paid_on=dt.date(2013, 3, 15), amount=Decimal("8400.00"))
    out = StringIO()
    call_command("fund", "--as-of", "2013-06-15", "--format", "text", stdout=out)
    text = out.getvalue()
    assert "Den revolverende fond 15.06.2013" in text.splitlines()[0]
    assert "8.400,00 kr." in text and "Restancernes alder" in text
    assert "8400.00" not in text
    for english in ("paid_out", "outstanding", "days:", "loans,", "arrears"):
        assert english not in text


@pytest.mark.django_db(transaction=True)
def test_the_real_command_exits_non_zero_for_an_unknown_loan(tmp_path, migrated_sqlite):
    db = migrated_sqlite
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "MIKROLAAN_VAR_DIR": str(tmp_path)}
    if "postgres" in os.environ.get("DATABASE_URL", ""):
        env["DATABASE_URL"] = f"sqlite:///{db}"
    exe = str(Path(sys.executable).parent / "mikrolaan")
    result = subprocess.run(
        [exe, "loans", "show", "ML-0000-00000"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "Intet lån" in result.stderr
    fund = subprocess.run(
        [exe, "fund", "--as-of", "2026-01-01", "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(fund.stdout)["outstanding"] == "0.00"
