"""Demo: self-assessments for some of the citizens in the cohorts.

Runs after the other loaders and uses their cases: a few citizens answered at referral and at
each later point whose date has passed, scored through the real service by the project leader
(from a conversation), mostly a little higher each time. With no cases it does nothing.
"""

from __future__ import annotations

import datetime as dt

from mikrolaan.progression.constants import Channel
from mikrolaan.progression.dates import point_dates
from mikrolaan.progression.models import Questionnaire
from mikrolaan.progression.services import record_assessment

HOW_MANY = 8


def populate(ctx) -> None:
    from mikrolaan.cases.models import Case

    try:
        leader = ctx.user("project_leader")
    except LookupError:
        return
    rng, today = ctx.rng, ctx.today
    first = Questionnaire.objects.order_by("valid_from").values_list("valid_from", flat=True)
    if not first:
        return
    cases = list(
        Case.objects.filter(participations__isnull=False, opened_on__gte=first[0])
        .exclude(stage__in=["registered_in_error", "closed"])
        .distinct()
        .order_by("pk")
    )
    for case in cases[:HOW_MANY]:
        start: dict[str, int] = {}
        for point, day in point_dates(case).items():
            if day is None or day > today:
                break
            answered_on = min(day + dt.timedelta(days=rng.randint(0, 10)), today)
            codes = Questionnaire.in_force(answered_on).statements.values_list("code", flat=True)
            if not start:
                start = {c: rng.randint(1, 3) for c in codes}
                scores = start
            else:
                scores = {c: min(5, start.get(c, 3) + rng.randint(0, 2)) for c in codes}
            record_assessment(
                case,
                point=point,
                answered_on=answered_on,
                scores=scores,
                channel=Channel.CASEWORKER,
                acting_user=leader,
                today=today,
            )
