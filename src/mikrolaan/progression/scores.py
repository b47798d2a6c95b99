"""A case's progression: the scores per statement per answered point, across questionnaire
versions, and the change from referral."""

from __future__ import annotations

from dataclasses import dataclass, field

from mikrolaan.cases.models import Case
from mikrolaan.progression.constants import BASELINE, POINTS
from mikrolaan.progression.models import Answer, Assessment, Statement
from mikrolaan.progression.services import effective_assessments


@dataclass
class ProgressionItem:
    """One statement (by ``code``, across questionnaire versions) with a score per point."""

    code: str
    area: str
    text: str
    scores: dict[str, int | None] = field(default_factory=dict)

    def change(self, point: str) -> int | None:
        """The score at ``point`` minus the score at referral (None if either is missing)."""
        start, later = self.scores.get(BASELINE), self.scores.get(point)
        if start is None or later is None:
            return None
        return later - start


@dataclass
class Progression:
    """A case's progression: the answered points in order, and one item per statement."""

    assessments: dict[str, Assessment]
    items: list[ProgressionItem]

    @property
    def points(self) -> list[str]:
        return [p for p in POINTS if p in self.assessments]

    def __bool__(self) -> bool:
        return bool(self.assessments)


def progression_of(case: Case) -> Progression:
    """The scores per statement per answered point, from the effective assessments.

    Statements are matched across questionnaire versions by ``code``; an item's text and area
    are those of the latest assessment that scored it, and items are listed in that version's
    order (items only older versions had come after).
    """
    assessments = {
        a.point: a
        for a in effective_assessments(case).select_related("questionnaire", "recorded_by")
    }
    answers = (
        Answer.objects.filter(assessment__in=list(assessments.values()))
        .select_related("statement", "assessment")
        .order_by("assessment__answered_on", "assessment__pk", "statement__position")
    )
    items: dict[str, ProgressionItem] = {}
    order: dict[str, tuple] = {}
    for answer in answers:
        s: Statement = answer.statement
        item = items.setdefault(s.code, ProgressionItem(s.code, s.area, s.text))
        item.area, item.text = s.area, s.text  # the latest wording wins
        item.scores[answer.assessment.point] = answer.score
        order[s.code] = (-answer.assessment.answered_on.toordinal(), s.position)
    ordered = sorted(items.values(), key=lambda i: order[i.code])
    for item in ordered:
        for point in POINTS:
            item.scores.setdefault(point, None)
    return Progression(assessments=assessments, items=ordered)
