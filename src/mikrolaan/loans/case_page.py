"""The loan on the case page: the loan's figures, or "set up loan" for a granted decision."""

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mikrolaan.accounts.models import User
from mikrolaan.cases.models import Case, CaseEvent
from mikrolaan.cases.page import register_action, register_section
from mikrolaan.decisions.models import Decision
from mikrolaan.loans.arrears import arrears_for
from mikrolaan.loans.models import Loan
from mikrolaan.loans.permissions import can
from mikrolaan.loans.services import grant_status


def granted_decisions_without_loan(case: Case) -> list[Decision]:
    decisions = case.decisions.filter(colour="green", loan__isnull=True).prefetch_related(
        "approvals"
    )
    return [d for d in decisions if grant_status(d)[0]]


@register_section(order=60)
def loan_section(case: Case, user: User) -> dict[str, Any] | None:
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
            "balance": loan.balance,  # kept with every posting (``loans.kept``), read just now
            "arrears": arrears.get(loan.pk),
        }
        for loan in loans
    ]
    return {"template": "loans/case_section.html", "context": {"loan_rows": rows}}


@register_action(order=60)
def loan_actions(case: Case, user: User) -> list[dict[str, str]]:
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


# --- the loan's events on the case timeline: named and summarised at render time ------------


def _register_timeline() -> None:
    from django.utils.translation import gettext_lazy

    from mikrolaan.cases.page import register_event_kind, register_event_summary
    from mikrolaan.core.formatting import money, month, months
    from mikrolaan.loans.models import EntryKind, LoanStatus

    for kind, label in [
        ("loan_created", gettext_lazy("Loan created")),
        ("loan_paid_out", gettext_lazy("Loan paid out")),
        ("loan_deferral", gettext_lazy("Deferral granted")),
        ("loan_entry_reversed", gettext_lazy("Loan entry reversed")),
        ("loan_overpayment_refunded", gettext_lazy("Overpayment refunded")),
        ("loan_in_collection", gettext_lazy("Loan handed over to Gældsstyrelsen")),
        ("loan_back_from_collection", gettext_lazy("Loan taken back from Gældsstyrelsen")),
        ("loan_written_off", gettext_lazy("Loan written off")),
        ("loan_repaid", gettext_lazy("Loan repaid")),
        ("loan_reopened", gettext_lazy("Loan reopened")),
        ("loan_reinstated", gettext_lazy("Write-off reversed")),
    ]:
        register_event_kind(kind, label)

    def amount_of(key: str) -> Callable[[CaseEvent], str]:
        def summary(event: CaseEvent) -> str:
            return f"{event.data['loan']}: {money(event.data[key])}"

        return summary

    register_event_summary("loan_created")(amount_of("principal"))
    for kind in (
        "loan_paid_out",
        "loan_overpayment_refunded",
        "loan_in_collection",
        "loan_back_from_collection",
        "loan_written_off",
    ):
        register_event_summary(kind)(amount_of("amount"))

    @register_event_summary("loan_deferral")
    def deferral(event: CaseEvent) -> str:
        return _("%(loan)s: %(months)s from %(month)s") % {
            "loan": event.data["loan"],
            "months": months(event.data["months"]),
            "month": month(event.data["from"]),
        }

    @register_event_summary("loan_entry_reversed")
    def reversed_entry(event: CaseEvent) -> str:
        kind = EntryKind(event.data["entry_kind"]).label
        return f"{event.data['loan']}: {kind} {money(event.data['amount'])}"

    @register_event_summary("loan_repaid")
    @register_event_summary("loan_reopened")
    @register_event_summary("loan_reinstated")
    def status_change(event: CaseEvent) -> str:
        return f"{event.data['loan']}: {LoanStatus(event.data['status']).label}"


_register_timeline()
