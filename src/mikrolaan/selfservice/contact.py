"""The citizen updates their own contact details: the same change as a caseworker's
(``people.services.update_citizen``), recorded as the citizen's own."""

from mikrolaan.people.models import Citizen
from mikrolaan.people.services import update_citizen

CONTACT_FIELDS = ("phone", "email", "address")
OWN_CHANGE = "changed by the citizen on their own page"


def update_own_contact(citizen: Citizen, **fields: str) -> list[str]:
    """Change phone, e-mail and address; returns the names of the fields that changed."""
    changes = {name: (fields.get(name) or "").strip() for name in CONTACT_FIELDS}
    changed = [name for name, value in changes.items() if getattr(citizen, name) != value]
    update_citizen(citizen, acting_user=None, why=OWN_CHANGE, by_citizen=True, **changes)
    return changed
