"""Building a programme for outcome tests through the real event and ledger functions."""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from mikrolaan.cases.events import record_event
from mikrolaan.cases.tests.factories import CaseFactory
from mikrolaan.courses.models import Cohort, Participation, ParticipationStatus
from mikrolaan.decisions.models import Decision
from mikrolaan.loans.ledger import post
from mikrolaan.loans.models import EntryKind, Loan
from mikrolaan.outcomes import funnel
from mikrolaan.people.tests.factories import CitizenFactory


def cohort(code, start, end, pre_course_start=None):
    return Cohort.objects.create(
        code=code, main_course_start=start, main_course_end=end, pre_course_start=pre_course_start
    )


def case(unit, *, opened_on=dt.date(2026, 1, 5), user=None, referral_event=True, **citizen):
    """A referred case; with ``referral_event`` a bare referral event as the funnel reads it
    (the intake app's referral also writes a typed record, which its timeline shows)."""
    c = CaseFactory(citizen=CitizenFactory(unit=unit, **citizen), unit=unit, opened_on=opened_on)
    if referral_event:
        with transaction.atomic():
            record_event(c, funnel.KIND_REFERRAL, acting_user=user, occurred_on=opened_on)
    return c


def event(c, kind, on, user=None, **data):
    with transaction.atomic():
        return record_event(c, kind, acting_user=user, occurred_on=on, data=data)


def admit(c, co, on, user=None, status=ParticipationStatus.PRE_COURSE, main_course_end=None):
    event(c, funnel.KIND_COHORT_ASSIGNED, on, user, cohort=co.code)
    return Participation.objects.create(
        case=c, cohort=co, status=status, main_course_end=main_course_end
    )


def decide(c, on, colour="green", amount=Decimal("30000.00"), user=None):
    """A green or yellow decision round (a red one needs the decisions app's services)."""
    with transaction.atomic():
        ev = record_event(c, "decision", acting_user=user, occurred_on=on)
        return Decision.objects.create(
            case=c,
            event=ev,
            decided_on=on,
            colour=colour,
            person_colour=colour,
            person_reason="-",
            money_colour=colour,
            money_reason="-",
            plan_colour=colour,
            plan_reason="-",
            proposed_amount=amount if colour == "green" else None,
            recorded_by=user,
        )


_loan_no = [0]


def loan(c, co, disbursed_on, principal=Decimal("30000.00"), user=None):
    _loan_no[0] += 1
    ln = Loan.objects.create(
        loan_ref=f"T-{_loan_no[0]:05d}",
        citizen=c.citizen,
        case=c,
        cohort=co,
        principal=principal,
        granted_on=disbursed_on,
        disbursed_on=disbursed_on,
        repayment_start=disbursed_on + dt.timedelta(days=365),
    )
    post(ln, EntryKind.DISBURSEMENT, principal, disbursed_on, acting_user=user)
    return ln
