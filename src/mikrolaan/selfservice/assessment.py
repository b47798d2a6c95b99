"""The citizen's self-assessment on their own page (issue 11, part 2): which measuring points
are open for answers, their progression, and saving their answers.

A point is open while it is *due* or *overdue* (``progression.due_points``): the
citizen may still answer a point they were late with, as the caseworker may enter it. Every
other point (upcoming, not yet known, answered, lapsed) is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction

from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log_by_citizen
from mikrolaan.cases.models import Case
from mikrolaan.people.models import Citizen
from mikrolaan.progression import services
from mikrolaan.progression.constants import POINTS, Area, Channel, PointStatus
from mikrolaan.progression.due import DuePoint, due_points
from mikrolaan.progression.models import Assessment
from mikrolaan.progression.scores import progression_of

OPEN = (PointStatus.DUE, PointStatus.OVERDUE)


class NotOpen(Exception):
    """The point is not open for the citizen's answers (not due, or answered already)."""


@dataclass
class CaseAssessments:
    """One case's measuring points, the open ones, and the progression table's rows."""

    case: Case
    points: list[DuePoint]
    columns: list[DuePoint]
    rows: list[dict]

    @property
    def open(self) -> list[DuePoint]:
        return [p for p in self.points if p.status in OPEN]


def overview(case: Case, on: dt.date) -> CaseAssessments:
    points = due_points(case, on)
    progression = progression_of(case)
    answered = [p for p in POINTS if p in progression.assessments]
    return CaseAssessments(
        case=case,
        points=points,
        columns=[p for p in points if p.assessment is not None],
        rows=[
            {
                "text": item.text,
                "area": Area(item.area).label,
                "cells": [
                    {"score": item.scores.get(p), "change": item.change(p), "first": i == 0}
                    for i, p in enumerate(answered)
                ],
            }
            for item in progression.items
        ],
    )


def open_point(case: Case, point: str, on: dt.date) -> DuePoint:
    """The point if it is open on ``on``; raises ``NotOpen`` otherwise."""
    for due in due_points(case, on):
        if due.point == point and due.status in OPEN:
            return due
    raise NotOpen(point)


@transaction.atomic
def answer(
    citizen: Citizen, case: Case, point: str, scores: Mapping[str, int], on: dt.date
) -> Assessment:
    """Save the citizen's own answers at an open ``point`` of their ``case`` (the caller has
    found the case among the signed-in citizen's own), with the channel *citizen* and an audit
    record by the citizen. Raises ``NotOpen`` or the service's ``ValidationError``."""
    if case.citizen_id != citizen.pk:
        raise NotOpen(point)
    open_point(case, point, on)
    assessment = services.record_assessment(
        case,
        point=point,
        answered_on=on,
        scores=scores,
        channel=Channel.CITIZEN,
        acting_user=None,
        today=on,
    )
    log_by_citizen(
        citizen,
        Action.CREATE,
        obj=assessment,
        what=f"citizen's own self-assessment, case {case.pk}, {point}",
    )
    return assessment
