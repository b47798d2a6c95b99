"""Cohort assignment, moves and the plan's completion are not dated in the future (issue 9)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mikrolaan.cases.constants import Stage
from mikrolaan.cases.tests.factories import screened_case
from mikrolaan.courses.services import assign_to_cohort
from mikrolaan.courses.tests.factories import CohortFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_a_cohort_assignment_is_not_in_the_future_nor_before_the_referral(project_leader):
    case = screened_case(referred_on=TODAY - dt.timedelta(days=40), project_leader=project_leader)
    cohort = CohortFactory(
        main_course_start=TODAY + dt.timedelta(days=100),
        main_course_end=TODAY + dt.timedelta(days=280),
    )
    for day in (TODAY + dt.timedelta(days=1), TODAY - dt.timedelta(days=41)):
        with pytest.raises(ValidationError) as err:
            assign_to_cohort(case, cohort, on=day, acting_user=project_leader)
        assert list(err.value.message_dict) == ["on"]
    case.refresh_from_db()
    assert case.stage == Stage.FINAL_SCREENING and case.cohort is None
    assign_to_cohort(case, cohort, on=TODAY, acting_user=project_leader)
