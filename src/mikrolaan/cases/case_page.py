"""What the cases app adds to the case page: the next screening step, dropout, contact."""

from django.urls import reverse
from django.utils.translation import gettext as _

from mikrolaan.cases.page import register_action
from mikrolaan.cases.services import (
    CASEWORK_ROLES,
    error_closure_refusal,
    may_screen,
    next_screening,
)


@register_action(order=10)
def screening_actions(case, user):
    kind = next_screening(case)
    if kind and may_screen(case, user, kind):
        labels = {
            "first_screening": _("Record first screening"),
            "first_conversation": _("Record first conversation"),
            "final_screening": _("Record final screening"),
        }
        return [
            {
                "label": labels[kind],
                "url": reverse("cases:screening", args=[case.pk, kind]),
                "primary": True,
                "key": kind,
            }
        ]
    return []


@register_action(order=90)
def casework_actions(case, user):
    if not (case.is_open and user.has_role(*CASEWORK_ROLES)):
        return []
    return [
        {
            "label": _("Edit contact details"),
            "url": reverse("cases:citizen_edit", args=[case.citizen_id]),
            "key": "edit-contact",
        },
        {
            "label": _("Record dropout"),
            "url": reverse("cases:dropout", args=[case.pk]),
            "key": "dropout",
        },
        *(
            []
            if error_closure_refusal(case)
            else [
                {
                    "label": _("Close as registered in error"),
                    "url": reverse("cases:close_in_error", args=[case.pk]),
                    "key": "registered-in-error",
                }
            ]
        ),
    ]
