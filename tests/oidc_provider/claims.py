"""What the test provider asserts about its users."""

from django.utils.translation import gettext_lazy as _

from oidc_provider.lib.claims import ScopeClaims


def sub(user) -> str:
    # An opaque, stable subject identifier, as real providers give.
    return f"idp-{user.pk:05d}"


def userinfo(claims, user):
    claims["preferred_username"] = user.username
    claims["given_name"] = user.first_name
    claims["family_name"] = user.last_name
    claims["name"] = f"{user.first_name} {user.last_name}".strip()
    claims["email"] = user.email
    return claims


class ExtraScopeClaims(ScopeClaims):
    """The scope ``mikrolaan`` carries the user's extra claims (role and unit for staff)."""

    info_mikrolaan = (_("Mikrolån"), _("Role and job-centre unit."))

    def scope_mikrolaan(self):
        extra = getattr(self.user, "extraclaims", None)
        return dict(extra.claims) if extra else {}
