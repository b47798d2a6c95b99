"""Reminder and task events on the case timeline read in Danish from their data, whatever the
stored text says (issue 9: "Loan reminder…", "Servicing task done…")."""

import datetime as dt

import pytest
from django.utils import translation

from mikrolaan.cases.events import record_event
from mikrolaan.cases.page import event_label, event_summary
from mikrolaan.loans.tests.factories import disbursed_loan

pytestmark = pytest.mark.django_db


def test_reminder_and_task_events_read_in_danish(project_leader):
    loan = disbursed_loan(paid_on=dt.date(2013, 3, 15))
    reminder = record_event(
        loan.case,
        "loan_reminder",
        acting_user=None,
        occurred_on=dt.date(2013, 5, 11),
        summary=f"Loan reminder {loan.loan_ref}: reminder 3, arrears 714.00 kr.",
        data={"loan": loan.loan_ref, "reminder": 3, "arrears": "714.00", "last": True},
    )
    task = record_event(
        loan.case,
        "servicing_task_done",
        acting_user=project_leader,
        occurred_on=dt.date(2013, 5, 20),
        summary=f"Servicing task done {loan.loan_ref}: Reach the citizen in person",
        data={"loan": loan.loan_ref, "task_kind": "contact_citizen"},
    )
    with translation.override("da"):
        assert str(event_label("loan_reminder")) == "Rykker sendt"
        assert event_summary(reminder) == (
            f"{loan.loan_ref}: rykker 3, restance 714,00 kr. "
            "(varsel om overdragelse til Gældsstyrelsen)"
        )
        assert event_summary(task) == f"{loan.loan_ref}: Kontakt borgeren personligt"
