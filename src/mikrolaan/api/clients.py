"""Registering calling systems and giving them tokens (OAuth2 client credentials, RFC 6749
section 4.4). The secret and the tokens are random; only their hashes are stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mikrolaan.accounts.models import Unit, User
from mikrolaan.accounts.roles import Role
from mikrolaan.api import scopes as api_scopes
from mikrolaan.api.models import AccessToken, ApiClient
from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log

# Without a unit a system sees every case, as the project leader does; with one it sees the
# cases of that unit only, as a job consultant of the unit does (``Case.objects.for_user``).
ROLE_WITH_UNIT = Role.JOB_CONSULTANT
ROLE_WITHOUT_UNIT = Role.PROJECT_LEADER
USERNAME_PREFIX = "api:"


def service_role(unit: Unit | None) -> str:
    return ROLE_WITH_UNIT if unit is not None else ROLE_WITHOUT_UNIT


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "API_TOKEN_SECONDS", 3600))


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class Registered:
    client: ApiClient
    secret: str  # shown once, never stored


@transaction.atomic
def create_client(
    name: str, *, scopes: list[str], unit: Unit | None = None, acting_user=None
) -> Registered:
    """Register a system with these scopes (and unit); returns its one-time secret."""
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = _("Give the system a name.")
    elif ApiClient.objects.filter(name=name).exists():
        errors["name"] = _("A system with this name is registered already.")
    unknown = sorted(set(scopes) - set(api_scopes.ALL))
    if unknown:
        errors["scopes"] = _("Unknown scopes: %(scopes)s.") % {"scopes": ", ".join(unknown)}
    elif not scopes:
        errors["scopes"] = _("Give the system at least one scope.")
    if api_scopes.REFERRALS_WRITE in scopes and unit is None:
        errors["unit"] = _("A system that sends referrals needs a job-centre unit.")
    if errors:
        raise ValidationError(errors)
    client_id = secrets.token_hex(8)  # no leading "-": it is typed on command lines
    secret = secrets.token_urlsafe(32)
    user = User(
        username=f"{USERNAME_PREFIX}{client_id}",
        first_name=name[:150],
        last_name="",
        role=service_role(unit),
        unit=unit,
        is_staff=False,
    )
    user.set_unusable_password()
    user.save()
    client = ApiClient.objects.create(
        name=name,
        client_id=client_id,
        secret_hash=make_password(secret),
        user=user,
        scopes=sorted(set(scopes)),
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    log(
        acting_user,
        Action.CREATE,
        obj=client,
        what=f"API client {name}: scopes {' '.join(client.scopes)}, unit {unit or '-'}",
    )
    return Registered(client, secret)


@transaction.atomic
def deactivate_client(client: ApiClient, *, acting_user=None) -> None:
    """The system may no longer call: its tokens go and its account is closed."""
    client.active = False
    client.save(update_fields=["active"])
    client.user.is_active = False
    client.user.save(update_fields=["is_active"])
    client.tokens.all().delete()
    log(acting_user, Action.CHANGE, obj=client, what=f"API client {client.name} deactivated")


class TokenError(Exception):
    """The token request is refused; ``error`` is the OAuth2 error code (RFC 6749 5.2)."""

    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass(frozen=True)
class Issued:
    token: str
    scopes: list[str]
    expires_in: int


def issue_token(client_id: str, secret: str, requested: str = "") -> Issued:
    """A bearer token for a client's credentials, with the requested scopes (or all of its)."""
    client = (
        ApiClient.objects.select_related("user").filter(client_id=client_id, active=True).first()
    )
    if client is None or not check_password(secret, client.secret_hash):
        raise TokenError("invalid_client", _("Unknown client or wrong secret."))
    wanted = requested.split() if requested.strip() else list(client.scopes)
    if not set(wanted) <= set(client.scopes):
        raise TokenError("invalid_scope", _("The client may not have the scopes it asked for."))
    raw = secrets.token_urlsafe(32)
    lifetime = token_lifetime()
    AccessToken.objects.filter(client=client, expires_at__lt=timezone.now()).delete()
    AccessToken.objects.create(
        client=client,
        token_hash=_digest(raw),
        scopes=sorted(set(wanted)),
        expires_at=timezone.now() + lifetime,
    )
    return Issued(raw, sorted(set(wanted)), int(lifetime.total_seconds()))


def token_for(raw: str) -> AccessToken | None:
    """The live token with this value, with its client and the client's account."""
    return (
        AccessToken.objects.select_related("client", "client__user", "client__user__unit")
        .filter(
            token_hash=_digest(raw),
            expires_at__gt=timezone.now(),
            client__active=True,
            client__user__is_active=True,
        )
        .first()
    )
