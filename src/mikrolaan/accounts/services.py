"""Changing who a user is in the programme: role and job-centre unit.

A role decides which citizens' data a user sees, so it changes only here, with an audit record
naming who changed whose role, from what, to what and why.
"""

from django.db import transaction

from mikrolaan.accounts.models import Unit, User
from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log


class RoleChangeRefused(Exception):
    """The change breaks a rule of the programme (for example, changing one's own role)."""


@transaction.atomic
def change_role(
    user: User, *, role: str, unit: Unit | None, acting_user: User | None, why: str
) -> bool:
    """Give ``user`` a role and unit; returns whether anything changed.

    ``acting_user`` is None only when the system itself acts (sign-in claims from the
    municipality's identity provider, configuration).
    """
    if acting_user is not None and acting_user.pk == user.pk:
        raise RoleChangeRefused("nobody changes their own role or unit")
    before = (user.role, user.unit_id)
    if before == (role, unit.pk if unit else None):
        return False
    old_unit = user.unit
    user.role = role
    user.unit = unit
    user.save(update_fields=["role", "unit"])
    log(
        acting_user,
        Action.CHANGE,
        obj=user,
        what=f"role {before[0] or '-'} -> {role or '-'}; "
        f"unit {old_unit.code if old_unit else '-'} -> {unit.code if unit else '-'}",
        why=why,
    )
    return True


@transaction.atomic
def change_password(user: User, new_password: str) -> None:
    """The user sets a new password of their own (already validated by the form)."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    log(user, Action.CHANGE, obj=user, what="password changed by the user", why="own password")
