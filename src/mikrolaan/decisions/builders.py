"""A case driven from the pre-course to a granted loan and a started main course, through the
real services. Test factories and demo loaders (which must not import test code) share it.

    decision = grant(case, amount=..., decided_on=..., project_leader=pl,
                     benefits_caseworker=bc)        # budget, green round, both signatures
    start_for_payout(case, on=..., cvr=..., acting_user=pl)   # main course + fit for work
"""

import datetime as dt
from decimal import Decimal

from mikrolaan.budgets.calculations import Month
from mikrolaan.budgets.services import submit_budget
from mikrolaan.cases.models import Case
from mikrolaan.decisions.main_course import keeps_pension, start_main_course
from mikrolaan.decisions.models import Decision
from mikrolaan.decisions.services import approve_grant, decide

# The three P's of a green round: each green, with its reason.
GREEN_PS = {
    "person_colour": "green",
    "person_reason": "Motiveret og vedholdende.",
    "money_colour": "green",
    "money_reason": "Realistisk lånebehov.",
    "plan_colour": "green",
    "plan_reason": "Gennemarbejdet forretningsplan.",
}


def submit_simple_budget(case: Case, *, amount: Decimal, on: dt.date, acting_user):
    """A budget whose establishment costs are the loan: the loan buys the equipment in the
    first month, sales then carry the costs and the living."""
    return submit_budget(
        case,
        submitted_on=on,
        establishment=[("Værktøj og udstyr", amount)],
        income=[("Salg af ydelser", Decimal("108000.00"))],
        costs=[("Husleje og forsikring", Decimal("42000.00"))],
        months=[Month(loan=amount, costs=amount)]
        + [
            Month(sales=Decimal("9000"), costs=Decimal("5000"), living_costs=Decimal("2000"))
            for _ in range(5)
        ],
        acting_user=acting_user,
    )


def grant(
    case: Case,
    *,
    amount: Decimal,
    decided_on: dt.date,
    project_leader,
    benefits_caseworker=None,
    justification: str = "",
    reasons: dict | None = None,
    budget_on: dt.date | None = None,
) -> Decision:
    """Budget, green decision proposing ``amount`` and the grant signed by the project
    leader and the benefits caseworker, all on ``decided_on`` (the budget on ``budget_on``).

    The case must be in the pre-course (or awaiting a resubmission after a yellow round).
    Without a benefits caseworker only the project leader signs: the decision is green but
    not granted. Returns the decision; the case is left in ``granted``."""
    submit_simple_budget(
        case, amount=amount, on=budget_on or decided_on, acting_user=project_leader
    )
    decision = decide(
        case,
        decided_on=decided_on,
        colour="green",
        **{**GREEN_PS, **(reasons or {})},
        proposed_amount=amount,
        amount_justification=justification,
        acting_user=project_leader,
    )
    approve_grant(decision, approved_on=decided_on, acting_user=project_leader)
    if benefits_caseworker is not None:
        approve_grant(decision, approved_on=decided_on, acting_user=benefits_caseworker)
    decision.refresh_from_db()
    return decision


def start_for_payout(case: Case, *, on: dt.date, cvr: str, acting_user):
    """Start the granted case's main course on ``on`` with the citizen fit for work that day
    (what a payout needs, DOMAIN.md §6): six months' subsistence grant, or the pension kept."""
    case = Case.objects.select_related("citizen").get(pk=case.pk)
    return start_main_course(
        case,
        started_on=on,
        cvr=cvr,
        subsistence_months=None if keeps_pension(case) else 6,
        fit_for_work_on=on,
        acting_user=acting_user,
    )
