"""One loan on one date, as the loan page and ``mikrolaan loans show`` present it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal, TypedDict

from mikrolaan.loans import ledger
from mikrolaan.loans.arrears import Arrears, arrears_for
from mikrolaan.loans.models import Deferral, LedgerEntry, Loan, Overpayment
from mikrolaan.loans.plan import policy_of, position
from mikrolaan.loans.schedule import Instalment, Position, to_kr
from mikrolaan.policy.models import LoanPolicy

InstalmentStatus = Literal["paid", "overdue", "part_paid", "due_later"]


class PlanRow(TypedDict):
    """One instalment of the plan on the summary's date, in kroner."""

    number: int
    due_date: dt.date
    amount: Decimal
    paid: Decimal
    unpaid: Decimal
    status: InstalmentStatus


class LoanSummary(TypedDict):
    loan: Loan
    policy: LoanPolicy | None
    as_of: dt.date
    balance: Decimal
    balance_now: Decimal
    arrears: Arrears | None
    position: Position | None
    plan: list[PlanRow]
    plan_all: list[Instalment]
    entries: list[LedgerEntry]
    reversed_ids: set[int]
    deferrals: list[Deferral]
    deferred_months: int
    overpayments: list[Overpayment]
    held_for_refund: Decimal
    last_due_date: dt.date | None


def _m(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def loan_summary(loan: Loan, as_of: dt.date) -> LoanSummary:
    """Terms, plan (with what is paid of each instalment), transactions, balance, arrears."""
    policy = policy_of(loan) if (loan.policy_id or loan.granted_on or loan.disbursed_on) else None
    pos = position(loan, as_of) if loan.disbursed_on else None
    arrears = arrears_for(as_of, [loan.pk]).get(loan.pk) if loan.disbursed_on else None
    plan: list[PlanRow] = []
    if pos is not None:
        for state in pos.instalments:
            inst = state.instalment
            status: InstalmentStatus
            if state.unpaid == 0:
                status = "paid"
            elif inst.due_date <= as_of:
                status = "overdue"
            elif state.paid:
                status = "part_paid"
            else:
                status = "due_later"
            plan.append(
                {
                    "number": inst.number,
                    "due_date": inst.due_date,
                    "amount": to_kr(inst.amount),
                    "paid": to_kr(state.paid),
                    "unpaid": to_kr(state.unpaid),
                    "status": status,
                }
            )
    elif loan.disbursed_on is None:
        plan = []
    entries = list(loan.entries.select_related("reverses").order_by("value_date", "pk"))
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id}
    overpayments = list(Overpayment.objects.filter(loan=loan).select_related("refund"))
    deferrals = list(Deferral.objects.filter(loan=loan).order_by("recorded_at", "pk"))
    balance_now = ledger.balance(loan)
    current = loan.last_value_date is None or as_of >= loan.last_value_date
    return {
        "loan": loan,
        "policy": policy,
        "as_of": as_of,
        "balance": balance_now if current else ledger.balance(loan, as_of),
        "balance_now": balance_now,
        "arrears": arrears,
        "position": pos,
        # the whole plan: the position holds every instalment
        "plan_all": [state.instalment for state in pos.instalments] if pos else [],
        "plan": plan,
        "entries": entries,
        "reversed_ids": reversed_ids,
        "deferrals": deferrals,
        "deferred_months": sum(d.months for d in deferrals),
        "overpayments": overpayments,
        "held_for_refund": sum(
            (o.amount for o in overpayments if not hasattr(o, "refund")), Decimal("0.00")
        ),
        "last_due_date": pos.last_due_date if pos else None,
    }


def loan_json(loan: Loan, as_of: dt.date) -> dict[str, Any]:
    """The summary as JSON-ready values (``mikrolaan loans show``)."""
    s = loan_summary(loan, as_of)
    policy = s["policy"]
    arrears = s["arrears"]
    return {
        "loan_ref": loan.loan_ref,
        "as_of": as_of.isoformat(),
        "status": loan.status,
        "citizen": {"name": loan.citizen.full_name, "cpr": loan.citizen.cpr},
        "terms": {
            "principal": _m(loan.principal),
            "interest": "0.00",
            "term_months": loan.term_months,
            "due_day": policy.due_day if policy else None,
            "policy": {
                "id": policy.pk,
                "name": policy.name,
                "valid_from": policy.valid_from.isoformat(),
            }
            if policy
            else None,
            "granted_on": loan.granted_on.isoformat() if loan.granted_on else None,
            "disbursed_on": loan.disbursed_on.isoformat() if loan.disbursed_on else None,
            "repayment_start": loan.repayment_start.isoformat() if loan.repayment_start else None,
            "payment_id": loan.payment_id,
            "deferred_months": s["deferred_months"],
            "max_deferral_months": policy.max_deferral_months if policy else None,
        },
        "deferrals": [
            {
                "decided_on": d.decided_on.isoformat(),
                "first_month": d.first_month.isoformat()[:7],
                "months": d.months,
                "at_start": d.at_start,
                "reason": d.reason,
            }
            for d in s["deferrals"]
        ],
        "plan": [
            {
                "number": row["number"],
                "due_date": row["due_date"].isoformat(),
                "amount": _m(row["amount"]),
                "paid": _m(row["paid"]),
                "status": row["status"],
            }
            for row in s["plan"]
        ],
        "transactions": [
            {
                "id": e.pk,
                "value_date": e.value_date.isoformat(),
                "kind": e.kind,
                "amount": _m(e.amount),
                "debt_delta": _m(e.debt_delta),
                "reverses": e.reverses_id,
                "source": e.source,
                "why": e.why,
            }
            for e in s["entries"]
            if e.value_date <= as_of
        ],
        "balance": _m(s["balance"]),
        "early_repayment_figure": _m(s["balance"]),
        "held_for_refund": _m(s["held_for_refund"]),
        "arrears": {
            "due_to_date": _m(arrears.due_to_date),
            "paid_to_date": _m(arrears.paid_to_date),
            "arrears": _m(arrears.arrears),
            "oldest_unpaid_due": arrears.oldest_unpaid_due.isoformat()
            if arrears.oldest_unpaid_due
            else None,
            "days_past_due": arrears.days_past_due,
        }
        if arrears
        else None,
        "last_due_date": s["last_due_date"].isoformat() if s["last_due_date"] else None,
    }
