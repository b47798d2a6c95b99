"""Signing in: the log-in page, the second factor, changing one's password, the admin log-in."""

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice

from mikrolaan.accounts import second_factor as sf
from mikrolaan.accounts.forms import LocalPasswordForm
from mikrolaan.accounts.oidc import provider_config
from mikrolaan.accounts.services import change_password


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "class": "form-input", "autofocus": True}
        ),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("web:home")


def _with_next(name: str, target: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': target})}"


def second_factor(request):
    """Ask for the code from the app, or a recovery code."""
    target = _next(request)
    if not sf.second_factor_required(request) or request.user.is_verified():
        return redirect(target)
    if sf.app_device(request.user) is None:
        return redirect(_with_next("accounts:second_factor_setup", target))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if sf.verify_second_factor(request, form.cleaned_data["code"]):
            if isinstance(request.user.otp_device, StaticDevice):
                messages.warning(
                    request,
                    _("You used a recovery code. Recovery codes left: %(count)s.")
                    % {"count": sf.remaining_recovery_codes(request.user)},
                )
            return redirect(target)
        form.add_error(
            "code",
            _(
                "The code is wrong or has expired. Wait a moment and try again with a new code "
                "from the app, or use one of your recovery codes."
            ),
        )
    return render(request, "accounts/second_factor.html", {"form": form, "next": target})


def second_factor_setup(request):
    """Set up the authenticator app: a QR code and the key as text, confirmed with a code."""
    target = _next(request)
    if sf.app_device(request.user) is not None and not request.user.is_verified():
        # Only a verified session may replace the app, or a stolen password would be enough.
        return redirect(_with_next("accounts:second_factor", target))
    device = sf.begin_app_setup(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = sf.confirm_app_setup(request, device, form.cleaned_data["code"])
        if codes is not None:
            request.session["recovery_codes"] = codes
            return redirect(_with_next("accounts:recovery_codes", target))
        form.add_error("code", _("The code is wrong. Type the six digits the app shows now."))
    return render(
        request,
        "accounts/second_factor_setup.html",
        {
            "form": form,
            "next": target,
            "qr_svg": sf.qr_svg(device),
            "secret": sf.secret_text(device),
        },
    )


def recovery_codes(request):
    """The new recovery codes, shown once, right after the set-up."""
    codes = request.session.pop("recovery_codes", None)
    if not codes:
        return redirect(_next(request))
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("web:home")

    def form_valid(self, form):
        change_password(self.request.user, form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return redirect(self.get_success_url())


def admin_login(request):
    """The admin site signs in through the one log-in page (lock-out, second factor)."""
    return redirect(_with_next("login", request.GET.get("next") or reverse("admin:index")))


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
