import datetime as dt

import pytest

from mikrolaan.accounts import demo as accounts_demo
from mikrolaan.core.demo import DemoContext
from mikrolaan.letters.models import Letter
from mikrolaan.loans.models import LoanStatus
from mikrolaan.servicing import demo
from mikrolaan.servicing.models import Claim, Task

pytestmark = pytest.mark.django_db


def test_the_demo_shows_reminders_tasks_and_a_claim_with_receipts():
    ctx = DemoContext(today=dt.date(2026, 11, 26))
    accounts_demo.populate(ctx)
    demo.populate(ctx)
    claim = Claim.objects.get()
    assert claim.loan.citizen.first_name == "Mette"
    assert claim.loan.status == LoanStatus.IN_COLLECTION
    assert [r.status for r in claim.receipts.all()] == ["MODTAGET", "SAGSBEHANDL"]
    open_task = Task.objects.get(status="open")
    assert (open_task.loan.citizen.first_name, open_task.reason) == ("Ali", "paper")
    assert Letter.objects.filter(kind="reminder", paper=True).exists()
    demo.populate(ctx)  # a second load adds nothing
    assert Claim.objects.count() == 1
