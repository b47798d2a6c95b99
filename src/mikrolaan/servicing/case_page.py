"""The case page's servicing section: reminders, tasks and claims of the case's loans."""

from typing import Any

from mikrolaan.accounts.models import User
from mikrolaan.cases.models import Case, CaseEvent
from mikrolaan.cases.page import register_section
from mikrolaan.servicing.models import Claim, Reminder, Task


@register_section(order=55)
def servicing_section(case: Case, user: User) -> dict[str, Any] | None:
    if not getattr(user, "sees_all_cases", False):
        return None
    reminders = list(
        Reminder.objects.filter(loan__case=case)
        .select_related("loan", "letter")
        .order_by("sent_on")
    )
    if not reminders:
        return None
    return {
        "template": "servicing/case_section.html",
        "context": {
            "reminders": reminders,
            "tasks": list(Task.objects.filter(loan__case=case).order_by("created_on")),
            "claims": list(Claim.objects.filter(loan__case=case).prefetch_related("receipts")),
        },
    }


# --- servicing's events on the case timeline: named and summarised at render time -----------


def _register_timeline() -> None:
    from django.utils.translation import gettext as _
    from django.utils.translation import gettext_lazy

    from mikrolaan.cases.page import register_event_kind, register_event_summary
    from mikrolaan.core.formatting import money
    from mikrolaan.servicing.models import ReceiptStatus, TaskKind

    register_event_kind("loan_reminder", gettext_lazy("Reminder sent"))
    register_event_kind("servicing_task_done", gettext_lazy("Servicing task done"))
    register_event_kind("claim_receipt", gettext_lazy("Receipt from Gældsstyrelsen"))

    @register_event_summary("loan_reminder")
    def reminder(event: CaseEvent) -> str:
        d = event.data
        text = _("%(loan)s: reminder %(number)s, arrears %(arrears)s") % {
            "loan": d["loan"],
            "number": d["reminder"],
            "arrears": money(d["arrears"]),
        }
        if d["last"]:
            text += " " + _("(notice of hand-over to Gældsstyrelsen)")
        return text

    @register_event_summary("servicing_task_done")
    def task_done(event: CaseEvent) -> str:
        return f"{event.data['loan']}: {TaskKind(event.data['task_kind']).label}"

    @register_event_summary("claim_receipt")
    def receipt(event: CaseEvent) -> str:
        return f"{event.data['claim']}: {ReceiptStatus(event.data['status']).label}"


_register_timeline()
