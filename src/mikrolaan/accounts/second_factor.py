"""The second factor (TOTP) for everyone whose work shows personal data.

After the password, a user in ``PERSONAL_DATA_ROLES`` (or with access to the admin site) is
sent to set up an authenticator app (first log-in) or to give its code, before any other page.
Sessions signed in through the municipality's identity provider are exempt: it authenticates
strongly. Demo users are exempt only on an installation the demo made, outside production.
"""

import re
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mikrolaan.accounts.roles import PERSONAL_DATA_ROLES
from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log

OIDC_BACKEND = "mikrolaan.accounts.oidc.StaffOIDCBackend"
RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "app"
RECOVERY_DEVICE_NAME = "recovery"
_TOTP_CODE = re.compile(r"^\d{6}$")


# --- the rule ----------------------------------------------------------------------------


def second_factor_required(request) -> bool:
    """Whether this signed-in session must show a second factor before it sees anything."""
    user = request.user
    if not settings.SECOND_FACTOR_REQUIRED or not user.is_authenticated:
        return False
    if request.session.get(BACKEND_SESSION_KEY) == OIDC_BACKEND:
        return False
    if user.role not in PERSONAL_DATA_ROLES and not (user.is_staff or user.is_superuser):
        return False
    return not is_demo_exempt(user)


def is_demo_exempt(user) -> bool:
    """Demo users skip the second factor on the demo's own installation, never in production."""
    if settings.MIKROLAAN_ENVIRONMENT == "production":
        return False
    from mikrolaan.core.models import DemoLogin

    return DemoLogin.objects.filter(user=user).exists()


def app_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


# --- the services ------------------------------------------------------------------------


@transaction.atomic
def begin_app_setup(user) -> TOTPDevice:
    """The not yet confirmed authenticator-app device the user is setting up (made once)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
        log(user, Action.CREATE, obj=user, what="second factor: set-up of authenticator app begun")
    return device


@transaction.atomic
def confirm_app_setup(request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the app with its first code; returns the new recovery codes, or None.

    The confirmed app replaces any earlier one, and new recovery codes replace the old. The
    session counts as verified from here on.
    """
    user = request.user
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(pk=device.pk, user=user, confirmed=False)
        .first()
    )
    if device is None:  # confirmed meanwhile (the form sent twice): set up again
        return None
    if not _TOTP_CODE.match(_normalise(token)) or not device.verify_token(_normalise(token)):
        log(user, Action.LOGIN_FAILED, obj=user, what="second factor set-up: wrong code")
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    otp_login(request, device)
    log(
        user,
        Action.CHANGE,
        obj=user,
        what=f"second factor set up: authenticator app and {RECOVERY_CODE_COUNT} recovery codes",
    )
    return codes


def verify_second_factor(request, token: str) -> bool:
    """Check a code from the app, or a recovery code (used up); mark the session verified.

    Both devices throttle wrong codes (django-otp waits longer after each), so the six digits
    cannot be guessed.
    """
    user = request.user
    token = _normalise(token)
    with transaction.atomic():
        if _TOTP_CODE.match(token):
            kind = "authenticator app"
            devices = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
        else:
            kind = "recovery code"
            devices = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True)
        device = next((d for d in devices if d.verify_token(token)), None)
        if device is None:
            log(user, Action.LOGIN_FAILED, obj=user, what=f"second factor: wrong {kind}")
            return False
        otp_login(request, device)
        log(user, Action.LOGIN, obj=user, what=f"second factor verified with {kind}")
        return True


def remaining_recovery_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _normalise(token: str) -> str:
    return "".join(token.split()).lower()


# --- showing the secret ------------------------------------------------------------------


def secret_text(device: TOTPDevice) -> str:
    """The key as the apps want it typed in: base32, in groups of four."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` URL as an inline SVG QR code (no styles, so no CSP exception)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)


# --- the middleware ----------------------------------------------------------------------

_OPEN_URL_NAMES = (
    "login",
    "logout",
    "accounts:second_factor",
    "accounts:second_factor_setup",
)
_OPEN_PREFIXES = ("/static/", "/i18n/", "/healthz")


class SecondFactorMiddleware:
    """No page but log-in, log-out and the second-factor pages before the second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not request.path.startswith(_OPEN_PREFIXES)
            and request.path not in {reverse(name) for name in _OPEN_URL_NAMES}
            and not request.user.is_verified()
            and second_factor_required(request)
        ):
            target = (
                "accounts:second_factor"
                if app_device(request.user)
                else "accounts:second_factor_setup"
            )
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
