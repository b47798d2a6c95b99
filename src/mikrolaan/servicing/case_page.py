"""The case page's servicing section: reminders, tasks and claims of the case's loans."""

from mikrolaan.cases.page import register_section
from mikrolaan.servicing.models import Claim, Reminder, Task


@register_section(order=55)
def servicing_section(case, user):
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
