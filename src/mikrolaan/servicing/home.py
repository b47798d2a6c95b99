"""Start-page panels: the project leader's tasks, the finance clerk's hand-over candidates."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from mikrolaan.accounts.models import User
from mikrolaan.accounts.roles import Role
from mikrolaan.core.home import register_panel
from mikrolaan.servicing.handover import candidates
from mikrolaan.servicing.queues import open_tasks


@register_panel(order=30)
def servicing_tasks_panel(user: User) -> dict[str, Any] | None:
    if not user.is_authenticated or user.role not in (Role.PROJECT_LEADER, Role.FINANCE_CLERK):
        return None
    tasks = list(open_tasks(user)[:20])
    if not tasks and user.role == Role.FINANCE_CLERK:
        return None
    url = reverse("servicing:tasks")
    return {
        "key": "servicing-tasks",
        "heading": _("Tasks from the servicing"),
        "columns": [_("Task"), _("Citizen"), _("Why"), _("Loan"), _("Phone")],
        "rows": [
            {
                "url": f"{url}#task-{t.pk}",
                "citizen": t.loan.citizen_id,
                "cells": [
                    t.get_kind_display(),
                    t.loan.citizen.full_name,
                    t.get_reason_display(),
                    t.loan.loan_ref,
                    t.loan.citizen.phone or "–",
                ],
            }
            for t in tasks
        ],
        "empty": _("No citizen needs to be reached in person."),
        "link": {"url": url, "label": _("All tasks")},
    }


@register_panel(order=31)
def handover_panel(user: User) -> dict[str, Any] | None:
    if not user.is_authenticated or user.role != Role.FINANCE_CLERK:
        return None
    cycles = list(candidates()[:10])
    url = reverse("servicing:queues")
    return {
        "key": "servicing-candidates",
        "heading": _("Hand-over candidates"),
        "columns": [_("Loan"), _("Citizen"), _("Reminders since")],
        "rows": [
            {
                "url": f"{url}#candidates",
                "citizen": c.loan.citizen_id,
                "cells": [c.loan.loan_ref, c.loan.citizen.full_name, c.opened_on],
            }
            for c in cycles
        ],
        "empty": _("No loan is waiting for hand-over."),
        "link": {"url": url, "label": _("Servicing queues")},
    }
