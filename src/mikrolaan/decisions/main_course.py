"""The start of the main course (§6.4): CVR number, fit for work, subsistence grant or pension.

``fit_for_payout(case)`` is what the loans app asks before it pays the loan out.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from stdnum import exceptions as stdnum_exceptions
from stdnum.dk import cvr as stdnum_cvr

from mikrolaan.accounts.roles import Role
from mikrolaan.cases import date_rules
from mikrolaan.cases.constants import Stage
from mikrolaan.cases.events import record_event
from mikrolaan.cases.models import Case
from mikrolaan.courses.models import ParticipationStatus
from mikrolaan.decisions.models import Colour, FitForWork, MainCourseStart
from mikrolaan.people.models import TargetGroup
from mikrolaan.policy.models import LoanPolicy, PolicyNotInForce

EVENT_MAIN_COURSE_STARTED = "main_course_started"
EVENT_FIT_FOR_WORK = "fit_for_work"

STARTER_ROLES = (Role.PROJECT_LEADER, Role.BENEFITS_CASEWORKER)


def clean_cvr(value: str) -> str:
    """The CVR number as 8 digits, or a ValidationError saying what is wrong with it."""
    try:
        return stdnum_cvr.validate(value)
    except stdnum_exceptions.InvalidLength:
        raise ValidationError(_("A CVR number has 8 digits.")) from None
    except stdnum_exceptions.InvalidFormat:
        raise ValidationError(_("A CVR number has 8 digits and does not start with 0.")) from None
    except stdnum_exceptions.InvalidChecksum:
        raise ValidationError(
            _("The CVR number's check digit does not match; check the number.")
        ) from None
    except stdnum_exceptions.ValidationError:
        raise ValidationError(_("This is not a valid CVR number.")) from None


def keeps_pension(case: Case) -> bool:
    """Early-retirement pensioners keep their pension instead of a subsistence grant."""
    return case.citizen.target_group == TargetGroup.EARLY_RETIREMENT


def current_start(case: Case) -> MainCourseStart | None:
    return case.main_course_starts.filter(correction__isnull=True).order_by("-pk").first()


def start_refusal(case: Case) -> str | None:
    if case.stage != Stage.GRANTED:
        return _("The main course can start when the loan is granted.")
    return None


def may_start(case: Case, user) -> bool:
    return user.has_role(*STARTER_ROLES) and start_refusal(case) is None


def start_date_errors(
    case: Case, started_on: dt.date, fit_for_work_on: dt.date | None = None
) -> dict[str, str]:
    """The main course starts within the cohort's main course, after the referral, the
    completed pre-course plan and the green decision; fit for work is not in the future."""
    cohort = case.cohort
    plan = getattr(case, "pre_course_plan", None)
    decision = case.decisions.filter(colour=Colour.GREEN).order_by("-round_number").first()
    return date_rules.check(
        started_on=[
            cohort
            and date_rules.within(
                started_on,
                cohort.main_course_start,
                cohort.main_course_end,
                _("%(code)s's main course") % {"code": cohort.code},
            ),
            date_rules.not_before(started_on, case.opened_on, _("the referral")),
            date_rules.not_before(
                started_on, plan and plan.completed_on, _("the completed pre-course plan")
            ),
            date_rules.not_before(
                started_on, decision and decision.decided_on, _("the green decision")
            ),
        ],
        fit_for_work_on=fit_date_rules(case, fit_for_work_on),
    )


def fit_date_rules(case: Case, confirmed_on: dt.date | None) -> list:
    return [
        date_rules.not_future(confirmed_on, _("A declaration of fitness for work")),
        date_rules.not_before(confirmed_on, case.opened_on, _("the referral")),
    ]


@transaction.atomic
def start_main_course(
    case: Case,
    *,
    started_on: dt.date,
    cvr: str,
    subsistence_months: int | None = None,
    subsistence_reason: str = "",
    fit_for_work_on: dt.date | None = None,
    acting_user,
) -> MainCourseStart:
    """Record the main-course start; the case moves to ``main_course`` (and the cohort
    participation too, if the citizen has one)."""
    if not acting_user.has_role(*STARTER_ROLES):
        raise PermissionDenied(_("Only a project leader or a benefits caseworker can do this."))
    case = Case.objects.select_for_update().select_related("citizen").get(pk=case.pk)
    refusal = start_refusal(case)
    if refusal:
        raise ValidationError(refusal)
    errors = {}
    try:
        cvr = clean_cvr(cvr)
    except ValidationError as exc:
        errors["cvr"] = exc.messages
    errors |= start_date_errors(case, started_on, fit_for_work_on)
    try:
        policy = LoanPolicy.in_force(started_on)
    except PolicyNotInForce:
        raise ValidationError(_("No loan policy is in force on that date.")) from None
    pension = keeps_pension(case)
    if pension:
        if subsistence_months:
            errors["subsistence_months"] = _(
                "An early-retirement pensioner keeps the pension: no subsistence grant."
            )
        subsistence_months = None
    elif not subsistence_months or subsistence_months < 1:
        errors["subsistence_months"] = _("Give the subsistence grant period in months.")
    elif subsistence_months > policy.subsistence_max_months and not subsistence_reason.strip():
        errors["subsistence_reason"] = _(
            "A subsistence grant longer than %(max)s months needs a written reason."
        ) % {"max": policy.subsistence_max_months}
    if errors:
        raise ValidationError(errors)
    decision = case.decisions.filter(colour=Colour.GREEN).order_by("-round_number").first()
    if pension:
        subsistence = _("keeps the early-retirement pension, no subsistence grant")
    else:
        subsistence = ngettext(
            "subsistence grant for %(n)s month",
            "subsistence grant for %(n)s months",
            subsistence_months,
        ) % {"n": subsistence_months}
    event = record_event(
        case,
        EVENT_MAIN_COURSE_STARTED,
        acting_user=acting_user,
        occurred_on=started_on,
        summary=_("Main course started; CVR %(cvr)s; %(subsistence)s")
        % {"cvr": cvr, "subsistence": subsistence},
        why=subsistence_reason,
        data={
            "cvr": cvr,
            "keeps_pension": pension,
            "subsistence_months": subsistence_months,
        },
        stage=Stage.MAIN_COURSE,
    )
    start = MainCourseStart.objects.create(
        case=case,
        event=event,
        decision=decision,
        started_on=started_on,
        cvr=cvr,
        keeps_pension=pension,
        subsistence_months=subsistence_months,
        subsistence_reason=subsistence_reason if not pension else "",
        policy=policy,
        recorded_by=acting_user,
    )
    participation = (
        case.participations.filter(status=ParticipationStatus.PRE_COURSE)
        .order_by("-created_at")
        .first()
    )
    if participation is not None:
        participation.status = ParticipationStatus.MAIN_COURSE
        participation.save(update_fields=["status"])
    if fit_for_work_on is not None:
        _confirm(case, fit_for_work_on, "", acting_user)
    return start


def _confirm(case, confirmed_on, note, acting_user) -> FitForWork:
    event = record_event(
        case,
        EVENT_FIT_FOR_WORK,
        acting_user=acting_user,
        occurred_on=confirmed_on,
        summary=_("Declared fit for work"),
        why=note,
    )
    return FitForWork.objects.create(
        case=case, event=event, confirmed_on=confirmed_on, note=note, recorded_by=acting_user
    )


def fit_refusal(case: Case) -> str | None:
    if case.stage not in (Stage.GRANTED, Stage.MAIN_COURSE):
        return _("Fit for work is confirmed when the loan is granted or in the main course.")
    if case.fit_for_work.exists():
        return _("The citizen is already declared fit for work.")
    return None


def may_confirm_fit(case: Case, user) -> bool:
    return user.has_role(*STARTER_ROLES) and fit_refusal(case) is None


@transaction.atomic
def confirm_fit_for_work(
    case: Case, *, confirmed_on: dt.date, note: str = "", acting_user
) -> FitForWork:
    """Record that the citizen is declared fit for work (raskmeldt)."""
    if not acting_user.has_role(*STARTER_ROLES):
        raise PermissionDenied(_("Only a project leader or a benefits caseworker can do this."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    refusal = fit_refusal(case)
    if refusal:
        raise ValidationError(refusal)
    date_rules.enforce(confirmed_on=fit_date_rules(case, confirmed_on))
    return _confirm(case, confirmed_on, note, acting_user)


def payout_blockers(case: Case) -> list[str]:
    """What stands between the case and paying out its loan (empty: it may be paid)."""
    blockers = []
    if case.stage != Stage.MAIN_COURSE or current_start(case) is None:
        blockers.append(_("The main course has not started."))
    if not case.fit_for_work.exists():
        blockers.append(_("The citizen is not declared fit for work (raskmeldt)."))
    return blockers


def fit_for_payout(case: Case) -> bool:
    """True when the loan may be paid out: main course started and declared fit for work."""
    return not payout_blockers(case)
