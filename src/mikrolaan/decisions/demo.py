"""Demo: decision rounds of every colour, two-person grants and main-course starts.

Works on ``ctx.data["budgeted_cases"]`` from the budgets demo (nothing happens without it).
"""

import datetime as dt
from decimal import Decimal

from mikrolaan.budgets.demo import anchor_date, submit_demo_budget
from mikrolaan.decisions.main_course import keeps_pension, start_main_course
from mikrolaan.decisions.services import approve_grant, decide
from mikrolaan.policy.models import LoanPolicy

# Fictitious CVR numbers with a valid modulus-11 check digit (computed by ``fictitious_cvr``).
CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def fictitious_cvr(seed: int) -> str:
    """Seven digits from the seed plus the check digit that makes the weighted sum 0 mod 11
    (a body whose check digit would be 10 is skipped: the next body is tried)."""
    base = 3900000 + (seed * 7919) % 5000000
    for offset in range(11):
        body = f"{base + offset:07d}"
        partial = sum(int(d) * w for d, w in zip(body, CVR_WEIGHTS[:7], strict=True))
        check = (-partial) % 11
        if check < 10:
            return body + str(check)
    raise AssertionError("unreachable: some body in 11 consecutive has a check digit")


GOOD = {
    "person_colour": "green",
    "person_reason": "Stærkt motiveret; har arbejdet med faget i mange år og gennemført alle "
    "aktiviteter i forforløbet.",
    "money_colour": "green",
    "money_reason": "Lånebehovet hænger sammen med etableringsbudgettet; forsørgelsen er dækket.",
    "plan_colour": "green",
    "plan_reason": "Realistisk forretningsplan med konkrete kunder og en tydelig niche.",
}
YELLOW = {
    **GOOD,
    "money_colour": "yellow",
    "money_reason": "Lånet går til leveomkostninger de første måneder; salget kommer først sent.",
}
RED = {
    "person_colour": "yellow",
    "person_reason": "Motiveret, men har svært ved at følge forforløbets aftaler.",
    "money_colour": "red",
    "money_reason": "Hele lånet bruges på at overleve de første måneder.",
    "plan_colour": "red",
    "plan_reason": "Mættet marked (pizzeria) uden en anderledes tilgang.",
}


def populate(ctx):
    chosen = ctx.data.get("budgeted_cases")
    if not chosen:
        return
    leader = ctx.users.get("demo-projektleder") or ctx.user("project_leader")
    caseworker = ctx.users.get("demo-ydelse") or ctx.user("benefits_caseworker")
    first_policy = LoanPolicy.objects.order_by("valid_from").first()
    for case, scenario, index in chosen:
        anchor = anchor_date(case, ctx.today)
        day = anchor - dt.timedelta(days=30)
        if first_policy is None or day < first_policy.valid_from:
            continue  # a pilot cohort from before the system's first loan policy
        amount = Decimal(ctx.rng.choice([18000, 25000, 30000, 35000, 42000, 50000]))
        if scenario in ("main_course", "resubmitted", "yellow"):
            decide(
                case,
                decided_on=day,
                colour="yellow",
                feedback="Lav et nyt likviditetsbudget, hvor forsørgelsen ikke betales af lånet, "
                "og vis de første kunder.",
                **YELLOW,
                acting_user=leader,
            )
            if scenario == "yellow":
                continue
            submit_demo_budget(
                case,
                leader,
                index,
                red_flag=False,
                submitted_on=day + dt.timedelta(days=7),
                rng=ctx.rng,
                note="Genindsendt efter gul afgørelse.",
            )
            if scenario == "resubmitted":
                continue
        if scenario in ("red_end", "red_return"):
            decide(
                case,
                decided_on=day,
                colour="red",
                feedback="Idéen kan ikke bære et lån; vi har talt om andre veje.",
                red_outcome="end_trajectory" if scenario == "red_end" else "return_to_job_centre",
                **RED,
                acting_user=leader,
            )
            continue
        if scenario == "budget_only":
            continue
        decision = decide(
            case,
            decided_on=day + dt.timedelta(days=10),
            colour="green",
            proposed_amount=amount,
            feedback="Godkendt. Husk raskmelding før udbetaling.",
            **GOOD,
            acting_user=leader,
        )
        approve_grant(decision, approved_on=day + dt.timedelta(days=11), acting_user=leader)
        if scenario == "awaiting_caseworker":
            continue
        approve_grant(decision, approved_on=day + dt.timedelta(days=12), acting_user=caseworker)
        case.refresh_from_db()  # the citizen may have moved to a later cohort meanwhile
        if scenario == "granted" or (case.cohort and case.cohort.main_course_start > ctx.today):
            continue  # granted; the main course has not started yet
        anchor = anchor_date(case, ctx.today)
        start_main_course(
            case,
            started_on=anchor,
            cvr=fictitious_cvr(index),
            subsistence_months=None if keeps_pension(case) else 6,
            fit_for_work_on=anchor - dt.timedelta(days=2),
            acting_user=caseworker,
        )
