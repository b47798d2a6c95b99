"""Assessments through the real service.

assess(case, Point.REFERRAL, on=day, scores=3)            # every statement scored 3
assess(case, Point.MAIN_COURSE_END, on=day, scores={"person_belief": 5, ...})
"""

import datetime as dt
from collections.abc import Mapping

from mikrolaan.accounts.roles import Role
from mikrolaan.cases.tests.factories import staff
from mikrolaan.progression.constants import Channel
from mikrolaan.progression.models import Assessment, Questionnaire
from mikrolaan.progression.services import record_assessment


def codes(on: dt.date) -> list[str]:
    """The statement codes of the questionnaire in force on ``on``, in order."""
    return list(
        Questionnaire.in_force(on).statements.order_by("position").values_list("code", flat=True)
    )


def assess(
    case,
    point: str,
    *,
    on: dt.date,
    scores: int | Mapping[str, int] = 3,
    user=None,
    channel: str = Channel.CASEWORKER,
    **kwargs,
) -> Assessment:
    if isinstance(scores, int):
        scores = dict.fromkeys(codes(on), scores)
    if channel == Channel.CASEWORKER and user is None:
        user = staff(Role.PROJECT_LEADER)
    return record_assessment(
        case,
        point=point,
        answered_on=on,
        scores=scores,
        channel=channel,
        acting_user=user,
        today=kwargs.pop("today", None),
        **kwargs,
    )
