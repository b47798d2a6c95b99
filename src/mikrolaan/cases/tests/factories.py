import datetime as dt

import factory

from mikrolaan.cases.models import Case
from mikrolaan.people.tests.factories import CitizenFactory


class CaseFactory(factory.django.DjangoModelFactory):
    """A case at ``referred``. Apps add factories for later states (``in_pre_course``,
    ``green_decision`` …) that drive the case there through the real service functions."""

    class Meta:
        model = Case

    citizen = factory.SubFactory(CitizenFactory)
    unit = factory.SelfAttribute("citizen.unit")
    opened_on = dt.date(2026, 1, 5)
