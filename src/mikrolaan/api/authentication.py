"""Bearer tokens on every call: the caller is the system's own account, the token says what
it may do (``request.auth``)."""

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from mikrolaan.api.clients import token_for


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("The Authorization header is malformed."))
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(
                _("The Authorization header is malformed.")
            ) from None
        token = token_for(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(_("The access token is unknown or expired."))
        return token.client.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
