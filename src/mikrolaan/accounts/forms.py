from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from mikrolaan.accounts.oidc import local_passwords_allowed


class LocalPasswordForm(AuthenticationForm):
    """The password form; with OpenID Connect on, only the break-glass administrator's."""

    oidc_only = False

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and not local_passwords_allowed(username):
            self.oidc_only = True
            raise forms.ValidationError(
                _(
                    "Passwords are only for the emergency administrator. Sign in with the "
                    "municipality's login."
                ),
                code="oidc_only",
            )
        return super().clean()
