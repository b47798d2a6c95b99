"""Start-page panel: borrowers whose support status is missing after their course ended.

The review could not find 21 of 34 benefit histories; here the project leader sees every
borrower who has had no recorded status for more than six months after the course ended.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from mikrolaan.accounts.roles import Role
from mikrolaan.core import snapshots
from mikrolaan.core.dates import add_months
from mikrolaan.core.home import register_panel

MONTHS_WITHOUT_STATUS = 6


LIMIT = 50
KEPT_IDS = 200  # the loans the day's run keeps for the panel (re-checked when shown)


def _latest_course_end(today: dt.date) -> dt.date:
    """The latest course end more than MONTHS_WITHOUT_STATUS months before ``today``."""
    day = add_months(today, -MONTHS_WITHOUT_STATUS) + dt.timedelta(days=3)
    while add_months(day, MONTHS_WITHOUT_STATUS) >= today:
        day -= dt.timedelta(days=1)
    return day


def borrowers_without_status(citizens, today: dt.date):
    """Loans of borrowers (among ``citizens``) whose course ended more than 6 months before
    ``today`` with no effective spell covering any day since then, earliest course end first.

    A queryset (one query however many borrowers): each loan has ``course_end`` (the
    participant's own end of the main course, else the cohort's) and ``case_for_page`` (the
    loan's case, else the citizen's first).
    """
    from mikrolaan.cases.models import Case
    from mikrolaan.courses.models import Participation
    from mikrolaan.loans.models import Loan
    from mikrolaan.outcomes.models import SupportSpell

    own_end = Participation.objects.filter(
        case__citizen=OuterRef("citizen"), cohort=OuterRef("cohort"), main_course_end__isnull=False
    ).values("main_course_end")[:1]
    # An effective spell with a day between the day after the course and today.
    covering = SupportSpell.objects.filter(
        citizen=OuterRef("citizen"),
        withdrawn=False,
        corrected_by__isnull=True,
        start__lte=today,
    ).filter(Q(end__isnull=True) | Q(end__gt=OuterRef("course_end")))
    first_case = (
        Case.objects.filter(citizen=OuterRef("citizen"))
        .order_by("-opened_on", "-pk")
        .values("pk")[:1]
    )
    return (
        Loan.objects.filter(disbursed_on__lte=today, citizen__in=citizens, cohort__isnull=False)
        .annotate(course_end=Coalesce(Subquery(own_end), "cohort__main_course_end"))
        .filter(course_end__lte=_latest_course_end(today))
        .exclude(Exists(covering))
        .annotate(case_for_page=Coalesce("case_id", Subquery(first_case)))
        .select_related("citizen", "cohort")
        .order_by("course_end", "pk")
    )


@register_panel(order=60)
def missing_support_status_panel(user):
    if not user.has_role(Role.PROJECT_LEADER):
        return None
    from mikrolaan.cases.models import Case
    from mikrolaan.outcomes.views import case_page_url
    from mikrolaan.people.models import Citizen

    today = timezone.localdate()
    loans = borrowers_without_status(Citizen.objects.for_user(user), today)
    kept = snapshots.of_today("missing_support_status") if user.sees_all_cases else None
    if kept is not None:
        # The day's run found them over every borrower; only those are checked again now.
        count = kept.data["count"]
        loans = loans.filter(pk__in=kept.data["loans"])
    else:
        count = loans.count()
    rows = [
        {
            "cells": [
                str(loan.citizen),
                loan.cohort.code,
                formats.date_format(loan.course_end, "SHORT_DATE_FORMAT"),
            ],
            "url": case_page_url(Case(pk=loan.case_for_page)) if loan.case_for_page else None,
            "citizen": loan.citizen_id,
        }
        for loan in loans[:LIMIT]
    ]
    return {
        "key": "missing-support-status",
        "heading": _("Borrowers without a recorded support status (%(count)s)") % {"count": count},
        "columns": [_("Borrower"), _("Cohort"), _("Course ended")],
        "kept": kept,
        "rows": rows,
        "empty": _(
            "Every borrower whose course ended more than six months ago has a recorded "
            "support status."
        ),
    }


@snapshots.register("missing_support_status")
def _kept_missing_support_status(on: dt.date) -> dict:
    from mikrolaan.people.models import Citizen

    loans = borrowers_without_status(Citizen.objects.all(), on)
    return {"count": loans.count(), "loans": list(loans.values_list("pk", flat=True)[:KEPT_IDS])}


@snapshots.register("programme_in_figures")
def programme_in_figures(on: dt.date) -> dict:
    """The headline figures of the funnel and the economic gain on ``on`` (from those the
    day's run kept for ``on`` where it has; it keeps them first)."""
    from mikrolaan.outcomes.economics import as_json, compute_economics
    from mikrolaan.outcomes.funnel import compute_funnel

    kept_funnel = snapshots.kept_on("funnel", on)
    kept_gain = snapshots.kept_on("economics", on)
    funnel = (kept_funnel.data if kept_funnel else compute_funnel(on))["totals"]
    gain = (kept_gain.data if kept_gain else as_json(compute_economics(on)))["totals"]
    pct = funnel["conversion_pct"]
    return {
        "referred": funnel["referred"],
        "borrower": funnel["borrower"],
        "conversion_pct": None if pct is None else str(pct),
        "self_supporting_days": gain["self_supporting_days"],
        "net_gain": gain["net_gain"],
    }


@register_panel(order=90)
def programme_in_figures_panel(user):
    """Managers and evaluators: the headline figures of the funnel and the economic gain."""
    if not user.has_role(Role.MANAGER, Role.EVALUATOR):
        return None
    from decimal import Decimal

    from django.urls import reverse
    from django.utils.formats import number_format

    kept = snapshots.of_today("programme_in_figures")
    figures = kept.data if kept is not None else programme_in_figures(timezone.localdate())
    pct = figures["conversion_pct"]
    return {
        "key": "programme-in-figures",
        "heading": _("The programme in figures"),
        "columns": [_("Figure"), _("Today")],
        "rows": [
            {"cells": [_("Referred"), figures["referred"]]},
            {"cells": [_("Borrowers (loan paid out)"), figures["borrower"]]},
            {"cells": [_("From referral to borrower"), "–" if pct is None else f"{pct} %"]},
            {
                "cells": [
                    _("Self-supporting days after the course"),
                    figures["self_supporting_days"],
                ]
            },
            {
                "cells": [
                    _("Net gain in kroner (on the municipality's assumptions)"),
                    number_format(Decimal(figures["net_gain"]), 2, force_grouping=True),
                ]
            },
        ],
        "kept": kept,
        "empty": "",
        "link": {"label": _("The funnel and the economic gain"), "url": reverse("outcomes:funnel")},
    }
