"""What the finance clerk's queues and the project leader's tasks show (read-only queries)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol, cast

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from mikrolaan.accounts.models import User
from mikrolaan.loans.models import Loan
from mikrolaan.servicing.handover import can_take_back, candidates, checks, notice_of
from mikrolaan.servicing.models import Claim, Reminder, ServicingRun, Task, TaskStatus
from mikrolaan.servicing.tasks import tasks_for


def loan_url(loan: Loan) -> str | None:
    try:
        return reverse("loans:detail", args=[loan.pk])
    except NoReverseMatch:  # the loan page lives in ``loans``
        return None


def recent_reminders(today: dt.date, days: int = 30) -> QuerySet[Reminder]:
    """Reminders of the 30 days up to the latest run (today's run, normally)."""
    latest = ServicingRun.objects.order_by("-run_on").values_list("run_on", flat=True).first()
    until = latest or today
    return (
        Reminder.objects.filter(sent_on__gte=until - dt.timedelta(days=days))
        .select_related("loan__citizen", "letter")
        .order_by("-sent_on", "-pk")[:200]
    )


def candidate_rows(today: dt.date) -> list[dict[str, Any]]:
    rows = []
    for cycle in candidates()[:200]:
        results = checks(cycle, today)
        rows.append(
            {
                "cycle": cycle,
                "loan": cycle.loan,
                "loan_url": loan_url(cycle.loan),
                "notice": notice_of(cycle),
                "checks": results,
                "ready": all(c.ok for c in results),
            }
        )
    return rows


class ListedClaim(Protocol):
    """A claim of the list as the page reads it: ``claims`` tells whether it can be taken back
    (an attribute of those instances only, not a field)."""

    can_take_back: bool


def claims() -> list[Claim]:
    """The latest claims, each with ``can_take_back`` (rejected and still marked with them)."""
    rows = list(Claim.objects.select_related("loan__citizen").prefetch_related("receipts")[:200])
    for claim in rows:
        cast(ListedClaim, claim).can_take_back = can_take_back(claim)
    return rows


def latest_runs() -> QuerySet[ServicingRun]:
    return ServicingRun.objects.all()[:7]


def open_tasks(user: User) -> QuerySet[Task]:
    return (
        tasks_for(user)
        .filter(status=TaskStatus.OPEN)
        .select_related("loan__citizen", "reminder", "claim")
        .order_by("created_on", "pk")
    )


def done_tasks(user: User, limit: int = 20) -> QuerySet[Task]:
    return (
        tasks_for(user)
        .filter(status=TaskStatus.DONE)
        .select_related("loan__citizen")
        .prefetch_related("events")
        .order_by("-pk")[:limit]
    )
