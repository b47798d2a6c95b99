import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.cases.constants import DropoutDestination, DropoutReason, EventKind, Stage
from mikrolaan.cases.models import CaseEvent, Referral
from mikrolaan.cases.services import (
    correct_event,
    corrected_value,
    record_dropout,
    refer_citizen,
)
from mikrolaan.cases.tests.factories import referred_case, screen, screened_case
from mikrolaan.core.models import AppendOnlyError
from mikrolaan.people.tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 2, 1)


def test_referral_opens_a_case_in_the_job_consultants_unit(job_consultant, other_unit):
    citizen = CitizenFactory(unit=other_unit)
    case = refer_citizen(
        citizen,
        origin="craft",
        talent="Uddannet møbelsnedker",
        idea="Restaurering af gamle møbler",
        referred_on=DAY,
        acting_user=job_consultant,
    )
    assert case.unit == job_consultant.unit
    assert case.stage == Stage.REFERRED
    assert case.job_consultant == job_consultant
    assert case.referral.talent == "Uddannet møbelsnedker"
    assert case.events.get().kind == EventKind.REFERRAL


def test_referral_needs_the_talent_named_unless_the_citizen_raised_it(job_consultant):
    with pytest.raises(ValidationError) as err:
        refer_citizen(
            CitizenFactory(),
            origin="hobby",
            idea="Bagværk",
            referred_on=DAY,
            acting_user=job_consultant,
        )
    assert "talent" in err.value.message_dict
    assert not Referral.objects.exists()


def test_only_a_job_consultant_refers(knowledge_person):
    with pytest.raises(PermissionDenied):
        refer_citizen(
            CitizenFactory(),
            origin="raised_by_citizen",
            idea="Café",
            referred_on=DAY,
            acting_user=knowledge_person,
        )


def test_a_citizen_has_one_open_case(job_consultant):
    case = referred_case(job_consultant=job_consultant)
    with pytest.raises(ValidationError, match="allerede en åben sag"):
        referred_case(job_consultant=job_consultant, citizen=case.citizen)


def test_screenings_in_order_move_the_stage(unit, knowledge_person, project_leader):
    case = referred_case(unit=unit)
    screen(case, EventKind.FIRST_SCREENING, on=DAY, user=knowledge_person)
    assert case.stage == Stage.FIRST_SCREENING
    screen(case, EventKind.FIRST_CONVERSATION, on=DAY, user=knowledge_person)
    assert case.stage == Stage.FIRST_CONVERSATION
    screen(case, EventKind.FINAL_SCREENING, on=DAY, user=project_leader)
    case.refresh_from_db()
    assert case.stage == Stage.FINAL_SCREENING
    assert [e.kind for e in case.events.all()] == [
        "referral",
        "first_screening",
        "first_conversation",
        "final_screening",
    ]


def test_final_screening_before_first_conversation_is_refused(
    unit, knowledge_person, project_leader
):
    case = referred_case(unit=unit)
    screen(case, EventKind.FIRST_SCREENING, on=DAY, user=knowledge_person)
    with pytest.raises(ValidationError) as err:
        screen(case, EventKind.FINAL_SCREENING, on=DAY, user=project_leader)
    assert "første samtale" in str(err.value)
    case.refresh_from_db()
    assert case.stage == Stage.FIRST_SCREENING
    assert case.events.count() == 2


def test_a_screening_cannot_be_recorded_twice(unit, knowledge_person):
    case = referred_case(unit=unit)
    screen(case, EventKind.FIRST_SCREENING, on=DAY, user=knowledge_person)
    with pytest.raises(ValidationError):
        screen(case, EventKind.FIRST_SCREENING, on=DAY, user=knowledge_person)


def test_roles_of_the_screenings(unit, knowledge_person, project_leader, job_consultant):
    case = referred_case(unit=unit)
    with pytest.raises(PermissionDenied):
        screen(case, EventKind.FIRST_SCREENING, on=DAY, user=project_leader)
    with pytest.raises(PermissionDenied):
        screen(case, EventKind.FIRST_SCREENING, on=DAY, user=job_consultant)
    screen(case, EventKind.FIRST_SCREENING, on=DAY, user=knowledge_person)
    screen(case, EventKind.FIRST_CONVERSATION, on=DAY, user=knowledge_person)
    with pytest.raises(PermissionDenied):
        screen(case, EventKind.FINAL_SCREENING, on=DAY, user=knowledge_person)
    assert case.stage == Stage.FIRST_CONVERSATION


def test_events_and_records_are_append_only(unit):
    case = referred_case(unit=unit)
    event = case.events.get()
    event.summary = "ændret"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        case.referral.delete()
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(pk=event.pk).update(summary="x")
    # and the database refuses it too
    with pytest.raises(IntegrityError), transaction.atomic():
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("UPDATE cases_referral SET idea = 'x' WHERE id = %s", [case.referral.pk])


def test_a_correction_is_a_new_event_pointing_at_the_original(unit, job_consultant):
    case = referred_case(unit=unit, job_consultant=job_consultant)
    original = case.events.get(kind=EventKind.REFERRAL)
    correction = correct_event(
        original,
        field="idea",
        value="Cykelværksted med udlejning",
        why="Skrivefejl",
        occurred_on=DAY,
        acting_user=job_consultant,
    )
    assert correction.corrects == original
    assert correction.kind == EventKind.CORRECTION
    case.referral.refresh_from_db()
    assert case.referral.idea == "Værksted for reparation af cykler"  # never changed
    assert corrected_value(original, "idea", case.referral.idea) == "Cykelværksted med udlejning"
    assert AuditRecord.objects.filter(action=Action.CHANGE, object_id=str(correction.pk)).exists()


def test_a_correction_needs_a_reason(unit, job_consultant):
    case = referred_case(unit=unit, job_consultant=job_consultant)
    with pytest.raises(ValidationError) as err:
        correct_event(
            case.events.get(),
            field="idea",
            value="Noget andet",
            why=" ",
            occurred_on=DAY,
            acting_user=job_consultant,
        )
    assert "why" in err.value.message_dict
    assert case.events.count() == 1


def test_dropout_records_reason_destination_and_stage_left(unit, knowledge_person):
    case = referred_case(unit=unit)
    screen(case, EventKind.FIRST_SCREENING, on=DAY, user=knowledge_person)
    dropout = record_dropout(
        case,
        dropped_on=DAY,
        reason=DropoutReason.IDEA_NOT_REALISABLE,
        destination=DropoutDestination.OTHER_OFFER,
        notes="Kunne ikke få alkoholbevilling",
        acting_user=knowledge_person,
    )
    case.refresh_from_db()
    assert case.stage == Stage.DROPPED_OUT
    assert dropout.stage_left == Stage.FIRST_SCREENING
    assert case.events.last().kind == EventKind.DROPOUT
    with pytest.raises(ValidationError, match="lukket"):
        screen(case, EventKind.FIRST_CONVERSATION, on=DAY, user=knowledge_person)


def test_dropout_with_an_unknown_reason_changes_nothing(unit, knowledge_person):
    case = referred_case(unit=unit)
    with pytest.raises(ValidationError) as err:
        record_dropout(
            case,
            dropped_on=DAY,
            reason="bored",
            destination="job",
            acting_user=knowledge_person,
        )
    assert "reason" in err.value.message_dict
    case.refresh_from_db()
    assert case.stage == Stage.REFERRED


def test_screened_case_factory(unit):
    case = screened_case(unit=unit)
    assert case.stage == Stage.FINAL_SCREENING
    assert case.screenings.count() == 3
