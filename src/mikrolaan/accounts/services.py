"""Changing who a user is in the programme: role and job-centre unit.

A role decides which citizens' data a user sees, so it changes only here, with an audit record
naming who changed whose role, from what, to what and why.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from mikrolaan.accounts.models import Unit, User
from mikrolaan.accounts.roles import UNIT_SCOPED_ROLES, Role
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


class SignInRefused(Exception):
    """The identity provider's claims do not make a Mikrolån user; ``message`` says why."""

    def __init__(self, message: str, *, detail: str = ""):
        super().__init__(message)
        self.message = message
        self.detail = detail


SIGN_IN_WHY = "sign-in claims from the identity provider"


def _claim_values(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(item) for item in value if item not in (None, "")]
    return [str(value)] if str(value) else []


@transaction.atomic
def sign_in_staff(claims: dict, *, config) -> User:
    """The staff user the identity provider's ``claims`` describe, created or brought up to
    date (names, e-mail; role and unit through ``change_role``).

    ``config`` is the provider's ``accounts.oidc.ProviderConfig``: which claims carry the user
    name, role and unit, how claim values map to roles, who the break-glass administrator is.
    Raises ``SignInRefused`` (and changes nothing) when the claims name no known role, or no
    known unit for a role that works for one unit.
    """
    username = str(claims.get(config.username_claim) or "").strip()
    if not username or len(username) > 150:
        raise SignInRefused(
            _("The municipality's login did not say who you are."),
            detail=config.username_claim,
        )
    if config.break_glass_user and username == config.break_glass_user:
        raise SignInRefused(
            _("The emergency administrator signs in with a password, not through the login.")
        )

    values = _claim_values(claims.get(config.role_claim))
    mapping = config.role_map or {role: role for role in Role.values}
    roles = sorted({mapping[value] for value in values if mapping.get(value) in Role.values})
    if not roles:
        raise SignInRefused(
            _(
                "The municipality's login gives you no role in Mikrolån. Ask whoever manages "
                "access at the municipality to give you one."
            ),
            detail=", ".join(values) or "-",
        )
    if len(roles) > 1:
        raise SignInRefused(
            _(
                "The municipality's login gives you more than one role in Mikrolån. Ask "
                "whoever manages access at the municipality to give you only one."
            ),
            detail=", ".join(values),
        )
    role = roles[0]

    unit_codes = _claim_values(claims.get(config.unit_claim)) if config.unit_claim else []
    unit = Unit.objects.filter(code__in=unit_codes, active=True).order_by("code").first()
    if role in UNIT_SCOPED_ROLES and unit is None:
        raise SignInRefused(
            _(
                "Your role works for one job-centre unit, but the municipality's login names "
                "no unit Mikrolån knows. Ask whoever manages access at the municipality."
            ),
            detail=", ".join(unit_codes) or "-",
        )

    names = {
        "first_name": str(claims.get("given_name") or "")[:150],
        "last_name": str(claims.get("family_name") or "")[:150],
        "email": str(claims.get("email") or "")[:254],
    }
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None:
        user = User(username=username, **names)
        user.set_unusable_password()
        user.save()
        log(None, Action.CREATE, obj=user, what=f"user {username}", why=SIGN_IN_WHY)
    else:
        if not user.is_active:
            raise SignInRefused(_("Your user is deactivated in Mikrolån."))
        changed = [name for name, value in names.items() if getattr(user, name) != value]
        if changed:
            for name in changed:
                setattr(user, name, names[name])
            user.save(update_fields=changed)
            log(None, Action.CHANGE, obj=user, what=", ".join(changed), why=SIGN_IN_WHY)
    change_role(user, role=role, unit=unit, acting_user=None, why=SIGN_IN_WHY)
    return user


@transaction.atomic
def change_password(user: User, new_password: str) -> None:
    """The user sets a new password of their own (already validated by the form)."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    log(user, Action.CHANGE, obj=user, what="password changed by the user", why="own password")
