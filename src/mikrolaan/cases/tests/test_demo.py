import pytest

from mikrolaan.cases.constants import Stage
from mikrolaan.cases.models import Case, Dropout
from mikrolaan.courses.models import Cohort, Participation, ParticipationStatus

pytestmark = pytest.mark.django_db


def test_demo_makes_a_living_programme(demo_programme):
    assert {"M3", "M6", "M8", "M9"} <= set(Cohort.objects.values_list("code", flat=True))
    assert Case.objects.count() >= 40
    stages = set(Case.objects.values_list("stage", flat=True))
    assert {
        Stage.REFERRED,
        Stage.FIRST_SCREENING,
        Stage.FIRST_CONVERSATION,
        Stage.FINAL_SCREENING,
        Stage.PRE_COURSE,
        Stage.DROPPED_OUT,
    } <= stages
    assert Dropout.objects.values("reason").distinct().count() >= 7
    moved = Participation.objects.get(status=ParticipationStatus.MOVED)
    assert moved.moved_to.cohort.code == "M6"
