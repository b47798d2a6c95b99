"""The loan on the case page: the loan's figures, or "set up loan" for a granted decision."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mikrolaan.cases.page import register_action, register_section
from mikrolaan.loans import ledger
from mikrolaan.loans.arrears import arrears_for
from mikrolaan.loans.models import Loan
from mikrolaan.loans.permissions import can
from mikrolaan.loans.services import grant_status


def granted_decisions_without_loan(case):
    decisions = case.decisions.filter(colour="green", loan__isnull=True).prefetch_related(
        "approvals"
    )
    return [d for d in decisions if grant_status(d)[0]]


@register_section(order=60)
def loan_section(case, user):
    if not can(user, "view"):
        return None
    loans = list(Loan.objects.for_user(user).filter(case=case))
    if not loans:
        return None
    today = timezone.localdate()
    arrears = arrears_for(today, [loan.pk for loan in loans if loan.disbursed_on])
    rows = [
        {
            "loan": loan,
            "url": reverse("loans:detail", args=[loan.pk]),
            "balance": ledger.balance(loan),
            "arrears": arrears.get(loan.pk),
        }
        for loan in loans
    ]
    return {"template": "loans/case_section.html", "context": {"loan_rows": rows}}


@register_action(order=60)
def loan_actions(case, user):
    if not can(user, "set_up"):
        return []
    return [
        {
            "label": _("Set up loan"),
            "url": reverse("loans:set_up", args=[decision.pk]),
            "method": "post",
        }
        for decision in granted_decisions_without_loan(case)
    ]
