"""Who may sign in on the citizen's pages: a citizen in the programme."""

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet

from mikrolaan.cases.constants import Stage
from mikrolaan.cases.models import Case
from mikrolaan.loans.models import Loan
from mikrolaan.people import cpr as cprlib
from mikrolaan.people.models import Citizen


def in_programme() -> QuerySet[Citizen]:
    """Citizens with a case (not one registered in error) or a loan, not anonymised."""
    cases = Case.objects.filter(citizen=OuterRef("pk")).exclude(stage=Stage.REGISTERED_IN_ERROR)
    loans = Loan.objects.filter(citizen=OuterRef("pk"))
    return Citizen.objects.filter(anonymised_on__isnull=True).filter(Exists(cases) | Exists(loans))


def citizen_by_cpr(value: object) -> Citizen | None:
    """The citizen in the programme with this CPR number (with or without the dash), or None."""
    if not isinstance(value, str | int):
        return None
    try:
        number = cprlib.validate(str(value))
    except ValidationError:
        return None
    return in_programme().filter(cpr=number).first()
