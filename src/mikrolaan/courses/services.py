"""Cohorts, participation, the pre-course plan and conversations (DOMAIN.md §6.2)."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from mikrolaan.accounts.roles import Role
from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log
from mikrolaan.cases import date_rules
from mikrolaan.cases.constants import EventKind, Stage
from mikrolaan.cases.events import record_event
from mikrolaan.cases.models import Case
from mikrolaan.cases.services import (
    final_screening_recommends,
    lock_case,
    require_open,
    require_role,
)
from mikrolaan.core.validators import code_message
from mikrolaan.courses.models import (
    Activity,
    Cohort,
    Conversation,
    ConversationKind,
    Participation,
    ParticipationStatus,
    PlannedActivity,
    PreCoursePlan,
)

# A cohort takes 10–12 entrepreneurs (DOMAIN.md); more is allowed with a warning.
ADVISED_COHORT_SIZE = (10, 12)
# The self-development course ends at most half a month before the main course (§6.2).
SELF_DEVELOPMENT_MARGIN_DAYS = 15
# Individual conversations are 1–5 a month: a month without one is a warning.
CONVERSATION_GAP = relativedelta(months=1)
# The job consultant keeps a conversation every 3 months (§6.1.1).
JOB_CONSULTANT_INTERVAL = relativedelta(months=3)

ACTIVE_STATUSES = [ParticipationStatus.PRE_COURSE, ParticipationStatus.MAIN_COURSE]


def fmt(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


# --- cohorts -------------------------------------------------------------------------------


def cohort_size_warnings(cohort: Cohort, size: int | None = None) -> list[str]:
    """Advice, never a block: a cohort over capacity, or a capacity outside 10–12."""
    size = cohort_size(cohort) if size is None else size
    low, high = ADVISED_COHORT_SIZE
    warnings = []
    if size > cohort.capacity:
        warnings.append(
            _(
                "%(code)s now has %(size)s participants, more than its capacity of %(capacity)s. "
                "A cohort works best with %(low)s–%(high)s entrepreneurs."
            )
            % {
                "code": cohort.code,
                "size": size,
                "capacity": cohort.capacity,
                "low": low,
                "high": high,
            }
        )
    if not low <= cohort.capacity <= high:
        warnings.append(
            _(
                "The advised size of a cohort is %(low)s–%(high)s entrepreneurs; %(code)s is set "
                "to %(capacity)s."
            )
            % {"code": cohort.code, "capacity": cohort.capacity, "low": low, "high": high}
        )
    return warnings


def _counted(participations):
    """The participations a cohort's size counts: not moved on, dropped out or in error."""
    return participations.exclude(
        status__in=[ParticipationStatus.MOVED, ParticipationStatus.DROPPED_OUT]
    ).exclude(case__stage=Stage.REGISTERED_IN_ERROR)


def cohort_size(cohort: Cohort) -> int:
    return _counted(cohort.participations.all()).count()


def cohort_size_expression():
    """``cohort_size`` as an annotation on a Cohort queryset (one query for a list)."""
    counted = (
        _counted(Participation.objects.filter(cohort=OuterRef("pk")))
        .values("cohort")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def cohort_in_pre_course(cohort: Cohort, today: dt.date) -> bool:
    return (cohort.pre_course_start or cohort.main_course_start) <= today < cohort.main_course_start


@transaction.atomic
def create_cohort(
    *,
    code: str,
    pre_course_start: dt.date | None,
    main_course_start: dt.date,
    main_course_end: dt.date,
    capacity: int = 12,
    acting_user,
) -> tuple[Cohort, list[str]]:
    require_role(acting_user, Role.PROJECT_LEADER, doing=_("create a cohort"))
    errors = {}
    if main_course_end < main_course_start:
        errors["main_course_end"] = _("The main course must end after it starts.")
    if pre_course_start and pre_course_start >= main_course_start:
        errors["pre_course_start"] = _("The pre-course must start before the main course.")
    if message := code_message(code):
        errors["code"] = message
    elif Cohort.objects.filter(code__iexact=code.strip()).exists():
        errors["code"] = _("A cohort with the code %(code)s already exists.") % {"code": code}
    if errors:
        raise ValidationError(errors)
    cohort = Cohort.objects.create(
        code=code.strip(),
        pre_course_start=pre_course_start,
        main_course_start=main_course_start,
        main_course_end=main_course_end,
        capacity=capacity,
    )
    log(acting_user, Action.CREATE, obj=cohort, what=f"cohort {cohort.code} created")
    return cohort, cohort_size_warnings(cohort, 0)


def active_participation(case: Case) -> Participation | None:
    return case.participations.filter(status__in=ACTIVE_STATUSES).select_related("cohort").first()


@transaction.atomic
def assign_to_cohort(
    case: Case, cohort: Cohort, *, on: dt.date, acting_user
) -> tuple[Participation, list[str]]:
    """After a recommending final screening the project leader places the case in a cohort;
    the pre-course begins. Returns the participation and any size warnings."""
    require_role(acting_user, Role.PROJECT_LEADER, doing=_("assign a citizen to a cohort"))
    case = lock_case(case)
    require_open(case)
    if case.stage != Stage.FINAL_SCREENING:
        raise ValidationError(
            _(
                "Only a case whose final screening is done can be assigned to a cohort; this "
                "case is at “%(stage)s”."
            )
            % {"stage": case.get_stage_display()}
        )
    if not final_screening_recommends(case):
        raise ValidationError(
            _(
                "The final screening did not recommend the programme, so the citizen cannot "
                "join a cohort. Record a dropout instead."
            )
        )
    date_rules.enforce(
        on=[
            date_rules.not_future(on, _("A cohort assignment")),
            date_rules.not_before(on, case.opened_on, _("the referral")),
        ]
    )
    if on >= cohort.main_course_start:
        raise ValidationError(
            {
                "cohort": _(
                    "%(code)s's main course has already started (%(date)s); choose a later cohort."
                )
                % {"code": cohort.code, "date": fmt(cohort.main_course_start)}
            }
        )
    participation = Participation.objects.create(case=case, cohort=cohort)
    case.cohort = cohort
    case.save(update_fields=["cohort"])
    record_event(
        case,
        EventKind.COHORT_ASSIGNED,
        acting_user=acting_user,
        occurred_on=on,
        summary=cohort.code,
        data={"cohort": cohort.code, "participation": participation.pk},
        stage=Stage.PRE_COURSE,
    )
    PreCoursePlan.objects.get_or_create(case=case)
    return participation, cohort_size_warnings(cohort)


@transaction.atomic
def move_to_later_cohort(
    case: Case, cohort: Cohort, *, on: dt.date, why: str, acting_user
) -> tuple[Participation, list[str]]:
    """Move a participant to a later cohort: the old participation ends as ``moved``, the new
    one points back at it, and the move is a case event with its reason."""
    require_role(acting_user, Role.PROJECT_LEADER, doing=_("move a participant"))
    case = lock_case(case)
    require_open(case)
    current = active_participation(case)
    if current is None:
        raise ValidationError(_("The citizen is not in a cohort, so there is nothing to move."))
    errors = {}
    if cohort.main_course_start <= current.cohort.main_course_start:
        errors["cohort"] = _(
            "%(new)s does not start after %(old)s; a participant can only move to a later cohort."
        ) % {"new": cohort.code, "old": current.cohort.code}
    elif case.participations.filter(cohort=cohort).exists():
        errors["cohort"] = _("The citizen has already been in %(code)s.") % {"code": cohort.code}
    if not why.strip():
        errors["why"] = _("Say why the citizen moves.")
    errors |= date_rules.check(
        on=[
            date_rules.not_future(on, _("A move to a later cohort")),
            date_rules.not_before(on, case.opened_on, _("the referral")),
        ]
    )
    if errors:
        raise ValidationError(errors)
    current.status = ParticipationStatus.MOVED
    current.save(update_fields=["status"])
    new = Participation.objects.create(
        case=case, cohort=cohort, moved_from=current, status=ParticipationStatus.PRE_COURSE
    )
    case.cohort = cohort
    case.save(update_fields=["cohort"])
    record_event(
        case,
        EventKind.COHORT_MOVED,
        acting_user=acting_user,
        occurred_on=on,
        summary=f"{current.cohort.code} → {cohort.code}",
        why=why.strip(),
        data={"from": current.cohort.code, "to": cohort.code, "participation": new.pk},
    )
    return new, cohort_size_warnings(cohort)


# --- the pre-course plan -----------------------------------------------------------------


def self_development_deadline(cohort: Cohort) -> dt.date:
    """The last day the self-development course may end for this cohort."""
    return cohort.main_course_start - dt.timedelta(days=SELF_DEVELOPMENT_MARGIN_DAYS)


def check_ends_in_time(activity: Activity, ends_on: dt.date, cohort: Cohort | None) -> None:
    if activity.ends_before_main_course and cohort is not None:
        deadline = self_development_deadline(cohort)
        if ends_on > deadline:
            raise ValidationError(
                {
                    "ends_on": _(
                        "%(activity)s must end at least %(days)s days before the main course "
                        "starts (%(start)s), that is on %(deadline)s at the latest; it ends on "
                        "%(ends)s."
                    )
                    % {
                        "activity": activity.name,
                        "days": SELF_DEVELOPMENT_MARGIN_DAYS,
                        "start": fmt(cohort.main_course_start),
                        "deadline": fmt(deadline),
                        "ends": fmt(ends_on),
                    }
                }
            )


@transaction.atomic
def add_plan_activity(
    case: Case,
    *,
    activity: Activity,
    starts_on: dt.date,
    ends_on: dt.date,
    sessions: int | None = None,
    note: str = "",
    on: dt.date,
    acting_user,
) -> PlannedActivity:
    """Add an activity to the citizen's plan (``on`` is the day it is planned)."""
    require_role(acting_user, Role.PROJECT_LEADER, doing=_("plan the pre-course"))
    case = lock_case(case)
    require_open(case)
    plan = PreCoursePlan.objects.filter(case=case).first()
    if plan is None or case.stage != Stage.PRE_COURSE:
        raise ValidationError(_("The citizen must be in a cohort's pre-course to plan it."))
    if plan.completed_on:
        raise ValidationError(
            _("The plan was completed on %(date)s.") % {"date": fmt(plan.completed_on)}
        )
    if not activity.active:
        raise ValidationError(
            {"activity": _("%(name)s is no longer offered.") % {"name": activity.name}}
        )
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The activity must end on or after its start.")})
    sessions = activity.default_sessions if sessions is None else sessions
    if sessions < 1:
        raise ValidationError({"sessions": _("An activity has at least one session.")})
    check_ends_in_time(activity, ends_on, case.cohort)
    planned = PlannedActivity.objects.create(
        plan=plan,
        activity=activity,
        starts_on=starts_on,
        ends_on=ends_on,
        sessions=sessions,
        note=note.strip(),
    )
    record_event(
        case,
        EventKind.PLAN_ACTIVITY,
        acting_user=acting_user,
        occurred_on=on,
        summary=f"{activity.name} {fmt(starts_on)}–{fmt(ends_on)}",
        data={"activity": activity.code, "planned_activity": planned.pk},
    )
    return planned


@transaction.atomic
def record_attendance(planned: PlannedActivity, *, sessions_attended: int, acting_user):
    require_role(acting_user, Role.PROJECT_LEADER, doing=_("record attendance"))
    if not 0 <= sessions_attended <= planned.sessions:
        raise ValidationError(
            {"sessions_attended": _("Between 0 and %(n)s sessions.") % {"n": planned.sessions}}
        )
    planned.sessions_attended = sessions_attended
    planned.save(update_fields=["sessions_attended"])
    log(
        acting_user,
        Action.CHANGE,
        obj=planned,
        citizen=planned.plan.case.citizen,
        what=f"attendance {planned.activity.code}: {sessions_attended}/{planned.sessions}",
    )
    return planned


def plan_problems(case: Case) -> list[str]:
    """Why the plan cannot be completed yet (empty when it can)."""
    plan = PreCoursePlan.objects.filter(case=case).first()
    if plan is None:
        return [_("The citizen has no pre-course plan.")]
    problems = []
    planned = list(plan.activities.select_related("activity"))
    for activity in Activity.objects.filter(mandatory=True, active=True):
        mine = [p for p in planned if p.activity_id == activity.pk]
        if not mine:
            problems.append(
                _("%(activity)s is mandatory in every pre-course plan.")
                % {"activity": activity.name}
            )
    for p in planned:
        try:
            check_ends_in_time(p.activity, p.ends_on, case.cohort)
        except ValidationError as exc:
            problems.extend(exc.message_dict["ends_on"])
    return problems


@transaction.atomic
def complete_plan(case: Case, *, on: dt.date, acting_user) -> PreCoursePlan:
    require_role(acting_user, Role.PROJECT_LEADER, doing=_("complete the pre-course plan"))
    case = lock_case(case)
    require_open(case)
    problems = plan_problems(case)
    if problems:
        raise ValidationError(problems)
    plan = case.pre_course_plan
    if plan.completed_on:
        raise ValidationError(
            _("The plan was completed on %(date)s.") % {"date": fmt(plan.completed_on)}
        )
    date_rules.enforce(
        on=[
            date_rules.not_future(on, _("The plan's completion")),
            date_rules.not_before(on, case.opened_on, _("the referral")),
        ]
    )
    plan.completed_on = on
    plan.save(update_fields=["completed_on"])
    record_event(
        case,
        EventKind.PLAN_COMPLETED,
        acting_user=acting_user,
        occurred_on=on,
        summary=case.cohort.code if case.cohort else "",
    )
    return plan


# --- conversations -------------------------------------------------------------------------

CONVERSATION_ROLES = {
    ConversationKind.INDIVIDUAL: Role.PROJECT_LEADER,
    ConversationKind.JOB_CONSULTANT: Role.JOB_CONSULTANT,
}


@transaction.atomic
def log_conversation(
    case: Case,
    *,
    kind: str,
    held_on: dt.date,
    duration_minutes: int,
    place: str,
    notes: str = "",
    today: dt.date,
    acting_user,
) -> Conversation:
    if kind not in CONVERSATION_ROLES:
        raise ValidationError({"kind": _("Choose the kind of conversation.")})
    require_role(acting_user, CONVERSATION_ROLES[kind], doing=_("log this kind of conversation"))
    require_open(case)
    errors = {}
    if held_on > today:
        errors["held_on"] = _("A conversation cannot be logged before it has been held.")
    elif held_on < case.opened_on:
        errors["held_on"] = _("The date is before the referral (%(date)s).") % {
            "date": fmt(case.opened_on)
        }
    if not 1 <= duration_minutes <= 24 * 60:
        errors["duration_minutes"] = _("Give the duration in minutes.")
    if not place.strip():
        errors["place"] = _("Say where the conversation was held (home, park, café, office …).")
    if errors:
        raise ValidationError(errors)
    event = record_event(
        case,
        EventKind.CONVERSATION,
        acting_user=acting_user,
        occurred_on=held_on,
        summary=f"{ConversationKind(kind).label}, {place.strip()}",
        data={"kind": kind, "minutes": duration_minutes},
    )
    return Conversation.objects.create(
        case=case,
        event=event,
        kind=kind,
        held_on=held_on,
        duration_minutes=duration_minutes,
        place=place.strip(),
        notes=notes.strip(),
        recorded_by=acting_user,
    )


def conversation_warning(case: Case, today: dt.date) -> str | None:
    """A month without an individual conversation while the citizen is in a course."""
    if case.stage not in (Stage.PRE_COURSE, Stage.DECISION, Stage.GRANTED, Stage.MAIN_COURSE):
        return None
    if case.cohort_id and case.cohort.main_course_end < today:
        return None  # the programme is over for this cohort
    last = case.conversations.filter(kind=ConversationKind.INDIVIDUAL).order_by("-held_on").first()
    if last is not None:
        since = last.held_on
    else:
        joined = (
            case.events.filter(kind=EventKind.COHORT_ASSIGNED)
            .order_by("-occurred_on")
            .values_list("occurred_on", flat=True)
            .first()
        )
        since = joined or case.opened_on
    if since + CONVERSATION_GAP < today:
        if last is None:
            return _("No individual conversation has been logged since %(date)s.") % {
                "date": fmt(since)
            }
        return _("More than a month since the last individual conversation (%(date)s).") % {
            "date": fmt(since)
        }
    return None


def job_consultant_conversation_due(case: Case, today: dt.date) -> dt.date | None:
    """When the next 3-monthly job-consultant conversation falls due (open cases only)."""
    if not case.is_open or (case.cohort_id and case.cohort.main_course_end < today):
        return None
    last = (
        case.conversations.filter(kind=ConversationKind.JOB_CONSULTANT)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    return (last or case.opened_on) + JOB_CONSULTANT_INTERVAL
