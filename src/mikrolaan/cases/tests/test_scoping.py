import pytest

from mikrolaan.cases.models import Case
from mikrolaan.cases.tests.factories import CaseFactory
from mikrolaan.people.models import Citizen
from mikrolaan.people.tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(unit, other_unit):
    mine = CaseFactory(citizen=CitizenFactory(unit=unit))
    theirs = CaseFactory(citizen=CitizenFactory(unit=other_unit))
    return mine, theirs


def test_knowledge_person_sees_only_the_cases_of_her_unit(cases, knowledge_person):
    mine, theirs = cases
    assert list(Case.objects.for_user(knowledge_person)) == [mine]
    assert list(Citizen.objects.for_user(knowledge_person)) == [mine.citizen]


def test_project_leader_sees_every_case(cases, project_leader):
    assert set(Case.objects.for_user(project_leader)) == set(cases)


@pytest.mark.parametrize("role_fixture", ["evaluator", "manager"])
def test_roles_without_case_access_see_no_case(cases, role_fixture, request):
    user = request.getfixturevalue(role_fixture)
    assert not Case.objects.for_user(user).exists()
    assert not Citizen.objects.for_user(user).exists()


def test_inactive_user_sees_nothing(cases, project_leader):
    project_leader.is_active = False
    assert not Case.objects.for_user(project_leader).exists()
