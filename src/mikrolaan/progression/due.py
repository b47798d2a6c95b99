"""A case's measuring points on a day: when each falls, and whether it is answered, due or
overdue (the case page, the citizen's page and the daily reminders read them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from mikrolaan.cases.constants import Stage
from mikrolaan.cases.models import Case
from mikrolaan.progression.constants import DEFAULT_ANSWER_WITHIN_DAYS, Point, PointStatus
from mikrolaan.progression.dates import point_dates
from mikrolaan.progression.models import Assessment, Questionnaire
from mikrolaan.progression.services import effective_assessments

# Once a case has ended this way, points not yet answered lapse: nobody is asked any more.
ENDED_STAGES = {Stage.DROPPED_OUT, Stage.CLOSED, Stage.REGISTERED_IN_ERROR}


@dataclass(frozen=True)
class DuePoint:
    """One measuring point of a case on a day (see ``due_points``)."""

    point: str
    date: dt.date | None  # the day the point falls; None while not known
    status: str  # a PointStatus
    due_until: dt.date | None  # the last day before it is overdue
    assessment: Assessment | None  # the effective assessment, when answered

    @property
    def label(self) -> str:
        return str(Point(self.point).label)

    @property
    def status_label(self) -> str:
        return str(PointStatus(self.status).label)


def _answer_windows() -> list[tuple[dt.date, int]]:
    """(valid from, answer within days) of every questionnaire version, newest first."""
    return list(
        Questionnaire.objects.order_by("-valid_from").values_list(
            "valid_from", "answer_within_days"
        )
    )


def _answer_window(day: dt.date, windows: list[tuple[dt.date, int]]) -> int:
    for valid_from, days in windows:
        if valid_from <= day:
            return days
    return DEFAULT_ANSWER_WITHIN_DAYS


def due_points(
    case: Case, on: dt.date, answered: Mapping[str, Assessment] | None = None
) -> list[DuePoint]:
    """Every measuring point of ``case`` on ``on``, in order, from the case's real dates.

    A point is *answered* once it has an effective assessment (whenever that was); otherwise
    *lapsed* when the case dropped out, was closed or registered in error; *not yet known*
    while its date is unknown (``dates.point_dates``); *upcoming* before its date; *due* from
    its date through ``answer_within_days`` (of the questionnaire in force on that date) after
    it; *overdue* after that. ``answered``: the case's effective assessments by point.
    """
    if answered is None:  # the caller may have read them already (``progression_of``)
        answered = {a.point: a for a in effective_assessments(case)}
    ended = case.stage in ENDED_STAGES
    windows = _answer_windows()
    result = []
    for point, day in point_dates(case).items():
        until = day + dt.timedelta(days=_answer_window(day, windows)) if day else None
        if point in answered:
            status = PointStatus.ANSWERED
        elif ended:
            status = PointStatus.LAPSED
        elif day is None:
            status = PointStatus.NOT_YET_KNOWN
        elif on < day:
            status = PointStatus.UPCOMING
        elif until is not None and on <= until:
            status = PointStatus.DUE
        else:
            status = PointStatus.OVERDUE
        result.append(DuePoint(point, day, status, until, answered.get(point)))
    return result
