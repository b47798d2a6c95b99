"""Start-page panel: borrowers whose support status is missing after their course ended.

The review could not find 21 of 34 benefit histories; here the project leader sees every
borrower who has had no recorded status for more than six months after the course ended.
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from mikrolaan.accounts.roles import Role
from mikrolaan.core.home import register_panel
from mikrolaan.outcomes import rules
from mikrolaan.outcomes.summary import add_months

MONTHS_WITHOUT_STATUS = 6


def borrowers_without_status(citizens, today: dt.date) -> list[dict]:
    """Borrowers (among ``citizens``) with course end more than 6 months before ``today`` and
    no effective spell covering any day since then."""
    from mikrolaan.cases.models import Case
    from mikrolaan.courses.models import Participation
    from mikrolaan.loans.models import Loan
    from mikrolaan.outcomes.models import SupportSpell

    loans = list(
        Loan.objects.filter(
            disbursed_on__lte=today, citizen__in=citizens, cohort__isnull=False
        ).select_related("citizen", "cohort")
    )
    own_end = {
        (p.case.citizen_id, p.cohort_id): p.main_course_end
        for p in Participation.objects.filter(
            case__citizen_id__in=[loan.citizen_id for loan in loans],
            main_course_end__isnull=False,
        ).select_related("case")
    }
    spells: dict = {}
    for s in SupportSpell.objects.filter(
        citizen_id__in=[loan.citizen_id for loan in loans],
        withdrawn=False,
        corrected_by__isnull=True,
    ):
        spells.setdefault(s.citizen_id, []).append(s)
    missing = []
    for loan in loans:
        end = own_end.get((loan.citizen_id, loan.cohort_id)) or loan.cohort.main_course_end
        if add_months(end, MONTHS_WITHOUT_STATUS) >= today:
            continue
        since = end + dt.timedelta(days=1)
        if rules.days_covered(spells.get(loan.citizen_id, []), since, today):
            continue
        case = loan.case or Case.objects.filter(citizen=loan.citizen).first()
        missing.append({"loan": loan, "citizen": loan.citizen, "course_end": end, "case": case})
    missing.sort(key=lambda m: m["course_end"])
    return missing


@register_panel(order=60)
def missing_support_status_panel(user):
    if not user.has_role(Role.PROJECT_LEADER):
        return None
    from mikrolaan.outcomes.views import case_page_url
    from mikrolaan.people.models import Citizen

    today = timezone.localdate()
    rows = []
    for m in borrowers_without_status(Citizen.objects.for_user(user), today):
        rows.append(
            {
                "cells": [
                    str(m["citizen"]),
                    m["loan"].cohort.code,
                    formats.date_format(m["course_end"], "SHORT_DATE_FORMAT"),
                ],
                "url": case_page_url(m["case"]) if m["case"] else None,
                "citizen": m["citizen"].pk,
            }
        )
    return {
        "key": "missing-support-status",
        "heading": _("Borrowers without a recorded support status"),
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
