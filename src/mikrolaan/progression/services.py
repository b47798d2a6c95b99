"""Recording self-assessments (issue 11, part 2).

The public API of this app, for the case page, the citizen's page, the REST API and the daily
run, is in four modules:

- here, ``record_assessment(case, point=, answered_on=, scores=, channel=, acting_user=, ...)``
  — a new assessment (or, with ``corrects=``, a correction of one) — and
  ``effective_assessments(case)`` — the assessments that count (none has been corrected);
- ``questionnaires.add_questionnaire_version(valid_from=, name=, statements=, acting_user=)``
  — new statements from a date, like a new loan policy version;
- ``due.due_points(case, on)`` — every measuring point with its date and status on a day;
- ``scores.progression_of(case)`` — the scores per statement per point, and the change from
  referral.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mikrolaan.accounts.roles import Role
from mikrolaan.cases import date_rules
from mikrolaan.cases.constants import Stage
from mikrolaan.cases.events import record_event
from mikrolaan.cases.models import Case
from mikrolaan.cases.services import lock_case, require_role
from mikrolaan.progression.constants import (
    POINTS,
    SCORE_MAX,
    SCORE_MIN,
    STAFF_CHANNELS,
    Channel,
    Point,
)
from mikrolaan.progression.models import (
    Answer,
    Assessment,
    Questionnaire,
    QuestionnaireNotInForce,
)

EVENT_KIND = "assessment"
# The staff who enter an assessment from a conversation: those who hold the conversations
# (courses.services.CONVERSATION_ROLES).
CASEWORKER_ROLES = (Role.PROJECT_LEADER, Role.JOB_CONSULTANT)


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
