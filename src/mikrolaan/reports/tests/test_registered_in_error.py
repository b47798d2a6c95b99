"""A case closed as registered in error counts nowhere: the chapter-7 report is unchanged."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mikrolaan.cases.services import close_as_registered_in_error
from mikrolaan.cases.tests.factories import referred_case
from mikrolaan.loans.models import Loan
from mikrolaan.reports.services import build_report
from mikrolaan.reports.tests.test_definitions import bundle

pytestmark = pytest.mark.django_db


def test_the_report_is_unchanged_by_a_case_registered_in_error(tmp_path, knowledge_person):
    bundle(
        tmp_path,
        "p1,1990,F,\np2,1980,M,\n",
        "l1,p1,A,20000.00,2020-01-10,2020-08-01,\nl2,p2,A,30000.00,2020-01-10,2020-08-01,\n",
        "l1,2020-08-01,5000.00\n",
        parts="p1,A,completed,\np2,A,completed,\n",
    )
    as_of = timezone.localdate()
    before = build_report(as_of)
    assert before["borrowers"] == 2
    case = referred_case(unit=knowledge_person.unit, referred_on=as_of - dt.timedelta(days=3))
    close_as_registered_in_error(case, why="Forkert borger", acting_user=knowledge_person)
    assert build_report(as_of) == before


def test_a_case_with_a_loan_cannot_be_registered_in_error(project_leader):
    from mikrolaan.loans.tests.factories import granted_loan

    loan = granted_loan()
    assert isinstance(loan, Loan) and loan.case_id
    with pytest.raises(ValidationError, match="lån"):
        close_as_registered_in_error(loan.case, why="Fejl", acting_user=project_leader)
