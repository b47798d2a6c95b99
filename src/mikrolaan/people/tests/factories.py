import datetime as dt

import factory

from mikrolaan.accounts.tests.factories import UnitFactory
from mikrolaan.people.models import Citizen


def fictitious_cpr(n: int, born: dt.date = dt.date(1975, 3, 14), female: bool | None = None) -> str:
    """A CPR number with a valid date and a made-up serial (not modulus-11, as since 2007).

    Serials 1000–3999 put a 1900s birth in the right century (python-stdnum's rule).
    """
    serial = 1000 + (n * 37) % 3000
    if female is not None and (serial % 2 == 0) != female:
        serial += 1 if serial < 3999 else -1
    return born.strftime("%d%m%y") + f"{serial:04d}"


class CitizenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citizen

    cpr = factory.Sequence(lambda n: fictitious_cpr(n))
    first_name = factory.Faker("first_name", locale="da_DK")
    last_name = factory.Faker("last_name", locale="da_DK")
    birth_date = dt.date(1975, 3, 14)
    birth_year = 1975
    gender = factory.LazyAttribute(lambda o: "M" if int(o.cpr[-1]) % 2 else "F")
    unit = factory.SubFactory(UnitFactory)
