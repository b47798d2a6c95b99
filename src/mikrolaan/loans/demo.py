"""Demo: a portfolio of loans paid out from 2013 on, through the real services.

If the decisions demo left granted decisions (green, both approvals) without a loan, their
loans are set up and paid out first. Then a small portfolio of borrowers is made: a citizen
and a case in its cohort's pre-course, then budget, green decision and the two approvals
through the decisions services (``decisions.builders``): regular payers, early repayers,
deferrals, borrowers in arrears, one handed to Gældsstyrelsen and one written off.
"""

import datetime as dt
import random
from decimal import Decimal

from mikrolaan.accounts.models import User
from mikrolaan.accounts.roles import Role
from mikrolaan.cases.constants import Stage
from mikrolaan.cases.models import Case
from mikrolaan.core.demo import DemoContext
from mikrolaan.decisions.builders import grant, start_for_payout
from mikrolaan.decisions.models import Decision
from mikrolaan.loans import schedule, services
from mikrolaan.loans.models import Loan
from mikrolaan.loans.plan import plan_of
from mikrolaan.people.models import Citizen

# fmt: off
BORROWERS = [
    # first, last, gender, born, business, amount, payout, behaviour
    ("Mette", "Rasmussen", "F", dt.date(1968, 4, 2), "Frisørsalon", "38000", "2013-03-18", "regular"),  # noqa: E501
    ("Kasper", "Holm", "M", dt.date(1975, 9, 21), "Cykelværksted", "25000", "2013-09-09", "early"),
    ("Aisha", "Karimi", "F", dt.date(1979, 1, 30), "Syværksted", "12500", "2014-02-10", "regular"),
    ("Lars", "Sørensen", "M", dt.date(1961, 6, 14), "Tømrer", "51000", "2014-08-25", "arrears"),
    ("Hanne", "Poulsen", "F", dt.date(1972, 11, 5), "Keramik", "18000", "2015-03-02", "collection"),
    ("Omar", "Haddad", "M", dt.date(1983, 3, 17), "Madvogn", "45000", "2015-10-12", "deferral"),
    ("Birthe", "Kristensen", "F", dt.date(1966, 8, 9), "Hundefrisør", "9500", "2016-04-04", "early"),  # noqa: E501
    ("Jens", "Mikkelsen", "M", dt.date(1958, 12, 1), "Antikvariat", "30000", "2017-01-16", "writeoff"),  # noqa: E501
    ("Sofie", "Andersen", "F", dt.date(1985, 5, 23), "Grafisk design", "22000", "2018-06-11", "extra"),  # noqa: E501
    ("Tariq", "Aziz", "M", dt.date(1977, 2, 12), "Rengøring", "35000", "2019-09-02", "regular"),
    ("Pia", "Nielsen", "F", dt.date(1970, 7, 7), "Yogastudie", "27500", "2021-02-15", "deferral"),
    ("Henrik", "Olsen", "M", dt.date(1974, 10, 28), "Ejendomsservice", "40000", "2022-08-22", "late"),  # noqa: E501
    ("Fatima", "Yilmaz", "F", dt.date(1981, 4, 19), "Skrædder", "15000", "2024-01-08", "arrears"),
    ("Morten", "Jensen", "M", dt.date(1969, 9, 3), "Blikkenslager", "50000", "2025-05-05", "missed"),  # noqa: E501
    ("Camilla", "Berg", "F", dt.date(1988, 12, 12), "Webshop", "20000", "2026-03-02", "deferral"),
]
# fmt: on


def _cpr(born: dt.date, n: int, female: bool) -> str:
    serial = 1000 + n * 37 % 2000 * 2 + (0 if female else 1)
    return born.strftime("%d%m%y") + f"{serial:04d}"


def _granted_decision(
    ctx: DemoContext, citizen: Citizen, amount: Decimal, decided_on: dt.date, business: str
) -> Decision:
    pl = ctx.user(Role.PROJECT_LEADER)
    bc = ctx.user(Role.BENEFITS_CASEWORKER)
    unit = next(iter(ctx.units.values()))
    # The borrower belongs to the cohort whose main course was running at the payout, so the
    # reports and the funnel count the loan under a cohort as the review does.
    from mikrolaan.courses.models import Cohort, Participation

    payout_on = decided_on + dt.timedelta(days=21)
    cohort = (
        Cohort.objects.filter(main_course_start__lte=payout_on, main_course_end__gte=payout_on)
        .order_by("-main_course_start")
        .first()
    )  # none running: a late payout, outside a cohort (its main course starts at the payout)
    # The history before the budget (referral, screenings, the plan) is not part of this
    # demo: the case starts in the pre-course of its cohort.
    case = Case.objects.create(
        citizen=citizen,
        unit=unit,
        opened_on=decided_on - dt.timedelta(days=180),
        cohort=cohort,
        stage=Stage.PRE_COURSE,
    )
    if cohort is not None:
        Participation.objects.create(case=case, cohort=cohort)
    return grant(
        case,
        amount=amount,
        decided_on=decided_on,
        budget_on=decided_on - dt.timedelta(days=14),
        project_leader=pl,
        benefits_caseworker=bc,
        justification=(
            "Værktøj og varebil er nødvendige for at drive virksomheden." if amount > 50000 else ""
        ),
        reasons={
            "person_reason": "Motiveret og vedholdende; har selv ønsket det.",
            "money_reason": "Realistisk etableringsbudget.",
            "plan_reason": f"{business}: gennemarbejdet forretningsplan.",
        },
    )


def ready_for_payout(loan: Loan, on: dt.date, user: User, n: int) -> None:
    """Main course started and declared fit for work: what a payout needs (DOMAIN.md §6)."""
    from mikrolaan.decisions.demo import fictitious_cvr
    from mikrolaan.decisions.main_course import confirm_fit_for_work, payout_blockers

    assert loan.case_id is not None  # a demo loan has its case
    case = Case.objects.get(pk=loan.case_id)  # as it stands now (its stage moves)
    if not payout_blockers(case):
        return
    if case.stage == Stage.GRANTED:
        start_for_payout(case, on=on, cvr=fictitious_cvr(1000 + n), acting_user=user)
    elif not case.fit_for_work.exists():
        confirm_fit_for_work(case, confirmed_on=on, acting_user=user)


def _complete_ended_course(loan: Loan, today: dt.date) -> None:
    """The cohort's main course has ended: the borrower completed it (no service records
    that yet, so the participation is marked here as before)."""
    from mikrolaan.courses.models import Participation, ParticipationStatus

    case = loan.case
    assert case is not None  # a demo loan has its case
    if case.cohort is not None and case.cohort.main_course_end < today:
        Participation.objects.filter(
            case=loan.case_id, status=ParticipationStatus.MAIN_COURSE
        ).update(status=ParticipationStatus.COMPLETED)


def _pay(loan: Loan, clerk: User, today: dt.date, behaviour: str, rng: random.Random) -> None:
    """Payments as the borrower made them, month by month, through the real service."""
    plan = plan_of(loan)
    for k, inst in enumerate(plan):
        if behaviour == "early" and k == 20:
            services.register_payment(
                loan,
                amount=services.early_repayment_figure(loan, inst.due_date),
                paid_on=inst.due_date,
                acting_user=clerk,
                why="Indfrielse",
            )
            return
        if (
            behaviour in ("arrears", "collection", "writeoff")
            and k >= {"arrears": 9, "collection": 14, "writeoff": 11}[behaviour]
        ):
            return
        if behaviour == "missed" and inst.due_date > today - dt.timedelta(days=62):
            return  # has not paid the last two months: a task for the project leader
        day = inst.due_date + dt.timedelta(days=18 if behaviour == "late" else -rng.randint(0, 4))
        if day > today:
            return
        services.register_payment(
            loan, amount=schedule.to_kr(inst.amount), paid_on=day, acting_user=clerk
        )
        if behaviour == "extra" and k == 11 and day + dt.timedelta(days=40) <= today:
            services.register_payment(
                loan,
                amount=Decimal("5000.00"),
                paid_on=day + dt.timedelta(days=40),
                acting_user=clerk,
                why="Ekstra indbetaling",
            )


def populate(ctx: DemoContext) -> None:
    clerk = ctx.user(Role.FINANCE_CLERK)
    pl = ctx.user(Role.PROJECT_LEADER)
    made = []
    # Granted decisions from the decisions demo, if any.
    # They repay as real borrowers do: most on time, one early, one stopping.
    behaviours = ["regular", "early", "regular", "late", "arrears"]
    for k, decision in enumerate(Decision.objects.filter(colour="green", loan__isnull=True)):
        if services.grant_status(decision)[0]:
            loan = services.create_loan(decision, acting_user=pl)
            paid_on = min(ctx.today, decision.decided_on + dt.timedelta(days=30))
            ready_for_payout(loan, paid_on, pl, loan.pk)
            loan = services.record_payout(
                loan, paid_on=paid_on, acting_user=clerk, send_letters=False
            )
            _pay(loan, clerk, ctx.today, behaviours[k % len(behaviours)], ctx.rng)
            loan.refresh_from_db()
            made.append(loan)
    for n, (first, last, gender, born, business, amount, payout, behaviour) in enumerate(BORROWERS):
        payout_on = dt.date.fromisoformat(payout)
        if payout_on > ctx.today:
            continue
        citizen = Citizen.objects.create(
            cpr=_cpr(born, n, gender == "F"),
            first_name=first,
            last_name=last,
            birth_date=born,
            birth_year=born.year,
            gender=gender,
            unit=next(iter(ctx.units.values())),
            address=f"{['Vestergade', 'Østergade', 'Nørregade', 'Søndergade'][n % 4]} "
            f"{n + 3}, 8000 Aarhus C",
            digital_post_exempt=(n == 4),
        )
        decision = _granted_decision(
            ctx, citizen, Decimal(amount), payout_on - dt.timedelta(days=21), business
        )
        loan = services.create_loan(
            decision,
            acting_user=pl,
            collateral="Tinglyst pant i varebil" if Decimal(amount) > 40000 else "",
        )
        ready_for_payout(loan, payout_on, pl, n)
        _complete_ended_course(loan, ctx.today)
        deferral_at_start = 6 if behaviour == "deferral" else 0
        loan = services.record_payout(
            loan,
            paid_on=payout_on,
            acting_user=clerk,
            deferral_months=deferral_at_start,
            deferral_reason="Virksomheden har brug for en opstartsperiode uden afdrag."
            if deferral_at_start
            else "",
            send_letters=n >= len(BORROWERS) - 2,  # the newest loans' letters in the outbox
        )
        if behaviour == "deferral" and n == 5:
            # a later deferral too: illness in the second year
            services.grant_deferral(
                loan,
                months=4,
                reason="Sygemeldt efter en arbejdsulykke (lægeerklæring).",
                decided_on=payout_on + dt.timedelta(days=420),
                acting_user=pl,
                send_letters=False,
            )
        _pay(loan, clerk, ctx.today, behaviour, ctx.rng)
        loan.refresh_from_db()
        if behaviour == "collection":
            services.transfer_to_collection(
                loan,
                on=min(ctx.today, payout_on + dt.timedelta(days=30 * 22)),
                reason="Aftalen misligholdt; tre rykkere uden betaling; varslet skriftligt.",
                acting_user=clerk,
            )
        if behaviour == "writeoff":
            services.write_off(
                loan,
                on=min(ctx.today, payout_on + dt.timedelta(days=30 * 30)),
                reason="Dødsbo uden midler.",
                acting_user=clerk,
            )
        made.append(loan)
    ctx.data["loans"] = made
