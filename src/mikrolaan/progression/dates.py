"""When each measuring point falls for a case, from the case's real dates.

- at referral: the day the case was opened (the referral);
- end of the pre-course: the day the pre-course plan was completed; for a case that reached the
  main course without a completed plan (imported history), the day its main course started;
- end of the main course: the case's own end of the main course in its current cohort (the
  cohort's end unless the participant has their own), not a cohort it moved away from;
- 6 and 12 months after the main course: that end plus 6 or 12 calendar months (the last day of
  a shorter month where the day does not exist).

A date is None while it is not yet known (no completed plan, no cohort yet).
"""

from __future__ import annotations

import datetime as dt

from mikrolaan.cases.models import Case
from mikrolaan.core.dates import add_months
from mikrolaan.courses.models import Participation, ParticipationStatus
from mikrolaan.progression.constants import Point


def current_participation(case: Case) -> Participation | None:
    """The case's place in its latest cohort it did not move away from."""
    return (
        Participation.objects.filter(case=case)
        .exclude(status=ParticipationStatus.MOVED)
        .select_related("cohort")
        .order_by("-cohort__main_course_start")
        .first()
    )


def pre_course_end(case: Case, participation: Participation | None) -> dt.date | None:
    plan = getattr(case, "pre_course_plan", None)
    if plan is not None and plan.completed_on:
        return plan.completed_on
    if participation is not None and participation.status in (
        ParticipationStatus.MAIN_COURSE,
        ParticipationStatus.COMPLETED,
    ):
        return participation.cohort.main_course_start
    return None


def point_dates(case: Case) -> dict[str, dt.date | None]:
    """{point: the day it falls, or None while not known} for every point, in order."""
    participation = current_participation(case)
    main_end = None
    if participation is not None and participation.status != ParticipationStatus.DROPPED_OUT:
        main_end = participation.course_end
    return {
        Point.REFERRAL: case.opened_on,
        Point.PRE_COURSE_END: pre_course_end(case, participation),
        Point.MAIN_COURSE_END: main_end,
        Point.AFTER_6_MONTHS: add_months(main_end, 6) if main_end else None,
        Point.AFTER_12_MONTHS: add_months(main_end, 12) if main_end else None,
    }
