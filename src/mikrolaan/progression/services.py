"""Recording self-assessments and reading a case's progression (issue 11, part 2).

The public API of this app, for the case page, the citizen's page, the REST API and the daily
run:

- ``add_questionnaire_version(valid_from=, name=, statements=, acting_user=)`` — new statements
  from a date, like a new loan policy version;
- ``record_assessment(case, point=, answered_on=, scores=, channel=, acting_user=, ...)`` —
  a new assessment (or, with ``corrects=``, a correction of one);
- ``effective_assessments(case)`` — the assessments that count (none has been corrected);
- ``due_points(case, on)`` — every measuring point with its date and status on a day;
- ``progression_of(case)`` — the scores per statement per point, and the change from referral.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mikrolaan.accounts.roles import Role
from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log
from mikrolaan.cases import date_rules
from mikrolaan.cases.constants import Stage
from mikrolaan.cases.events import record_event
from mikrolaan.cases.models import Case
from mikrolaan.cases.services import lock_case, require_role
from mikrolaan.progression.constants import (
    BASELINE,
    POINTS,
    SCORE_MAX,
    SCORE_MIN,
    STAFF_CHANNELS,
    Channel,
    Point,
    PointStatus,
)
from mikrolaan.progression.dates import point_dates
from mikrolaan.progression.models import (
    Answer,
    Assessment,
    Questionnaire,
    QuestionnaireNotInForce,
    Statement,
)

EVENT_KIND = "assessment"
# The staff who enter an assessment from a conversation: those who hold the conversations
# (courses.services.CONVERSATION_ROLES).
CASEWORKER_ROLES = (Role.PROJECT_LEADER, Role.JOB_CONSULTANT)
# Once a case has ended this way, points not yet answered lapse: nobody is asked any more.
ENDED_STAGES = {Stage.DROPPED_OUT, Stage.CLOSED, Stage.REGISTERED_IN_ERROR}
# Used for a point whose date lies before every questionnaire version.
DEFAULT_ANSWER_WITHIN_DAYS = 30


def may_record(case: Case, user) -> bool:
    """Whether ``user`` may enter an assessment on ``case`` from a conversation."""
    return (
        user is not None
        and user.has_role(*CASEWORKER_ROLES)
        and case.stage != Stage.REGISTERED_IN_ERROR
        and (
            getattr(case, "scoped_for", None) == user.pk
            or Case.objects.for_user(user).filter(pk=case.pk).exists()
        )
    )


def effective_assessments(case: Case):
    """The case's assessments that count: those no later record corrects."""
    return Assessment.objects.filter(case=case, corrected_by__isnull=True)


def _scores_errors(questionnaire: Questionnaire, scores: Mapping[str, int]) -> dict[str, str]:
    errors = {}
    codes = list(questionnaire.statements.values_list("code", flat=True))
    for code in codes:
        score = scores.get(code)
        valid = type(score) is int and SCORE_MIN <= score <= SCORE_MAX
        if not valid:
            errors[code] = _("Give a score from 1 to 5.")
    unknown = sorted(set(scores) - set(codes))
    if unknown:
        errors["scores"] = _("Not statements of the questionnaire: %(codes)s.") % {
            "codes": ", ".join(unknown)
        }
    return errors


@transaction.atomic
def record_assessment(
    case: Case,
    *,
    point: str,
    answered_on: dt.date,
    scores: Mapping[str, int],
    channel: str,
    acting_user,
    why: str = "",
    corrects: Assessment | None = None,
    today: dt.date | None = None,
) -> Assessment:
    """Record the citizen's answers at ``point``; returns the new assessment.

    ``scores`` maps each statement ``code`` of the questionnaire in force on ``answered_on``
    to a score 1–5; every statement must be scored. ``channel`` is ``Channel.CASEWORKER``
    (``acting_user`` is a project leader or job consultant who may see the case),
    ``Channel.SYSTEM`` (``acting_user`` is the account of a system calling the API, which has
    one of those roles: a job consultant of its unit, or a project leader without one; the
    same checks) or ``Channel.CITIZEN`` (``acting_user`` is None when the citizen answers on
    their own page — the caller has made sure the signed-in citizen is the case's citizen).

    A point has one assessment; to change it, pass ``corrects=`` the assessment to replace
    with a ``why``: the new record carries all answers again and points at the old one, which
    is kept. Raises ``ValidationError`` (per field: ``point``, ``answered_on``, ``why``, a
    statement's code, ``scores``) or ``PermissionDenied``. Writes a case event of kind
    ``assessment`` and its audit record in the same transaction.
    """
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Say who entered the answers.")})
    if channel in STAFF_CHANNELS:
        if acting_user is None:
            raise PermissionDenied(_("A caseworker must be signed in."))
        require_role(
            acting_user, *CASEWORKER_ROLES, doing=_("enter a self-assessment from a conversation")
        )
        if not Case.objects.for_user(acting_user).filter(pk=case.pk).exists():
            raise PermissionDenied(_("You may not see this case."))
    case = lock_case(case)
    if case.stage == Stage.REGISTERED_IN_ERROR:
        raise ValidationError(_("The case was registered in error."))
    errors: dict[str, str] = {}
    if point not in POINTS:
        errors["point"] = _("Choose the measuring point.")
    errors.update(
        date_rules.check(
            answered_on=[
                date_rules.not_future(answered_on, _("A self-assessment"), on=today),
                date_rules.not_before(answered_on, case.opened_on, _("the referral")),
            ]
        )
    )
    if errors:
        raise ValidationError(errors)
    try:
        questionnaire = Questionnaire.in_force(answered_on)
    except QuestionnaireNotInForce as exc:
        raise ValidationError(
            {"answered_on": _("No questionnaire was in force on that date.")}
        ) from exc
    errors = _scores_errors(questionnaire, scores)
    if corrects is not None:
        corrects = Assessment.objects.select_for_update().get(pk=corrects.pk)
        if corrects.case_id != case.pk:
            raise ValidationError(_("The assessment to correct belongs to another case."))
        if Assessment.objects.filter(corrects=corrects).exists():
            raise ValidationError(_("That assessment has already been corrected."))
        if not why.strip():
            errors["why"] = _("Say why the assessment is corrected.")
    others = effective_assessments(case).filter(point=point)
    if corrects is not None:
        others = others.exclude(pk=corrects.pk)
    if others.exists():
        errors["point"] = _(
            "This point has already been answered; correct that assessment instead."
        )
    if errors:
        raise ValidationError(errors)

    assessment = Assessment.objects.create(
        case=case,
        questionnaire=questionnaire,
        point=point,
        answered_on=answered_on,
        channel=channel,
        why=why.strip(),
        corrects=corrects,
        recorded_by=acting_user,
    )
    statements = {s.code: s for s in questionnaire.statements.all()}
    Answer.objects.bulk_create(
        Answer(
            assessment=assessment,
            statement=statements[code],
            score=scores[code],
            recorded_by=acting_user,
            recorded_at=assessment.recorded_at,
        )
        for code in statements
    )
    label = Point(point).label
    summary = (
        _("Self-assessment corrected: %(point)s") if corrects else _("Self-assessment: %(point)s")
    )
    record_event(
        case,
        EVENT_KIND,
        acting_user=acting_user,
        occurred_on=answered_on,
        summary=summary % {"point": label},
        why=why.strip(),
        data={
            "assessment": assessment.pk,
            "point": point,
            "channel": channel,
            "corrects": corrects.pk if corrects else None,
        },
    )
    return assessment


# --- questionnaire versions --------------------------------------------------------------


@transaction.atomic
def add_questionnaire_version(
    *,
    valid_from: dt.date,
    name: str,
    statements: list[tuple[str, str, str]],
    acting_user,
    answer_within_days: int = DEFAULT_ANSWER_WITHIN_DAYS,
    notes: str = "",
    today: dt.date | None = None,
) -> Questionnaire:
    """A new version of the questionnaire from ``valid_from`` (today or later, after the
    newest version), with ``statements`` as (code, area, text) in the order they are asked.

    Keep an unchanged statement's ``code`` so the report can follow it across versions; a
    new code is a new item. Assessments answered before ``valid_from`` keep their version.
    """
    today = today or date_rules.today()
    if valid_from < today:
        raise ValidationError(
            {"valid_from": _("A new version cannot apply from a date in the past.")}
        )
    newest = Questionnaire.objects.order_by("-valid_from").first()
    if newest and valid_from <= newest.valid_from:
        raise ValidationError(
            {
                "valid_from": _(
                    "A new version must apply from after the newest version (%(date)s)."
                )
                % {"date": date_rules.fmt(newest.valid_from)}
            }
        )
    codes = [code for code, _area, _text in statements]
    if not statements or len(set(codes)) != len(codes):
        raise ValidationError({"statements": _("Give statements, each with its own code.")})
    questionnaire = Questionnaire(
        valid_from=valid_from,
        name=name,
        answer_within_days=answer_within_days,
        notes=notes,
        recorded_by=acting_user,
    )
    questionnaire.full_clean()
    questionnaire.save()
    for position, (code, area, text) in enumerate(statements, start=1):
        statement = Statement(
            questionnaire=questionnaire,
            code=code,
            area=area,
            text=text,
            position=position,
            recorded_by=acting_user,
        )
        statement.full_clean(exclude=["questionnaire"])
        statement.save()
    log(acting_user, Action.CREATE, obj=questionnaire, what=f"questionnaire from {valid_from}")
    return questionnaire


# --- due points ----------------------------------------------------------------------------


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


# --- progression ---------------------------------------------------------------------------


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
