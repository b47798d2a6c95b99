"""Signing in through an OpenID Connect identity provider, with mozilla-django-oidc.

The library reads its configuration from flat Django settings (``OIDC_RP_CLIENT_ID`` …), which
allows one provider per site. Here every piece (backend, views, session refresh) is a generic
``Provider…`` class bound to one named entry of ``settings.OIDC_PROVIDERS`` by a small mixin
(``StaffProvider``), and reads the library's settings from that entry. Staff sign in through
``"staff"``; citizens sign in through MitID as the second provider ``"citizen"``
(``oidc_provider_settings("MIKROLAAN_CITIZEN_OIDC_")``), whose mixin, URLs and backend live in
``mikrolaan.selfservice.signin``: its ``user_from_claims`` finds a ``people.Citizen`` by the CPR
claim, and its callback keeps the citizen in the session without ever making a staff user.

The provider's endpoints and signing keys come from its discovery document; ID tokens are
RS256-signed and checked for signature, issuer, audience and expiry.
"""

import logging
import time
from dataclasses import dataclass, field

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.middleware import SessionRefresh
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from mikrolaan.accounts.services import SignInRefused, sign_in_staff

logger = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_MAX_AGE = 60 * 60
SIGNING_ALGORITHM = "RS256"
TIMEOUT = 10


@dataclass(frozen=True)
class ProviderConfig:
    """One provider's entry in ``settings.OIDC_PROVIDERS`` (see settings/env.py)."""

    name: str
    issuer: str = ""
    client_id: str = ""
    client_secret: str = ""
    scopes: str = "openid"
    username_claim: str = "sub"
    renew_seconds: int = 900
    role_claim: str = ""
    unit_claim: str = ""
    role_map: dict = field(default_factory=dict)
    break_glass_user: str = ""
    cpr_claim: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.issuer)

    @property
    def discovery_url(self) -> str:
        if DISCOVERY_PATH in self.issuer:
            return self.issuer
        return self.issuer.rstrip("/") + DISCOVERY_PATH


def provider_config(name: str) -> ProviderConfig:
    return ProviderConfig(name=name, **getattr(settings, "OIDC_PROVIDERS", {}).get(name, {}))


def local_passwords_allowed(username: str | None) -> bool:
    """Local passwords work for everyone until staff sign in through the municipality's
    provider; then only for the break-glass administrator named in the configuration."""
    staff = provider_config("staff")
    if not staff.enabled:
        return True
    return bool(staff.break_glass_user) and username == staff.break_glass_user


_discovered: dict[str, tuple[float, dict]] = {}


def discover(config: ProviderConfig) -> dict:
    """The provider's discovery document (endpoints, JWKS, issuer), cached for an hour."""
    url = config.discovery_url
    cached = _discovered.get(url)
    if cached and time.monotonic() - cached[0] < DISCOVERY_MAX_AGE:
        return cached[1]
    response = requests.get(url, timeout=TIMEOUT)
    response.raise_for_status()
    document = response.json()
    if DISCOVERY_PATH not in config.issuer and document.get("issuer") != config.issuer.rstrip("/"):
        raise ImproperlyConfigured(
            f"the provider at {url} names issuer {document.get('issuer')!r}, not {config.issuer!r}"
        )
    _discovered[url] = (time.monotonic(), document)
    return document


class _FromProvider:
    """A library attribute (``self.OIDC_RP_CLIENT_ID`` …) read from the provider when used.

    The library assigns these in ``__init__``; reading them late instead means nothing is
    fetched before a sign-in actually happens, and the assignment is ignored.
    """

    def __init__(self, setting: str):
        self.setting = setting

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return obj.get_settings(self.setting)

    def __set__(self, obj, value):
        pass


class ProviderMixin:
    """Binds a library class to one named provider; a provider's classes set these four."""

    provider_name: str
    backend_path: str  # dotted path of its backend, as stored in the session
    login_url_name: str
    callback_url_name: str

    OIDC_OP_AUTHORIZATION_ENDPOINT = _FromProvider("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_AUTH_ENDPOINT = _FromProvider("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = _FromProvider("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = _FromProvider("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = _FromProvider("OIDC_OP_JWKS_ENDPOINT")
    OIDC_RP_CLIENT_ID = _FromProvider("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = _FromProvider("OIDC_RP_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = _FromProvider("OIDC_RP_SIGN_ALGO")
    OIDC_RP_IDP_SIGN_KEY = _FromProvider("OIDC_RP_IDP_SIGN_KEY")
    OIDC_RP_SCOPES = _FromProvider("OIDC_RP_SCOPES")
    OIDC_AUTHENTICATION_CALLBACK_URL = _FromProvider("OIDC_AUTHENTICATION_CALLBACK_URL")
    OIDC_EXEMPT_URLS = _FromProvider("OIDC_EXEMPT_URLS")
    OIDC_STATE_SIZE = _FromProvider("OIDC_STATE_SIZE")
    OIDC_USE_NONCE = _FromProvider("OIDC_USE_NONCE")
    OIDC_NONCE_SIZE = _FromProvider("OIDC_NONCE_SIZE")

    @property
    def config(self) -> ProviderConfig:
        return provider_config(self.provider_name)

    def get_settings(self, attr, *args):
        config = self.config
        endpoints = {
            "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
            "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
            "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
            "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
        }
        if attr in endpoints:
            return discover(config)[endpoints[attr]]
        own = {
            "OIDC_RP_CLIENT_ID": config.client_id,
            "OIDC_RP_CLIENT_SECRET": config.client_secret,
            "OIDC_RP_SIGN_ALGO": SIGNING_ALGORITHM,
            "OIDC_RP_IDP_SIGN_KEY": None,
            "OIDC_RP_SCOPES": config.scopes,
            "OIDC_AUTHENTICATION_CALLBACK_URL": self.callback_url_name,
            "OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS": config.renew_seconds,
            "OIDC_USE_PKCE": True,
            "OIDC_USE_NONCE": True,
            "OIDC_STATE_SIZE": 32,
            "OIDC_NONCE_SIZE": 32,
            "OIDC_EXEMPT_URLS": [],
            "OIDC_TIMEOUT": TIMEOUT,
            "OIDC_CREATE_USER": True,
            "OIDC_STORE_ACCESS_TOKEN": False,
            "OIDC_STORE_ID_TOKEN": False,
            "OIDC_ALLOW_UNSECURED_JWT": False,
            "OIDC_VERIFY_KID": True,
        }
        if attr in own:
            return own[attr]
        return import_from_settings(attr, *args)


class ProviderBackend(ProviderMixin, OIDCAuthenticationBackend):
    """Authenticates at its own provider's callback; ``user_from_claims`` makes the user."""

    def user_from_claims(self, claims: dict):
        """The user the provider's claims describe; raises ``SignInRefused``."""
        raise NotImplementedError

    def __init__(self, *args, **kwargs):
        # The library's __init__ only reads settings, which are read when used here.
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        # Only the callback of this provider: another provider's callback is not ours.
        if request is None or not self.config.enabled:
            return None
        if request.path != reverse(self.callback_url_name):
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation, ValueError) as exc:
            logger.warning("sign-in through %s refused: %s", self.provider_name, exc)
            return None

    def _verify_jws(self, payload, key):
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != SIGNING_ALGORITHM:
            raise SuspiciousOperation(f"token signed with {header.get('alg')!r}")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[SIGNING_ALGORITHM],
                audience=self.config.client_id,
                issuer=discover(self.config)["issuer"],
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                leeway=30,
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo is about another subject than the ID token")
        # Some providers (Entra ID) put roles in the ID token only; both are from the provider.
        claims = {**payload, **userinfo}
        try:
            return self.user_from_claims(claims)
        except SignInRefused as refusal:
            self.request.oidc_refusal = refusal
            return None

    def get_user(self, user_id):
        if not self.config.enabled:
            return None
        return super().get_user(user_id)


class ProviderLoginView(ProviderMixin, OIDCAuthenticationRequestView):
    """Sends the browser to the municipality's provider to sign in."""

    def __init__(self, **kwargs):
        # The library's __init__ reads the endpoints; here they are read when used.
        View.__init__(self, **kwargs)

    def get(self, request):
        if not self.config.enabled:
            raise Http404
        try:
            return super().get(request)
        except (requests.RequestException, ValueError, KeyError) as exc:
            logger.warning("the %s provider cannot be reached: %s", self.provider_name, exc)
            messages.error(
                request, _("The municipality's login cannot be reached right now. Try again.")
            )
            return redirect("login")


class ProviderCallbackView(ProviderMixin, OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back; a failed sign-in leaves no session."""

    def get(self, request):
        if not self.config.enabled:
            raise Http404
        try:
            return super().get(request)
        except SuspiciousOperation as exc:
            # A state this browser did not start (an old tab, the back button, a forgery).
            logger.warning("sign-in callback refused: %s", exc)
            return self.login_failure()

    def login_failure(self):
        request = self.request
        if request.user.is_authenticated:
            auth.logout(request)
        refusal = getattr(request, "oidc_refusal", None)
        if refusal is not None:
            return render(
                request, "accounts/sign_in_refused.html", {"refusal": refusal}, status=403
            )
        if request.GET.get("error") == "login_required":
            messages.info(
                request, _("Your sign-in through the municipality has ended. Sign in again.")
            )
        else:
            messages.error(request, _("Sign-in through the municipality failed. Try again."))
        return redirect("login")


class ProviderSessionRefresh(ProviderMixin, SessionRefresh):
    """Asks the provider again (prompt=none) every ``renew_seconds`` whether it still vouches
    for the person; if not, the callback ends the session."""

    def __init__(self, get_response):
        MiddlewareMixin.__init__(self, get_response)

    @property
    def exempt_urls(self):
        return {
            reverse(self.login_url_name),
            reverse(self.callback_url_name),
            reverse("login"),
            reverse("logout"),
        }

    @property
    def exempt_url_patterns(self):
        return set()

    def is_refreshable_url(self, request):
        return (
            self.config.enabled
            and request.session.get(BACKEND_SESSION_KEY) == self.backend_path
            and super().is_refreshable_url(request)
        )

    def process_request(self, request):
        try:
            return super().process_request(request)
        except (requests.RequestException, ValueError, KeyError) as exc:
            # The provider is down: the session goes on, and the check is retried on the
            # next page; a provider outage should not throw every caseworker out.
            logger.warning("the %s provider cannot be reached: %s", self.provider_name, exc)
            return None


# --- staff: the municipality's identity provider ------------------------------------------


class StaffProvider(ProviderMixin):
    provider_name = "staff"
    backend_path = "mikrolaan.accounts.oidc.StaffOIDCBackend"
    login_url_name = "oidc_staff_login"
    callback_url_name = "oidc_staff_callback"


class StaffOIDCBackend(StaffProvider, ProviderBackend):
    """Staff signed in by the municipality's identity provider; user, role and unit from its
    claims (``accounts.services.sign_in_staff``)."""

    def user_from_claims(self, claims: dict):
        return sign_in_staff(claims, config=self.config)


class StaffOIDCLoginView(StaffProvider, ProviderLoginView):
    pass


class StaffOIDCCallbackView(StaffProvider, ProviderCallbackView):
    pass


class StaffSessionRefresh(StaffProvider, ProviderSessionRefresh):
    pass
