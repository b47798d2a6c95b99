"""Each endpoint names the scope a call needs (``ScopedView.scopes``, by HTTP method)."""

from django.utils.translation import gettext as _
from rest_framework import permissions

from mikrolaan.api.models import AccessToken


def required_scope(view, method: str) -> str | None:
    scopes = getattr(view, "scopes", {})
    if method in ("HEAD", "OPTIONS"):
        method = "GET"
    return scopes.get(method)


class HasScope(permissions.BasePermission):
    message = ""

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, AccessToken):
            return False
        needed = required_scope(view, request.method)
        if needed is None or needed not in token.scopes:
            self.message = _("The access token lacks the scope %(scope)s.") % {
                "scope": needed or "-"
            }
            return False
        return True
