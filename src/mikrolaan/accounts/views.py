from django.contrib.auth import views as auth_views

from mikrolaan.accounts.forms import LocalPasswordForm
from mikrolaan.accounts.oidc import provider_config


class LoginView(auth_views.LoginView):
    """The log-in page: the municipality's login when configured, else the password form."""

    authentication_form = LocalPasswordForm

    def get_context_data(self, **kwargs):
        staff = provider_config("staff")
        return super().get_context_data(
            oidc_enabled=staff.enabled,
            password_form_shown=not staff.enabled or bool(staff.break_glass_user),
            **kwargs,
        )
