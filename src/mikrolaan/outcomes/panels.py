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
from mikrolaan.core.dates import add_months
from mikrolaan.core.home import register_panel

MONTHS_WITHOUT_STATUS = 6


LIMIT = 50


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
        "heading": _("Borrowers without a recorded support status (%(count)s)")
        % {"count": loans.count()},
        "columns": [_("Borrower"), _("Cohort"), _("Course ended")],
        "rows": rows,
        "empty": _(
            "Every borrower whose course ended more than six months ago has a recorded "
            "support status."
        ),
    }


@register_panel(order=90)
def programme_in_figures_panel(user):
    """Managers and evaluators: the headline figures of the funnel and the economic gain."""
    if not user.has_role(Role.MANAGER, Role.EVALUATOR):
        return None
    from django.urls import reverse
    from django.utils.formats import number_format

    from mikrolaan.outcomes.economics import compute_economics
    from mikrolaan.outcomes.funnel import compute_funnel

    today = timezone.localdate()
    funnel = compute_funnel(today)["totals"]
    gain = compute_economics(today)["totals"]
    pct = funnel["conversion_pct"]
    return {
        "key": "programme-in-figures",
        "heading": _("The programme in figures"),
        "columns": [_("Figure"), _("Today")],
        "rows": [
            {"cells": [_("Referred"), funnel["referred"]]},
            {"cells": [_("Borrowers (loan paid out)"), funnel["borrower"]]},
            {"cells": [_("From referral to borrower"), "–" if pct is None else f"{pct} %"]},
            {"cells": [_("Self-supporting days after the course"), gain["self_supporting_days"]]},
            {
                "cells": [
                    _("Net gain in kroner (on the municipality's assumptions)"),
                    number_format(gain["net_gain"], 2, force_grouping=True),
                ]
            },
        ],
        "empty": "",
        "link": {"label": _("The funnel and the economic gain"), "url": reverse("outcomes:funnel")},
    }
