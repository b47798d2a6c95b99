"""Cases driven to the states this app needs, through the real services where they exist.

Intake's factories (referral → screenings → cohort) are not on this branch, so
``case_in_pre_course`` builds the case, cohort and participation directly; the later
states go through this app's services.
"""

import datetime as dt
from decimal import Decimal

from mikrolaan.budgets.tests.factories import budget
from mikrolaan.cases.constants import Stage
from mikrolaan.cases.tests.factories import CaseFactory
from mikrolaan.courses.models import Cohort, Participation
from mikrolaan.decisions.services import approve_grant, decide
from mikrolaan.policy.models import LoanPolicy

DAY = dt.date(2026, 3, 16)


def ensure_policy():
    """The policy the migration seeds (1,000–50,000 kr. from 2013); a transactional test's
    flush empties the table, so browser and race tests put it back."""
    if not LoanPolicy.objects.exists():
        LoanPolicy.objects.create(
            valid_from=dt.date(2013, 1, 1),
            name="Mikrolån 3.0",
            legal_basis="Lov om aktiv socialpolitik § 65",
            min_amount=Decimal("1000.00"),
            max_amount=Decimal("50000.00"),
            subsistence_max_months=6,
        )


def case_in_pre_course(**kwargs):
    ensure_policy()
    case = CaseFactory(stage=Stage.PRE_COURSE, **kwargs)
    cohort, _ = Cohort.objects.get_or_create(
        code="M9",
        defaults={
            "pre_course_start": dt.date(2026, 1, 12),
            "main_course_start": dt.date(2026, 5, 4),
            "main_course_end": dt.date(2026, 11, 3),
        },
    )
    Participation.objects.create(case=case, cohort=cohort)
    case.cohort = cohort
    case.save(update_fields=["cohort"])
    return case


def three_ps(colour="green"):
    return {
        "person_colour": colour,
        "person_reason": "Motiveret og vedholdende.",
        "money_colour": colour,
        "money_reason": "Lånebehovet hænger sammen med budgettet.",
        "plan_colour": colour,
        "plan_reason": "Realistisk plan med kunder i sigte.",
    }


def yellow(case, user, on=DAY):
    return decide(
        case,
        decided_on=on,
        colour="yellow",
        feedback="Likviditetsbudgettet skal vise, hvordan du klarer de første måneder.",
        **{**three_ps("green"), "money_colour": "yellow"},
        acting_user=user,
    )


def green(case, user, amount=Decimal("35000.00"), on=DAY, **kwargs):
    return decide(
        case,
        decided_on=on,
        colour="green",
        proposed_amount=amount,
        **three_ps("green"),
        **kwargs,
        acting_user=user,
    )


def green_decision(project_leader, **kwargs):
    """A case in pre-course with a budget and a green decision."""
    case = case_in_pre_course(**kwargs)
    budget(case, project_leader)
    return green(case, project_leader)


def granted_decision(project_leader, benefits_caseworker, **kwargs):
    decision = green_decision(project_leader, **kwargs)
    approve_grant(decision, approved_on=DAY, acting_user=project_leader)
    approve_grant(decision, approved_on=DAY, acting_user=benefits_caseworker)
    decision.case.refresh_from_db()
    return decision
