"""System checks: a switched-on OpenID Connect provider must be usable (``mikrolaan check``)."""

from django.conf import settings
from django.core.checks import Error, register

from mikrolaan.accounts.roles import Role


@register()
def oidc_providers_are_complete(app_configs, **kwargs):
    errors = []
    for name, entry in getattr(settings, "OIDC_PROVIDERS", {}).items():
        if not entry.get("issuer"):
            continue
        for key in ("client_id", "client_secret"):
            if not entry.get(key):
                errors.append(
                    Error(
                        f"OpenID Connect provider {name!r} has an issuer but no {key}.",
                        hint="Set the provider's …CLIENT_ID and …CLIENT_SECRET variables.",
                        id="accounts.E001",
                    )
                )
        if "openid" not in entry.get("scopes", "").split():
            errors.append(
                Error(
                    f"OpenID Connect provider {name!r} does not ask for the scope 'openid'.",
                    id="accounts.E002",
                )
            )
        unknown = sorted(set(entry.get("role_map", {}).values()) - set(Role.values))
        if unknown:
            errors.append(
                Error(
                    f"OpenID Connect provider {name!r} maps claims to unknown roles: "
                    f"{', '.join(unknown)}.",
                    hint=f"Roles are: {', '.join(Role.values)}.",
                    id="accounts.E003",
                )
            )
    return errors
