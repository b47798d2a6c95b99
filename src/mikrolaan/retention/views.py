"""The data protection officer's retention page: the rules, past runs, and what is due."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from mikrolaan.accounts.roles import Role
from mikrolaan.cases.models import Case
from mikrolaan.retention import services
from mikrolaan.retention.models import RetentionRun

MAX_CASES_SHOWN = 200


def _require(user):
    if not (user.is_authenticated and user.role == Role.DATA_PROTECTION_OFFICER):
        raise PermissionDenied


def overview(request):
    """The dry run for a date (today unless ?date=) and the runs so far.

    The real run is started from the command line (``mikrolaan retention run --date D``),
    not from this page: it changes data for good, and the scheduler or operator owns it.
    """
    _require(request.user)
    error = ""
    day = timezone.localdate()
    if request.GET.get("date"):
        try:
            day = dt.date.fromisoformat(request.GET["date"])
        except ValueError:
            error = _("Not a date: write it as YYYY-MM-DD, e.g. 2031-01-01.")
    outcome = services.plan(day)
    due_cases = Case.objects.filter(citizen_id__in=outcome.citizens[:MAX_CASES_SHOWN]).order_by(
        "opened_on", "pk"
    )
    runs = RetentionRun.objects.select_related("run_by")[:50]
    return render(
        request,
        "retention/overview.html",
        {
            "day": day,
            "error": error,
            "outcome": outcome,
            "due_cases": due_cases,
            "more_citizens": max(0, len(outcome.citizens) - MAX_CASES_SHOWN),
            "runs": [(run, _labelled(run.counts)) for run in runs],
        },
    )


def _labelled(counts: dict) -> list[tuple[str, int]]:
    return [(str(services.KIND_LABELS.get(k, k)), n) for k, n in counts.items() if n]
