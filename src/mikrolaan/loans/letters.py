"""The loan's letters to the citizen: the loan agreement (gældsbrev) and the repayment plan.

Written in Danish directly (they are documents to a Danish citizen, not screens), rendered
with WeasyPrint and sent through the ``letters`` outbox.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from mikrolaan.accounts.models import User
from mikrolaan.letters.models import Letter, LetterKind
from mikrolaan.letters.pdf import render_pdf
from mikrolaan.letters.services import send_letter
from mikrolaan.loans import schedule
from mikrolaan.loans.models import Deferral, Loan
from mikrolaan.loans.payment_id import display
from mikrolaan.loans.plan import plan_of, policy_of


def _context(loan: Loan) -> dict[str, Any]:
    policy = policy_of(loan)
    plan = plan_of(loan)
    rows = [
        {"number": i.number, "due_date": i.due_date, "amount": schedule.to_kr(i.amount)}
        for i in plan
    ]
    return {
        "loan": loan,
        "citizen": loan.citizen,
        "policy": policy,
        "plan": rows,
        "first": rows[0] if rows else None,
        "last": rows[-1] if rows else None,
        "regular_amount": rows[0]["amount"] if rows else None,
        "deferrals": list(Deferral.objects.filter(loan=loan).order_by("recorded_at")),
        "payment_ref": display(loan.payment_id) if loan.payment_id else "",
        "municipality": getattr(settings, "MIKROLAAN_MUNICIPALITY", "Aarhus Kommune"),
        "department": getattr(
            settings, "MIKROLAAN_DEPARTMENT", "Beskæftigelsesforvaltningen, Jobcenter Aarhus"
        ),
    }


def agreement_pdf(loan: Loan) -> bytes:
    return render_pdf("loans/letters/agreement.html", _context(loan))


def plan_pdf(loan: Loan) -> bytes:
    return render_pdf("loans/letters/plan.html", _context(loan))


def send_agreement(loan: Loan, *, acting_user: User) -> Letter:
    return send_letter(
        loan.citizen,
        kind=LetterKind.LOAN_AGREEMENT,
        subject=f"Gældsbrev for lån {loan.loan_ref}",
        pdf=agreement_pdf(loan),
        acting_user=acting_user,
        case=loan.case,
        reference=loan.loan_ref,
    )


def send_plan(loan: Loan, *, acting_user: User) -> Letter:
    return send_letter(
        loan.citizen,
        kind=LetterKind.REPAYMENT_PLAN,
        subject=f"Afdragsplan for lån {loan.loan_ref}",
        pdf=plan_pdf(loan),
        acting_user=acting_user,
        case=loan.case,
        reference=loan.loan_ref,
    )
