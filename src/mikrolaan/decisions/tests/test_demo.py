import pytest
from stdnum.dk import cvr

from mikrolaan.accounts import demo as accounts_demo
from mikrolaan.budgets import demo as budgets_demo
from mikrolaan.cases.constants import Stage
from mikrolaan.core.demo import DemoContext
from mikrolaan.decisions import demo as decisions_demo
from mikrolaan.decisions.main_course import fit_for_payout
from mikrolaan.decisions.models import Decision, MainCourseStart
from mikrolaan.decisions.services import granted_decisions
from mikrolaan.decisions.tests.factories import case_in_pre_course

pytestmark = pytest.mark.django_db


def test_fictitious_cvr_numbers_pass_the_check_digit():
    numbers = {decisions_demo.fictitious_cvr(n) for n in range(50)}
    assert len(numbers) == 50
    assert all(cvr.is_valid(n) for n in numbers)


def test_demo_without_cases_does_nothing():
    ctx = DemoContext()
    budgets_demo.populate(ctx)
    decisions_demo.populate(ctx)
    assert not Decision.objects.exists()


def test_demo_decides_every_colour_grants_and_starts_main_courses():
    ctx = DemoContext()
    accounts_demo.populate(ctx)
    cases = [case_in_pre_course() for _ in range(10)]
    extra = case_in_pre_course()
    ctx.data["cases_by_stage"] = {Stage.PRE_COURSE: cases, Stage.GRANTED: [extra]}
    budgets_demo.populate(ctx)
    decisions_demo.populate(ctx)
    assert set(Decision.objects.values_list("colour", flat=True)) == {"green", "yellow", "red"}
    assert set(Decision.objects.exclude(red_outcome="").values_list("red_outcome", flat=True)) == {
        "end_trajectory",
        "return_to_job_centre",
    }
    granted = list(granted_decisions())
    assert len(granted) >= 3
    assert all(
        {a.recorded_by.username for a in d.approvals.all()} == {"demo-projektleder", "demo-ydelse"}
        for d in granted
    )
    extra.refresh_from_db()
    assert extra.stage == Stage.GRANTED
    starts = MainCourseStart.objects.all()
    assert starts.count() >= 2
    assert all(cvr.is_valid(s.cvr) for s in starts)
    assert all(fit_for_payout(s.case) for s in starts)
    assert Decision.objects.filter(round_number=2, colour="green").exists()
