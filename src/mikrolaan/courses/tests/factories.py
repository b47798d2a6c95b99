"""Cohorts and cases in the pre-course, through the real services.

case = in_pre_course_case(unit=unit)   # stage ``pre_course`` in a cohort, valid plan
"""

import datetime as dt

import factory

from mikrolaan.accounts.roles import Role
from mikrolaan.cases.models import Case
from mikrolaan.cases.tests.factories import REFERRED_ON, screened_case, staff
from mikrolaan.courses.models import Activity, Cohort
from mikrolaan.courses.services import (
    add_plan_activity,
    assign_to_cohort,
    complete_plan,
    self_development_deadline,
)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n + 1}")
    pre_course_start = dt.date(2026, 2, 1)
    main_course_start = dt.date(2026, 6, 1)
    main_course_end = dt.date(2026, 11, 30)
    capacity = 12


def self_development() -> Activity:
    return Activity.objects.get(code="self-development")


def in_pre_course_case(
    *,
    cohort: Cohort | None = None,
    project_leader=None,
    complete: bool = True,
    referred_on: dt.date = REFERRED_ON,
    **kwargs,
) -> Case:
    """A case in a cohort's pre-course with a plan holding the bookkeeping course and the
    self-development course ending exactly 15 days before the main course (and, with
    ``complete``, the plan marked complete)."""
    project_leader = project_leader or staff(Role.PROJECT_LEADER)
    case = screened_case(referred_on=referred_on, project_leader=project_leader, **kwargs)
    cohort = cohort or CohortFactory()
    assigned_on = referred_on + dt.timedelta(days=28)
    assign_to_cohort(case, cohort, on=assigned_on, acting_user=project_leader)
    add_plan_activity(
        case,
        activity=Activity.objects.get(code="bookkeeping"),
        starts_on=assigned_on + dt.timedelta(days=7),
        ends_on=assigned_on + dt.timedelta(days=56),
        on=assigned_on,
        acting_user=project_leader,
    )
    ends = self_development_deadline(cohort)
    add_plan_activity(
        case,
        activity=self_development(),
        starts_on=ends - dt.timedelta(days=3),
        ends_on=ends,
        on=assigned_on,
        acting_user=project_leader,
    )
    if complete:
        complete_plan(case, on=assigned_on + dt.timedelta(days=1), acting_user=project_leader)
    case.refresh_from_db()
    return case
