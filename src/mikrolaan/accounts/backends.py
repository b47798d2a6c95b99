"""Local passwords: for everyone until staff sign in through the municipality's provider,
then only for the break-glass administrator (``accounts.oidc.local_passwords_allowed``)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from mikrolaan.accounts.oidc import local_passwords_allowed


class LocalPasswordBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not local_passwords_allowed(username):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        # A password session started before OpenID Connect was switched on ends with it.
        user = super().get_user(user_id)
        if user is not None and not local_passwords_allowed(user.get_username()):
            return None
        return user
