"""Creating and changing citizens' master data."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log
from mikrolaan.core.validators import formula_message
from mikrolaan.people import cpr as cprlib
from mikrolaan.people.models import Citizen


def derived_from_cpr(cpr: str) -> dict:
    """Birth date, birth year and gender that a valid CPR number implies."""
    number = cprlib.validate(cpr)
    born = cprlib.birth_date(number)
    return {
        "cpr": number,
        "birth_date": born,
        "birth_year": born.year,
        "gender": cprlib.gender(number),
    }


NAME_FIELDS = ("first_name", "last_name", "address")


def _refuse_formulas(fields: dict) -> None:
    """A name that a spreadsheet would run as a formula never gets in (exports keep it)."""
    errors = {}
    for name in NAME_FIELDS:
        if message := formula_message(fields.get(name) or ""):
            errors[name] = message
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def register_citizen(*, cpr: str, acting_user, why: str = "", **fields) -> Citizen:
    """Create a citizen from a CPR number; birth date and gender are derived from it."""
    _refuse_formulas(fields)
    citizen = Citizen(**fields, **derived_from_cpr(cpr))
    citizen.full_clean()
    citizen.save()
    log(acting_user, Action.CREATE, obj=citizen, what="citizen registered", why=why)
    return citizen


@transaction.atomic
def update_citizen(
    citizen: Citizen, *, acting_user, why: str, by_citizen: bool = False, **fields
) -> Citizen:
    """Change contact and background details; every change is logged with what changed.

    ``by_citizen``: the citizen changed them on their own page (``acting_user`` is None)."""
    _refuse_formulas(fields)
    changed = [name for name, value in fields.items() if getattr(citizen, name) != value]
    if changed and not why.strip():
        raise ValidationError({"why": _("Say why the details are changed.")})
    for name in changed:
        setattr(citizen, name, fields[name])
    if changed:
        try:
            citizen.full_clean()
        except ValidationError:
            citizen.refresh_from_db(fields=changed)  # nothing changed, not even in memory
            raise
        citizen.save(update_fields=changed)
        log(
            acting_user,
            Action.CHANGE,
            obj=citizen,
            what="changed: " + ", ".join(changed),
            why=why,
            by_citizen=by_citizen,
        )
    return citizen
