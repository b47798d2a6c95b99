"""Demo: the daily servicing run over the demo portfolio for the past months.

Three borrowers of our own make sure every part shows (the loans of the ``loans`` demo, if
any, go through the same runs): Mette Kjær stops paying, gets three reminders, the project
leader reaches her, and the finance clerk hands the claim to Gældsstyrelsen, which
acknowledges it, takes it into processing and reports a payment; Ali Hassan is exempt from
Digital Post, so his reminders go on paper and the project leader has an open task to reach
him; Jonas Lund misses instalments and pays after the first reminder.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from mikrolaan.accounts.models import User
from mikrolaan.accounts.roles import Role
from mikrolaan.cases.constants import Stage
from mikrolaan.cases.models import Case
from mikrolaan.core.demo import DemoContext
from mikrolaan.decisions.builders import grant
from mikrolaan.loans import services as loan_services
from mikrolaan.loans.demo import ready_for_payout
from mikrolaan.loans.models import Loan
from mikrolaan.loans.plan import plan_of
from mikrolaan.loans.schedule import is_bank_day
from mikrolaan.people.models import Citizen
from mikrolaan.servicing import handover
from mikrolaan.servicing.models import Claim, ReminderCycle, ServicingRun, Task, TaskStatus
from mikrolaan.servicing.run import run
from mikrolaan.servicing.tasks import complete_task

BORROWERS = [
    # first, last, cpr, phone, address, exempt, amount
    ("Mette", "Kjær", "1403751234", "22 45 67 89", "Frederiksgade 12, 8000 Aarhus C", False, 24000),
    ("Ali", "Hassan", "0207681357", "31 22 19 04", "Bispehavevej 3, 8210 Aarhus V", True, 18000),
    ("Jonas", "Lund", "2911802468", "40 11 23 45", "Vestergade 44, 8000 Aarhus C", False, 12600),
]


def _loan(
    ctx: DemoContext,
    first: str,
    last: str,
    cpr: str,
    phone: str,
    address: str,
    exempt: bool,
    amount: int,
    paid_on: dt.date,
) -> Loan:
    pl = ctx.user(Role.PROJECT_LEADER)
    bc = ctx.user(Role.BENEFITS_CASEWORKER)
    unit = next(iter(ctx.units.values()), None)
    assert unit is not None  # the accounts demo made the units
    citizen = Citizen.objects.create(
        cpr=cpr,
        first_name=first,
        last_name=last,
        birth_year=1900 + int(cpr[4:6]),
        gender="F" if int(cpr[-1]) % 2 == 0 else "M",
        unit=unit,
        phone=phone,
        address=address,
        digital_post_exempt=exempt,
    )
    # The history before the budget is not part of this demo: the case starts in the
    # pre-course; budget, green decision and the two approvals go through the services.
    case = Case.objects.create(
        citizen=citizen,
        unit=unit,
        opened_on=paid_on - dt.timedelta(400),
        stage=Stage.PRE_COURSE,
    )
    decided = paid_on - dt.timedelta(days=20)
    decision = grant(
        case,
        amount=Decimal(amount),
        decided_on=decided,
        budget_on=decided - dt.timedelta(days=14),
        project_leader=pl,
        benefits_caseworker=bc,
    )
    loan = loan_services.create_loan(decision, acting_user=pl)
    ready_for_payout(loan, paid_on, pl, loan.pk)
    return loan_services.record_payout(loan, paid_on=paid_on, acting_user=pl, send_letters=False)


def _pay_due_before(loan: Loan, day: dt.date, clerk: User) -> None:
    """The borrower paid every instalment on its due date until ``day``."""
    for inst in plan_of(loan):
        if inst.due_date >= day:
            break
        loan_services.register_payment(
            loan,
            amount=Decimal(inst.amount) / 100,
            paid_on=inst.due_date,
            acting_user=clerk,
            why="Indbetalt med indbetalingskort",
        )


def populate(ctx: DemoContext) -> None:
    if ServicingRun.objects.exists():
        return
    clerk = ctx.user(Role.FINANCE_CLERK)
    leader = ctx.user(Role.PROJECT_LEADER)
    start = ctx.today - dt.timedelta(days=100)
    paid_on = start - dt.timedelta(days=160)
    loans = {}
    for first, last, cpr, phone, address, exempt, amount in BORROWERS:
        if Citizen.objects.filter(cpr=cpr).exists():
            return  # loaded before
        loan = _loan(ctx, first, last, cpr, phone, address, exempt, amount, paid_on)
        _pay_due_before(loan, start, clerk)
        loans[first] = loan
    mette, jonas = loans["Mette"], loans["Jonas"]
    claim: Claim | None = None
    day = start
    while day < ctx.today:
        if is_bank_day(day):
            _events_before_run(day, jonas, clerk)
            run(day)
            claim = _events_after_run(day, mette, leader, clerk, claim)
        day += dt.timedelta(days=1)
    ctx.data["servicing_claim"] = claim


def _events_before_run(day: dt.date, jonas: Loan, clerk: User) -> None:
    cycle = ReminderCycle.objects.filter(loan=jonas, closed_on__isnull=True).first()
    if cycle and day >= cycle.opened_on + dt.timedelta(days=5):
        latest = cycle.reminders.order_by("-number").first()
        assert latest is not None  # a cycle opens with its first reminder
        arrears = latest.arrears
        loan_services.register_payment(
            jonas, amount=arrears, paid_on=day, acting_user=clerk, why="Betalt efter rykker"
        )


def _events_after_run(
    day: dt.date, mette: Loan, leader: User, clerk: User, claim: Claim | None
) -> Claim | None:
    for task in Task.objects.filter(loan=mette, status=TaskStatus.OPEN, kind="contact_citizen"):
        if day >= task.created_on + dt.timedelta(days=2):
            complete_task(
                task,
                note="Ringet flere gange uden svar; besøgt på adressen og talt med Mette. "
                "Hun kan ikke betale nu og er orienteret om overdragelsen.",
                on=day,
                acting_user=leader,
            )
    if claim is None:
        cycle = handover.candidates().filter(loan=mette).first()
        if cycle and all(c.ok for c in handover.checks(cycle, day)):
            claim = handover.confirm_handover(cycle, on=day, acting_user=clerk)
        return claim
    ref = claim.claim_ref
    if day == claim.confirmed_on + dt.timedelta(days=1) or (
        day > claim.confirmed_on and not claim.receipts.exists()
    ):
        handover.import_receipts(
            f"claim_ref,status,date,message\n{ref},MODTAGET,{day},Fordringen er modtaget\n"
        )
    if day >= claim.confirmed_on + dt.timedelta(days=8) and claim.receipts.count() == 1:
        handover.import_receipts(
            f"claim_ref,status,date,message\n{ref},SAGSBEHANDL,{day},Under sagsbehandling\n"
        )
    if day >= claim.confirmed_on + dt.timedelta(days=20) and claim.receipts.count() == 2:
        handover.import_payments(
            f"claim_ref,reference,date,amount\n{ref},GST-{claim.pk:06d}-1,{day},750.00\n"
        )
    return claim
