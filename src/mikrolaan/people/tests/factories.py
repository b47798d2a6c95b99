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


FIRST_NAMES = ["Anne", "Lars", "Mette", "Jens", "Hanne", "Søren", "Lone", "Bo", "Inge", "Ole"]
LAST_NAMES = ["Andersen", "Bech", "Dahl", "Friis", "Gram", "Holm", "Juhl", "Krogh", "Lind"]


class CitizenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citizen

    cpr = factory.Sequence(lambda n: fictitious_cpr(n))
    # Danish names that never repeat within a test run: random names could make "another
    # citizen's name is not on the page" assertions fail by coincidence.
    first_name = factory.Sequence(lambda n: FIRST_NAMES[n % len(FIRST_NAMES)])
    last_name = factory.Sequence(lambda n: f"{LAST_NAMES[n % len(LAST_NAMES)]}-{n + 1}")
    birth_date = dt.date(1975, 3, 14)
    birth_year = 1975
    gender = factory.LazyAttribute(lambda o: "M" if int(o.cpr[-1]) % 2 else "F")
    unit = factory.SubFactory(UnitFactory)
