"""Two servicing runs at once (PostgreSQL): no reminder twice, whichever wins."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from mikrolaan.letters.models import Letter
from mikrolaan.policy.models import LoanPolicy
from mikrolaan.servicing.models import Reminder
from mikrolaan.servicing.run import RunError, run
from mikrolaan.servicing.tests.factories import FIRST_DUE, paid_out_loan

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_runs_at_once_send_each_reminder_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    LoanPolicy.objects.get_or_create(
        valid_from=dt.date(2013, 1, 1),
        defaults={"name": "Mikrolån 3.0", "legal_basis": "LAS § 65"},
    )
    for _ in range(4):
        paid_out_loan()
    day = FIRST_DUE + dt.timedelta(days=10)
    barrier = threading.Barrier(2)
    outcomes = []

    def worker():
        try:
            barrier.wait()
            run(day, batch_size=1)
            outcomes.append("ran")
        except RunError as exc:
            outcomes.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert "ran" in outcomes
    assert set(outcomes) <= {"ran", "en anden servicekørsel er i gang"}
    run(day)  # and once more afterwards: still nothing twice
    assert Reminder.objects.count() == 4
    assert Letter.objects.filter(kind="reminder").count() == 4
