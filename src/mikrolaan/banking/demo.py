"""Demo: yesterday's statement from the municipality's bank, with repayments on the loans
being repaid and a few entries the finance clerk must look at (so the queue is not empty)."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from mikrolaan.accounts.roles import Role
from mikrolaan.banking.samples import Payment, camt053, pay
from mikrolaan.banking.services import import_statement_file
from mikrolaan.core.demo import DemoContext
from mikrolaan.loans import payment_id
from mikrolaan.loans.ledger import balance
from mikrolaan.loans.models import Loan, LoanStatus

DEBTORS = [
    "Anne Sørensen",
    "Mads Kristensen",
    "Fatima Ali",
    "Jens Mikkelsen",
    "Sofie Laursen",
    "Kasper Thomsen",
]


def _previous_bank_day(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def populate(ctx: DemoContext) -> None:
    loans = list(ctx.data.get("loans") or [])
    if not loans:
        loans = list(
            Loan.objects.filter(status=LoanStatus.ACTIVE, payment_id__isnull=False).order_by("pk")
        )
    loans = [loan for loan in loans if loan.status == LoanStatus.ACTIVE and loan.payment_id]
    if not loans:
        return  # nothing is being repaid yet: no statement to show
    try:
        clerk = ctx.user(Role.FINANCE_CLERK)
    except LookupError:
        clerk = None
    day = _previous_bank_day(ctx.today)
    payments = []
    for n, loan in enumerate(loans[:8]):
        instalment = (loan.principal / loan.term_months).quantize(Decimal("1"), ROUND_HALF_UP)
        amount = min(instalment, balance(loan))
        if amount > 0:
            payments.append(pay(loan, str(amount), booked=day, debtor=DEBTORS[n % len(DEBTORS)]))
    first = loans[0]
    mistyped = first.payment_id[:-1] + str((int(first.payment_id[-1]) + 3) % 10)
    payments += [
        # The citizen typed one digit wrong: the check digit catches it.
        pay(None, "400.00", payment_id=mistyped, booked=day, debtor="Mads Kristensen"),
        # A transfer with no reference at all, only a text.
        Payment(Decimal("1250.00"), text="Afdrag lån marts", booked=day, debtor="Henriette Olsen"),
        # A payment ID no loan has.
        pay(
            None,
            "357.00",
            payment_id=payment_id.make(99000000000001),
            booked=day,
            debtor="Peter Hansen",
        ),
        # The bank's own fee, money out.
        Payment(Decimal("45.00"), text="Gebyr kontoudtog", credit=False, booked=day, debtor=""),
    ]
    content = camt053(
        payments,
        statement_id=f"{day:%Y%m%d}-DEMO",
        day=day,
        opening=Decimal("412350.00"),
    )
    result = import_statement_file(f"kontoudtog-{day:%Y-%m-%d}.xml", content, acting_user=clerk)
    ctx.data["bank_import"] = result
