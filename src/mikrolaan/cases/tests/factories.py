"""Cases in the states later apps start from, driven there through the real services.

    case = referred_case(unit=unit)          # stage ``referred``
    case = screened_case(unit=unit)          # final screening done (recommended)

``courses.tests.factories.in_pre_course_case`` continues to ``pre_course``.
"""

import datetime as dt

import factory

from mikrolaan.accounts.roles import Role
from mikrolaan.accounts.tests.factories import UnitFactory, UserFactory
from mikrolaan.cases.constants import EventKind, Judgement, Recommendation, SelfEmploymentOrigin
from mikrolaan.cases.models import Case
from mikrolaan.cases.services import record_screening, refer_citizen
from mikrolaan.people.tests.factories import CitizenFactory

REFERRED_ON = dt.date(2026, 1, 5)


class CaseFactory(factory.django.DjangoModelFactory):
    """A bare case row at ``referred`` (no referral record). Prefer ``referred_case``."""

    class Meta:
        model = Case

    citizen = factory.SubFactory(CitizenFactory)
    unit = factory.SelfAttribute("citizen.unit")
    opened_on = REFERRED_ON


def staff(role: str, unit=None):
    """A user with this role (and unit), reused within a test."""
    name = f"{role}-{unit.code}" if unit else role
    return UserFactory(username=f"f-{name}"[:150], role=role, unit=unit)


def referred_case(
    *,
    unit=None,
    citizen=None,
    job_consultant=None,
    referred_on: dt.date = REFERRED_ON,
    idea: str = "Værksted for reparation af cykler",
) -> Case:
    unit = unit or (job_consultant.unit if job_consultant else UnitFactory())
    job_consultant = job_consultant or staff(Role.JOB_CONSULTANT, unit)
    citizen = citizen or CitizenFactory(unit=unit)
    return refer_citizen(
        citizen,
        origin=SelfEmploymentOrigin.RAISED_BY_CITIZEN,
        idea=idea,
        referred_on=referred_on,
        acting_user=job_consultant,
    )


def screen(case: Case, kind: str, *, on: dt.date, user=None, recommend: bool = True):
    role = Role.PROJECT_LEADER if kind == EventKind.FINAL_SCREENING else Role.KNOWLEDGE_PERSON
    user = user or staff(role, case.unit if role == Role.KNOWLEDGE_PERSON else None)
    return record_screening(
        case,
        kind=kind,
        occurred_on=on,
        person_assessment="Motiveret og afklaret om sine vilkår.",
        person_judgement=Judgement.STRONG,
        money_assessment="Lånebehov omkring 30.000 kr.",
        money_judgement=Judgement.ADEQUATE,
        plan_assessment="Idéen er konkret; kundegrundlaget skal undersøges.",
        plan_judgement=Judgement.ADEQUATE,
        recommendation=Recommendation.RECOMMEND if recommend else Recommendation.DO_NOT_RECOMMEND,
        notes="",
        acting_user=user,
    )


def screened_case(*, referred_on: dt.date = REFERRED_ON, project_leader=None, **kwargs) -> Case:
    """Referral, first screening, first conversation and final screening, all recommending."""
    case = referred_case(referred_on=referred_on, **kwargs)
    screen(case, EventKind.FIRST_SCREENING, on=referred_on + dt.timedelta(days=7))
    screen(case, EventKind.FIRST_CONVERSATION, on=referred_on + dt.timedelta(days=14))
    screen(
        case, EventKind.FINAL_SCREENING, on=referred_on + dt.timedelta(days=21), user=project_leader
    )
    case.refresh_from_db()
    return case
