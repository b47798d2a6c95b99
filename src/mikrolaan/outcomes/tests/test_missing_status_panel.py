"""The start page's borrowers without a support status, found in the database."""

import datetime as dt

import pytest
from django.utils import timezone

from mikrolaan.outcomes import services
from mikrolaan.outcomes.panels import borrowers_without_status, missing_support_status_panel
from mikrolaan.outcomes.tests import factories as f
from mikrolaan.people.models import Citizen

pytestmark = pytest.mark.django_db
D = dt.date


def test_own_course_end_and_spells_that_end_with_the_course(unit, project_leader):
    today = timezone.localdate()
    old = f.cohort("M1", D(2020, 1, 1), D(2020, 6, 30))
    plain, delayed, ended_with_course = (
        f.case(unit, opened_on=D(2019, 9, 1), last_name=name)
        for name in ("Ingenstatus", "Forsinket", "Sluttede")
    )
    f.admit(plain, old, D(2019, 10, 1))
    # This participant's own main course ended two months ago: not six months yet.
    f.admit(delayed, old, D(2019, 10, 1), main_course_end=today - dt.timedelta(days=60))
    f.admit(ended_with_course, old, D(2019, 10, 1))
    for case in (plain, delayed, ended_with_course):
        f.loan(case, old, D(2020, 2, 1))
    # A spell that ends on the day the course ends covers no day after it.
    services.record_spell(
        ended_with_course.citizen,
        status="public_support",
        start=D(2020, 1, 1),
        end=D(2020, 6, 30),
        source="x",
        acting_user=None,
    )

    found = borrowers_without_status(Citizen.objects.all(), today)
    assert [(loan.citizen.last_name, loan.course_end) for loan in found] == [
        ("Ingenstatus", D(2020, 6, 30)),
        ("Sluttede", D(2020, 6, 30)),
    ]
    panel = missing_support_status_panel(project_leader)
    assert panel["heading"].endswith("(2)")
    assert [row["url"] for row in panel["rows"]] == [
        f"/cases/{plain.pk}/",
        f"/cases/{ended_with_course.pk}/",
    ]
