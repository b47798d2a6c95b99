"""Demo: budgets for the cases other demos put in the pre-course.

Expects ``ctx.data["cases_by_stage"]`` (stage -> list of Case) from the cases demo; without it,
nothing happens. Hands ``ctx.data["budgeted_cases"]`` (list of (Case, scenario)) to the
decisions demo, which decides them.
"""

import datetime as dt
from decimal import Decimal

from mikrolaan.budgets.calculations import Month
from mikrolaan.budgets.services import submit_budget
from mikrolaan.cases.constants import Stage

D = Decimal

# Businesses the review's borrowers started, with establishment lines and yearly figures.
BUSINESSES = [
    (
        "Syværksted",
        [("Industrisymaskine", "14500"), ("Stof og tilbehør", "6000")],
        [("Reparationer og syopgaver", "180000")],
        [("Husleje værksted", "42000")],
    ),
    (
        "Cykelværksted",
        [("Værktøj og montagestand", "11000"), ("Reservedele", "15000")],
        [("Reparationer", "210000"), ("Brugte cykler", "60000")],
        [("Husleje", "54000")],
    ),
    (
        "Rengøring for erhverv",
        [("Rengøringsmaskiner", "9000"), ("Brugt varebil", "22000")],
        [("Faste kontrakter", "240000")],
        [("Bil og brændstof", "38000")],
    ),
    (
        "Webdesign og grafik",
        [("Computer og software", "18000"), ("Hjemmeside og logo", "4000")],
        [("Opgaver for små virksomheder", "190000")],
        [("Licenser og abonnementer", "12000")],
    ),
    (
        "Catering",
        [("Køkkenudstyr", "16000"), ("Fødevaregodkendelse og kurser", "3500")],
        [("Selskaber og frokostordninger", "220000")],
        [("Leje af køkken", "48000")],
    ),
    (
        "Frisørsalon",
        [("Stole og spejle", "21000"), ("Produkter", "8000")],
        [("Klip og farve", "230000")],
        [("Husleje salon", "72000")],
    ),
]

# What happens to each budgeted case (the decisions demo carries it out), in turn.
SCENARIOS = [
    "main_course",  # yellow → resubmission → green → granted → main course
    "granted",  # green → both approvals
    "awaiting_caseworker",  # green → project leader approved, benefits caseworker not yet
    "yellow",  # yellow, awaiting a resubmitted budget
    "red_end",  # red: the trajectory ends
    "budget_only",  # in the pre-course, no decision yet
    "main_course_direct",  # green in the first round → granted → main course
    "red_return",  # red: back to the job centre
    "resubmitted",  # yellow → resubmitted, awaiting round 2
]
BY_TARGET_STAGE = {
    Stage.MAIN_COURSE: "main_course",
    Stage.COMPLETED: "main_course",
    Stage.GRANTED: "granted",
    Stage.DECISION: "awaiting_caseworker",
}


def healthy_months(rng, loan: Decimal, establishment: Decimal) -> list[Month]:
    sales = D(rng.choice([6000, 8000, 9000, 11000]))
    months = [Month(loan=loan, costs=establishment + D("2500"), sales=sales, living_costs=D("0"))]
    for n in range(1, 6):
        months.append(Month(sales=sales + D(1500 * n), costs=D("3500"), living_costs=D("1500")))
    return months


def red_flag_months(loan: Decimal) -> list[Month]:
    months = [Month(loan=loan, costs=D("4000"), living_costs=D("11500"))]
    months += [Month(costs=D("2500"), living_costs=D("11500")) for _ in range(3)]
    months += [Month(sales=D("38000"), costs=D("6000"), living_costs=D("11500")) for _ in range(2)]
    return months


def submit_demo_budget(case, user, index, *, red_flag, submitted_on: dt.date, rng, note=""):
    _name, est, inc, cst = BUSINESSES[index % len(BUSINESSES)]
    establishment = [(label, D(amount)) for label, amount in est]
    total = sum((a for _l, a in establishment), D("0"))
    own = D(rng.choice([0, 1000, 2500, 5000]))
    loan = max(D("1000"), total - own + D("5000"))
    months = red_flag_months(loan) if red_flag else healthy_months(rng, loan, total)
    return submit_budget(
        case,
        submitted_on=submitted_on,
        establishment=establishment,
        income=[(label, D(a)) for label, a in inc],
        costs=[(label, D(a)) for label, a in cst] + [("Forsikring og revisor", D("9000"))],
        months=months,
        own_funds=own,
        note=note,
        acting_user=user,
    )


def anchor_date(case, today: dt.date) -> dt.date:
    """The day the case's main course starts if that has passed, else today: the demo's
    budgets and decisions are dated back from it."""
    cohort = case.cohort
    if cohort is not None and cohort.main_course_start <= today:
        return cohort.main_course_start
    return today


def _leader(ctx):
    return ctx.users.get("demo-projektleder") or ctx.user("project_leader")


def populate(ctx):
    by_stage = ctx.data.get("cases_by_stage")
    if not by_stage:
        return
    leader = _leader(ctx)
    chosen = []
    index = 0
    for stage, cases in by_stage.items():
        for case in cases:
            case.refresh_from_db()
            if case.stage != Stage.PRE_COURSE:
                continue
            if stage in BY_TARGET_STAGE:
                scenario = BY_TARGET_STAGE[stage]
            elif stage == Stage.PRE_COURSE:
                if index >= len(SCENARIOS) and index % 3 == 0:
                    index += 1
                    continue  # some pre-course cases have no budget yet
                scenario = SCENARIOS[index % len(SCENARIOS)]
            else:
                continue
            red_flag = scenario in ("main_course", "yellow", "resubmitted", "red_end")
            submit_demo_budget(
                case,
                leader,
                index,
                red_flag=red_flag,
                submitted_on=anchor_date(case, ctx.today) - dt.timedelta(days=45),
                rng=ctx.rng,
                note="Udarbejdet i forforløbet sammen med projektlederen.",
            )
            chosen.append((case, scenario, index))
            index += 1
    ctx.data["budgeted_cases"] = chosen
