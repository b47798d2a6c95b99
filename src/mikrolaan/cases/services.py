"""The citizen's way from referral to final screening, and dropout at any step.

Every function here is one named state change: it checks order and role, writes the typed
record and its case event (``record_event``, which also writes the audit record) in one
transaction, and moves ``Case.stage``. Bad input raises ``ValidationError`` naming the field
and nothing is changed.
"""

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from mikrolaan.accounts.roles import Role
from mikrolaan.cases import date_rules
from mikrolaan.cases.constants import (
    SCREENING_STEPS,
    EventKind,
    Judgement,
    Recommendation,
    SelfEmploymentOrigin,
    Stage,
)
from mikrolaan.cases.events import record_event
from mikrolaan.cases.models import Case, CaseEvent, Dropout, Referral, Screening
from mikrolaan.cases.signals import case_dropped_out
from mikrolaan.people.models import Citizen

# Which roles may do what. Scoping (which cases) is Case.objects.for_user's job.
CASEWORK_ROLES = (Role.JOB_CONSULTANT, Role.KNOWLEDGE_PERSON, Role.PROJECT_LEADER)

# What the "correct this" flow may correct, per event kind: field name → model attribute.
CORRECTABLE = {
    EventKind.REFERRAL: ("referral", ["idea", "talent", "notes"]),
    EventKind.FIRST_SCREENING: (
        "screening",
        ["person_assessment", "money_assessment", "plan_assessment", "notes"],
    ),
    EventKind.FIRST_CONVERSATION: (
        "screening",
        ["person_assessment", "money_assessment", "plan_assessment", "notes"],
    ),
    EventKind.FINAL_SCREENING: (
        "screening",
        ["person_assessment", "money_assessment", "plan_assessment", "notes"],
    ),
}


def require_role(user, *roles, doing: str):
    if not user.has_role(*roles):
        raise PermissionDenied(
            _("Your role (%(role)s) may not %(doing)s.")
            % {"role": user.get_role_display(), "doing": doing}
        )


def require_open(case: Case):
    if not case.is_open:
        raise ValidationError(
            _("The case is closed (%(stage)s); nothing more can be recorded on it.")
            % {"stage": case.get_stage_display()}
        )


def lock_case(case: Case) -> Case:
    """Re-read the case under a row lock so two people cannot move it at once."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    case.stage, case.cohort_id = locked.stage, locked.cohort_id
    return case


# --- referral ----------------------------------------------------------------------------


@transaction.atomic
def refer_citizen(
    citizen: Citizen,
    *,
    origin: str,
    idea: str,
    talent: str = "",
    notes: str = "",
    referred_on: dt.date,
    acting_user,
) -> Case:
    """A job consultant refers a citizen: this opens the case in the consultant's unit."""
    require_role(acting_user, Role.JOB_CONSULTANT, doing=_("refer a citizen"))
    if not acting_user.unit_id:
        raise ValidationError(_("You have no job-centre unit, so the case has no unit."))
    errors = {}
    if origin not in SelfEmploymentOrigin.values:
        errors["origin"] = _("Choose why self-employment is relevant.")
    if origin != SelfEmploymentOrigin.RAISED_BY_CITIZEN and not talent.strip():
        errors["talent"] = _("Name the craft, skill or hobby that points to self-employment.")
    if not idea.strip():
        errors["idea"] = _("Describe the business idea in a few lines.")
    errors |= date_rules.check(referred_on=[date_rules.not_future(referred_on, _("A referral"))])
    if errors:
        raise ValidationError(errors)
    if Case.objects.filter(citizen=citizen).open().exists():
        raise ValidationError(
            _("%(name)s already has an open case; a citizen is referred once at a time.")
            % {"name": citizen.full_name}
        )
    case = Case.objects.create(
        citizen=citizen,
        unit_id=acting_user.unit_id,
        opened_on=referred_on,
        stage=Stage.REFERRED,
        job_consultant=acting_user,
    )
    event = record_event(
        case,
        EventKind.REFERRAL,
        acting_user=acting_user,
        occurred_on=referred_on,
        summary=SelfEmploymentOrigin(origin).label,
        stage=Stage.REFERRED,
    )
    Referral.objects.create(
        case=case,
        event=event,
        origin=origin,
        talent=talent.strip(),
        idea=idea.strip(),
        notes=notes.strip(),
        recorded_by=acting_user,
    )
    return case


# --- screenings --------------------------------------------------------------------------


def next_screening(case: Case) -> str | None:
    """The screening step the case waits for, if any."""
    for kind, (from_stage, _to, _role) in SCREENING_STEPS.items():
        if case.stage == from_stage:
            return kind
    return None


def may_screen(case: Case, user, kind: str) -> bool:
    return next_screening(case) == kind and user.has_role(SCREENING_STEPS[kind][2])


@transaction.atomic
def record_screening(
    case: Case,
    *,
    kind: str,
    occurred_on: dt.date,
    person_assessment: str,
    person_judgement: str,
    money_assessment: str,
    money_judgement: str,
    plan_assessment: str,
    plan_judgement: str,
    recommendation: str,
    notes: str = "",
    acting_user,
) -> Screening:
    """First screening and first conversation (knowledge person), final screening (project
    leader), in that order, each on the three P's with a recommendation."""
    if kind not in SCREENING_STEPS:
        raise ValidationError(_("Unknown screening step: %(kind)s") % {"kind": kind})
    from_stage, to_stage, role = SCREENING_STEPS[kind]
    label = EventKind(kind).label
    require_role(acting_user, role, doing=_("record the %(step)s") % {"step": label.lower()})
    case = lock_case(case)
    require_open(case)
    if case.stage != from_stage:
        expected = next_screening(case)
        raise ValidationError(
            capfirst(
                _("The %(step)s cannot be recorded now: the case is at “%(stage)s”%(next)s.")
                % {
                    "step": label.lower(),
                    "stage": case.get_stage_display(),
                    "next": (
                        _("; the next step is the %(next)s")
                        % {"next": EventKind(expected).label.lower()}
                        if expected
                        else ""
                    ),
                }
            )
        )
    previous = _previous_screening(case, kind)
    date_rules.enforce(
        occurred_on=[
            date_rules.not_future(occurred_on, label),
            date_rules.not_before(occurred_on, case.opened_on, _("the referral")),
            date_rules.not_before(
                occurred_on,
                event_date(previous.event) if previous else None,
                step_name(previous.kind) if previous else "",
            ),
        ]
    )
    fields = {
        "person_assessment": person_assessment.strip(),
        "money_assessment": money_assessment.strip(),
        "plan_assessment": plan_assessment.strip(),
    }
    errors = {name: _("Write the assessment.") for name, text in fields.items() if not text}
    judgements = {
        "person_judgement": (person_judgement, _("Choose your judgement of the person.")),
        "money_judgement": (money_judgement, _("Choose your judgement of the money.")),
        "plan_judgement": (plan_judgement, _("Choose your judgement of the plan.")),
    }
    for name, (value, message) in judgements.items():
        if value not in Judgement.values:
            errors[name] = message
    if recommendation not in Recommendation.values:
        errors["recommendation"] = _("Choose whether you recommend the programme.")
    if errors:
        raise ValidationError(errors)
    event = record_event(
        case,
        kind,
        acting_user=acting_user,
        occurred_on=occurred_on,
        summary=Recommendation(recommendation).label,
        stage=to_stage,
    )
    return Screening.objects.create(
        case=case,
        event=event,
        kind=kind,
        person_judgement=person_judgement,
        money_judgement=money_judgement,
        plan_judgement=plan_judgement,
        recommendation=recommendation,
        notes=notes.strip(),
        recorded_by=acting_user,
        **fields,
    )


def _previous_screening(case: Case, kind: str) -> Screening | None:
    """The screening step recorded just before ``kind`` (None for the first screening)."""
    steps = list(SCREENING_STEPS)
    index = steps.index(kind)
    if not index:
        return None
    return case.screenings.select_related("event").filter(kind=steps[index - 1]).first()


def final_screening_recommends(case: Case) -> bool:
    screening = case.screenings.filter(kind=EventKind.FINAL_SCREENING).first()
    return bool(screening and screening.recommended)


# --- corrections ---------------------------------------------------------------------------


def correctable_fields(event: CaseEvent) -> list[str]:
    return CORRECTABLE.get(event.kind, (None, []))[1]


def corrected_value(event: CaseEvent, field: str, original: str) -> str:
    """The value of a field after the event's corrections (the newest one wins)."""
    value = original
    for correction in event.corrections.all():
        if correction.data.get("field") == field:
            value = correction.data.get("value", value)
    return value


@transaction.atomic
def correct_event(
    event: CaseEvent, *, field: str, value: str, why: str, occurred_on: dt.date, acting_user
) -> CaseEvent:
    """Correct a text on a referral or screening: a new event that points at the original.

    The original record is never changed; the case page shows both."""
    require_role(acting_user, *CASEWORK_ROLES, doing=_("correct a case event"))
    if event.kind not in CORRECTABLE:
        raise ValidationError(_("This kind of event cannot be corrected here."))
    if field not in correctable_fields(event):
        raise ValidationError({"field": _("This field cannot be corrected.")})
    if not why.strip():
        raise ValidationError({"why": _("Say why the correction is made.")})
    relation, _fields = CORRECTABLE[event.kind]
    record = getattr(event, relation)
    old = corrected_value(event, field, getattr(record, field))
    if old == value.strip():
        raise ValidationError({"value": _("The new text is the same as the current one.")})
    label = str(record._meta.get_field(field).verbose_name)
    return record_event(
        event.case,
        EventKind.CORRECTION,
        acting_user=acting_user,
        occurred_on=occurred_on,
        summary=_("%(what)s: %(field)s corrected")
        % {"what": EventKind(event.kind).label, "field": label},
        why=why.strip(),
        corrects=event,
        data={"field": field, "label": label, "old": old, "value": value.strip()},
    )


# --- date corrections -----------------------------------------------------------------------

DATE_FIELD = "occurred_on"
DATE_CORRECTABLE = {EventKind.REFERRAL, *SCREENING_STEPS}


def event_date(event: CaseEvent) -> dt.date:
    """The event's date after its date corrections (the newest one wins)."""
    date = event.occurred_on
    for correction in event.corrections.all():
        if correction.data.get("field") == DATE_FIELD and correction.data.get("date"):
            date = dt.date.fromisoformat(correction.data["date"])
    return date


def may_correct_date(event: CaseEvent) -> bool:
    return event.kind in DATE_CORRECTABLE


def _date_neighbours(event: CaseEvent) -> tuple[CaseEvent | None, CaseEvent | None]:
    """The steps just before and just after the event on the case's way (referral, then the
    screenings in order; for the referral, the earliest other step of the case)."""
    case = event.case
    others = [
        e
        for e in case.events.exclude(pk=event.pk)
        .exclude(kind=EventKind.CORRECTION)
        .prefetch_related("corrections")
        if not e.corrects_id
    ]
    if event.kind == EventKind.REFERRAL:
        later = min(others, key=event_date, default=None)
        return None, later
    steps = [EventKind.REFERRAL, *SCREENING_STEPS]
    index = steps.index(event.kind)
    by_kind = {e.kind: e for e in others if e.kind in steps}
    before = by_kind.get(steps[index - 1])
    after = by_kind.get(steps[index + 1]) if index + 1 < len(steps) else None
    return before, after


def step_name(kind: str) -> str:
    """How a date rule names the step it compares with: "the referral", "the step “…”"."""
    from mikrolaan.cases.page import event_label

    if kind == EventKind.REFERRAL:
        return _("the referral")
    return _("the step “%(step)s”") % {"step": event_label(kind)}


@transaction.atomic
def correct_event_date(event: CaseEvent, *, new_date: dt.date, why: str, acting_user) -> CaseEvent:
    """Correct the date of a referral or screening that was registered wrongly.

    Append-only: a correction event pointing at the original, with who, when and why; the
    original keeps its date. The case's derived state (its ``opened_on`` for a referral, the
    order checks of later steps, the timeline) reads the corrected date."""
    require_role(acting_user, *CASEWORK_ROLES, doing=_("correct a case event"))
    if not may_correct_date(event):
        raise ValidationError(_("The date of this kind of event cannot be corrected here."))
    case = lock_case(event.case)
    require_open(case)
    if not why.strip():
        raise ValidationError({"why": _("Say why the correction is made.")})
    old = event_date(event)
    if new_date == old:
        raise ValidationError({"new_date": _("The new date is the same as the current one.")})
    before, after = _date_neighbours(event)
    what = _("A referral") if event.kind == EventKind.REFERRAL else EventKind(event.kind).label
    date_rules.enforce(
        new_date=[
            date_rules.not_future(new_date, what),
            date_rules.not_before(
                new_date, event_date(before) if before else None, before and step_name(before.kind)
            ),
            date_rules.not_after(
                new_date, event_date(after) if after else None, after and step_name(after.kind)
            ),
        ]
    )
    correction = record_event(
        case,
        EventKind.CORRECTION,
        acting_user=acting_user,
        occurred_on=date_rules.today(),
        summary=_("%(what)s: date corrected") % {"what": EventKind(event.kind).label},
        why=why.strip(),
        corrects=event,
        data={
            "field": DATE_FIELD,
            "label": str(_("Date")),
            "old": date_rules.fmt(old),
            "value": date_rules.fmt(new_date),
            "date": new_date.isoformat(),
        },
    )
    if event.kind == EventKind.REFERRAL:
        case.opened_on = new_date
        case.save(update_fields=["opened_on"])
    return correction


# --- registered in error ----------------------------------------------------------------------


# The apps above may refuse to close a case as registered in error (loans: the case has a
# loan). Each guard returns why not, or None; they register in their AppConfig.ready.
_ERROR_CLOSURE_GUARDS: list[Callable[[Case], str | None]] = []


def register_error_closure_guard(guard: Callable[[Case], str | None]) -> Callable:
    _ERROR_CLOSURE_GUARDS.append(guard)
    return guard


def error_closure_refusal(case: Case) -> str | None:
    """Why the case cannot be closed as registered in error (None: it can)."""
    if not case.is_open:
        return _("The case is closed (%(stage)s); nothing more can be recorded on it.") % {
            "stage": case.get_stage_display()
        }
    for guard in _ERROR_CLOSURE_GUARDS:
        refusal = guard(case)
        if refusal:
            return refusal
    return None


@transaction.atomic
def close_as_registered_in_error(case: Case, *, why: str, acting_user) -> CaseEvent:
    """Close a case that should never have been opened (a typo, the wrong citizen).

    Not a dropout: the case counts nowhere (funnel, reports, cohort sizes). Append-only: an
    event with who, when and why; the case's records stay as they were."""
    require_role(acting_user, *CASEWORK_ROLES, doing=_("close a case as registered in error"))
    case = lock_case(case)
    refusal = error_closure_refusal(case)
    if refusal:
        raise ValidationError(refusal)
    if not why.strip():
        raise ValidationError({"why": _("Say why the case was registered in error.")})
    stage_left = case.stage
    event = record_event(
        case,
        EventKind.REGISTERED_IN_ERROR,
        acting_user=acting_user,
        occurred_on=date_rules.today(),
        summary=_("Registered in error"),
        why=why.strip(),
        data={"stage_left": stage_left},
        stage=Stage.REGISTERED_IN_ERROR,
    )
    return event


# --- dropout -------------------------------------------------------------------------------


@transaction.atomic
def record_dropout(
    case: Case,
    *,
    dropped_on: dt.date,
    reason: str,
    destination: str,
    notes: str = "",
    acting_user,
) -> Dropout:
    """The citizen leaves the programme at whatever step she is at (§7.1)."""
    from mikrolaan.cases.constants import DropoutDestination, DropoutReason

    require_role(acting_user, *CASEWORK_ROLES, doing=_("record a dropout"))
    case = lock_case(case)
    require_open(case)
    errors = {}
    if reason not in DropoutReason.values:
        errors["reason"] = _("Choose the reason from the list.")
    if destination not in DropoutDestination.values:
        errors["destination"] = _("Choose where the citizen went.")
    errors |= date_rules.check(
        dropped_on=[
            date_rules.not_future(dropped_on, _("A dropout")),
            date_rules.not_before(dropped_on, case.opened_on, _("the referral")),
        ]
    )
    if errors:
        raise ValidationError(errors)
    stage_left = case.stage
    event = record_event(
        case,
        EventKind.DROPOUT,
        acting_user=acting_user,
        occurred_on=dropped_on,
        summary=DropoutReason(reason).label,
        why=notes.strip(),
        data={"reason": reason, "destination": destination, "stage_left": stage_left},
        stage=Stage.DROPPED_OUT,
    )
    dropout = Dropout.objects.create(
        case=case,
        event=event,
        dropped_on=dropped_on,
        stage_left=stage_left,
        reason=reason,
        destination=destination,
        notes=notes.strip(),
        recorded_by=acting_user,
    )
    case_dropped_out.send(sender=Dropout, case=case, dropout=dropout)
    return dropout
