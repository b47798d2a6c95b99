"""A citizen with a full history, built through the real services of every app."""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from mikrolaan.accounts.roles import Role
from mikrolaan.accounts.tests.factories import UserFactory
from mikrolaan.audit.services import log_read
from mikrolaan.banking.samples import camt053, pay
from mikrolaan.banking.services import import_statement_file
from mikrolaan.cases.tests.factories import staff
from mikrolaan.courses.models import ConversationKind
from mikrolaan.courses.services import log_conversation
from mikrolaan.courses.tests.factories import in_pre_course_case
from mikrolaan.loans import services as loans
from mikrolaan.loans.tests.factories import granted_loan, ready_for_payout
from mikrolaan.outcomes.models import SupportStatus
from mikrolaan.outcomes.services import record_spell

PAID_ON = dt.date(2026, 6, 1)
CVR = "39475146"


def full_history(run_servicing):
    """Referral, screenings, cohort, pre-course plan, a conversation, budget, a green
    decision with both signatures, main course, a loan paid out, a reminder (its letter),
    a bank payment, a deferral, an overpayment, a support spell and a read in the audit log.
    ``run_servicing`` is the servicing app's fixture (letters are handed over on commit)."""
    leader = staff(Role.PROJECT_LEADER)
    leader.first_name, leader.last_name = "Pia", "Projektleder"
    leader.save(update_fields=["first_name", "last_name"])
    caseworker = UserFactory(role=Role.BENEFITS_CASEWORKER)
    clerk = UserFactory(role=Role.FINANCE_CLERK, first_name="Finn", last_name="Bogholder")
    case = in_pre_course_case(project_leader=leader)
    citizen = case.citizen
    citizen.digital_post_exempt = True  # paper reminders give a task for staff too
    citizen.save(update_fields=["digital_post_exempt"])
    log_conversation(
        case,
        kind=ConversationKind.INDIVIDUAL,
        held_on=dt.date(2026, 2, 10),
        duration_minutes=45,
        place="Café Kaffekilden",
        today=dt.date(2026, 2, 10),
        acting_user=leader,
    )
    loan = granted_loan(
        case=case,
        amount=Decimal("8400.00"),
        decided_on=dt.date(2026, 5, 4),
        project_leader=leader,
        benefits_caseworker=caseworker,
    )
    ready_for_payout(loan, on=PAID_ON)
    loan = loans.record_payout(loan, paid_on=PAID_ON, acting_user=leader, send_letters=False)
    # The first instalment falls due and is not paid: the run sends a reminder.
    run_servicing(loan.repayment_start + dt.timedelta(days=10))
    # The arrears come in by bank transfer (+71 payment ID).
    booked = loan.repayment_start + dt.timedelta(days=14)
    import_statement_file(
        "kontoudtog.xml",
        camt053([pay(loan, "100.00", booked=booked, debtor=citizen.full_name)]),
        acting_user=clerk,
    )
    loans.grant_deferral(
        loan,
        months=2,
        reason="Sæsonudsving i omsætningen.",
        decided_on=booked + dt.timedelta(days=5),
        acting_user=leader,
        send_letters=False,
    )
    # Paying more than is owed leaves an overpayment for refund.
    with transaction.atomic():
        loans.register_payment(
            loan,
            amount=Decimal("8400.00"),
            paid_on=booked + dt.timedelta(days=20),
            acting_user=clerk,
            why="Indfriet ved salg af varevogn.",
        )
    record_spell(
        citizen,
        status=SupportStatus.SELF_SUPPORTING_BUSINESS,
        start=PAID_ON,
        source="Jobcenterets opslag",
        acting_user=leader,
        case=case,
    )
    log_read(clerk, citizen, what="citizen page", why="opfølgning på betaling")
    loan.refresh_from_db()
    return citizen, loan
