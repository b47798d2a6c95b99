"""The finance clerk's start-page panel: bank entries waiting in the queue."""

from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from mikrolaan.accounts.models import User
from mikrolaan.accounts.roles import Role
from mikrolaan.banking.matching import REASON_LABELS
from mikrolaan.banking.models import BankEntry
from mikrolaan.core.formatting import money
from mikrolaan.core.home import register_panel

SHOWN = 10


@register_panel(order=45)
def payment_queue_panel(user: User) -> dict[str, Any] | None:
    if not (user.is_authenticated and user.role == Role.FINANCE_CLERK):
        return None
    queued = BankEntry.objects.for_user(user).queued().order_by("booking_date", "pk")
    total = queued.count()
    rows = [
        {
            "cells": [
                date_format(e.booking_date, "SHORT_DATE_FORMAT"),
                money(e.amount, e.currency),
                REASON_LABELS.get(e.state_reason, e.state_reason),
            ],
            "url": reverse("banking:entry", args=[e.pk]),
        }
        for e in queued[:SHOWN]
    ]
    return {
        "key": "payment-queue",
        "heading": _("Payments waiting in the queue (%(count)s)") % {"count": total},
        "columns": [_("Booked"), _("Amount"), _("Why it waits")],
        "rows": rows,
        "empty": _("No payments are waiting."),
        "link": {"url": reverse("banking:queue"), "label": _("Go to the payment queue")},
    }
