import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from mikrolaan.budgets.models import BudgetVersion
from mikrolaan.budgets.services import latest_version, summarise
from mikrolaan.budgets.tests.factories import budget
from mikrolaan.cases.constants import Stage
from mikrolaan.core.models import AppendOnlyError
from mikrolaan.decisions.tests.factories import case_in_pre_course, green, yellow

pytestmark = pytest.mark.django_db


def test_a_budget_is_version_1_with_derived_loan_need_and_an_event(project_leader):
    case = case_in_pre_course()
    version = budget(case, project_leader)
    summary = summarise(version)
    assert version.number == 1
    assert summary.establishment_total == Decimal("37000.00")
    assert summary.establishment_need == Decimal("35000.00")
    assert summary.loan_need == Decimal("35000.00")
    assert not summary.red_flag.warn
    assert version.event.kind == "budget_submitted"
    assert version.event.data["loan_need"] == "35000.00"


def test_the_red_flag_budget_carries_the_warning_but_is_accepted(project_leader):
    case = case_in_pre_course()
    version = budget(case, project_leader, red_flag=True)
    assert summarise(version).red_flag.warn
    assert version.event.data["red_flag"] is True


def test_a_resubmission_is_a_new_version_and_the_old_stays(project_leader):
    case = case_in_pre_course()
    first = budget(case, project_leader, red_flag=True)
    yellow(case, project_leader)
    second = budget(case, project_leader, submitted_on=dt.date(2026, 4, 1))
    assert [v.number for v in case.budget_versions.all()] == [1, 2]
    assert latest_version(case) == second
    assert summarise(BudgetVersion.objects.get(pk=first.pk)).red_flag.warn


def test_versions_are_append_only(project_leader):
    version = budget(case_in_pre_course(), project_leader)
    version.note = "ændret"
    with pytest.raises(AppendOnlyError):
        version.save()
    with pytest.raises(AppendOnlyError):
        version.lines.all().update(amount=1)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE budgets_budgetline SET amount = 1 WHERE version_id = %s", [version.pk]
        )


def test_only_a_project_leader_enters_budgets(benefits_caseworker):
    with pytest.raises(PermissionDenied):
        budget(case_in_pre_course(), benefits_caseworker)


def test_no_budget_before_the_pre_course(project_leader):
    case = case_in_pre_course()
    case.stage = Stage.FINAL_SCREENING
    case.save()
    with pytest.raises(ValidationError, match="pre-course"):
        budget(case, project_leader)


def test_no_new_budget_after_a_green_decision(project_leader):
    case = case_in_pre_course()
    budget(case, project_leader)
    green(case, project_leader)
    with pytest.raises(ValidationError, match="final decision"):
        budget(case, project_leader)


def test_bad_lines_are_refused_with_the_line_named(project_leader):
    case = case_in_pre_course()
    with pytest.raises(ValidationError, match="line 2"):
        budget(case, project_leader, establishment=[("PC", Decimal("1")), ("", Decimal("2"))])
    with pytest.raises(ValidationError, match="at least one line"):
        budget(case, project_leader, establishment=[])
    assert not case.budget_versions.exists()
