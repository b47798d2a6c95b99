import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from mikrolaan.cases.constants import Stage
from mikrolaan.courses.models import ParticipationStatus
from mikrolaan.decisions.main_course import (
    clean_cvr,
    confirm_fit_for_work,
    fit_for_payout,
    payout_blockers,
    start_main_course,
)
from mikrolaan.decisions.tests.factories import granted_decision, green_decision
from mikrolaan.people.models import TargetGroup

pytestmark = pytest.mark.django_db

START = dt.date(2026, 5, 4)
CVR = "30011228"  # fictitious, valid check digit


@pytest.fixture
def case(project_leader, benefits_caseworker):
    return granted_decision(project_leader, benefits_caseworker).case


def test_cvr_numbers_are_validated_with_the_check_digit():
    assert clean_cvr("3001 1228") == "30011228"
    with pytest.raises(ValidationError, match="check digit"):
        clean_cvr("30011229")
    with pytest.raises(ValidationError, match="8 digits"):
        clean_cvr("1234")
    with pytest.raises(ValidationError):
        clean_cvr("3001122X")


def test_starting_the_main_course(case, project_leader):
    start = start_main_course(
        case, started_on=START, cvr=CVR, subsistence_months=6, acting_user=project_leader
    )
    case.refresh_from_db()
    assert case.stage == Stage.MAIN_COURSE
    assert start.cvr == CVR and start.subsistence_months == 6 and not start.keeps_pension
    assert case.participations.get().status == ParticipationStatus.MAIN_COURSE
    assert start.policy.subsistence_max_months == 6


def test_a_bad_cvr_changes_nothing(case, project_leader):
    with pytest.raises(ValidationError) as exc:
        start_main_course(
            case, started_on=START, cvr="30011229", subsistence_months=6, acting_user=project_leader
        )
    assert "cvr" in exc.value.message_dict
    case.refresh_from_db()
    assert case.stage == Stage.GRANTED


def test_subsistence_longer_than_six_months_needs_a_reason(case, project_leader):
    with pytest.raises(ValidationError) as exc:
        start_main_course(
            case, started_on=START, cvr=CVR, subsistence_months=7, acting_user=project_leader
        )
    assert "subsistence_reason" in exc.value.message_dict
    start = start_main_course(
        case,
        started_on=START,
        cvr=CVR,
        subsistence_months=7,
        subsistence_reason="Sæsonvirksomhed.",
        acting_user=project_leader,
    )
    assert start.subsistence_months == 7


def test_an_early_retirement_pensioner_keeps_the_pension(project_leader, benefits_caseworker):
    case = granted_decision(project_leader, benefits_caseworker).case
    case.citizen.target_group = TargetGroup.EARLY_RETIREMENT
    case.citizen.save()
    with pytest.raises(ValidationError, match="pension"):
        start_main_course(
            case, started_on=START, cvr=CVR, subsistence_months=6, acting_user=benefits_caseworker
        )
    start = start_main_course(case, started_on=START, cvr=CVR, acting_user=benefits_caseworker)
    assert start.keeps_pension and start.subsistence_months is None
    assert start.event.data["keeps_pension"] is True


def test_the_main_course_waits_for_the_grant(project_leader):
    case = green_decision(project_leader).case
    with pytest.raises(ValidationError, match="granted"):
        start_main_course(
            case, started_on=START, cvr=CVR, subsistence_months=6, acting_user=project_leader
        )


def test_no_payout_before_main_course_and_fit_for_work(case, project_leader):
    assert not fit_for_payout(case)
    start_main_course(
        case, started_on=START, cvr=CVR, subsistence_months=6, acting_user=project_leader
    )
    case.refresh_from_db()
    assert not fit_for_payout(case)
    assert any("fit for work" in b for b in payout_blockers(case))
    confirm_fit_for_work(case, confirmed_on=START, acting_user=project_leader)
    assert fit_for_payout(case)
    with pytest.raises(ValidationError, match="already"):
        confirm_fit_for_work(case, confirmed_on=START, acting_user=project_leader)


def test_fit_for_work_can_be_given_with_the_start(case, project_leader):
    start_main_course(
        case,
        started_on=START,
        cvr=CVR,
        subsistence_months=6,
        fit_for_work_on=START,
        acting_user=project_leader,
    )
    case.refresh_from_db()
    assert fit_for_payout(case)


def test_the_main_course_start_reads_in_danish_whoever_recorded_it(case, project_leader):
    """The stored summary is in the writer's language; the timeline speaks the reader's."""
    from django.utils import translation

    from mikrolaan.cases.timeline import timeline

    with translation.override("en"):
        start = start_main_course(
            case, started_on=START, cvr=CVR, subsistence_months=6, acting_user=project_leader
        )
    assert start.event.summary.startswith("Main course started")
    with translation.override("da"):
        (line,) = [
            str(item["summary"])
            for item in timeline(case)
            if item["event"].kind == "main_course_started"
        ]
    assert line == f"Hovedforløb startet; CVR {CVR}; tilskud til forsørgelse i 6 måneder"
