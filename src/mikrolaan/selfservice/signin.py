"""Citizens sign in with MitID: the second OpenID Connect provider, ``"citizen"``.

The generic provider classes of ``accounts.oidc`` do the protocol (discovery, PKCE, state,
nonce, the ID token's signature, issuer, audience and expiry, userinfo). What differs here:

- the backend's ``user_from_claims`` returns a ``people.Citizen`` found by the CPR claim
  (``MIKROLAAN_CITIZEN_OIDC_CPR_CLAIM``), never a staff ``User``; a CPR that is not a citizen
  in the programme is refused with a Danish page and no session;
- the backend is not in ``AUTHENTICATION_BACKENDS``: the callback calls it itself and keeps
  the citizen in the session (``selfservice.session``), so Django's authentication, and with
  it every staff page, never sees a citizen.
"""

from __future__ import annotations

import logging

import requests
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from mikrolaan.accounts.oidc import (
    ProviderBackend,
    ProviderCallbackView,
    ProviderLoginView,
    ProviderMixin,
)
from mikrolaan.accounts.services import SignInRefused
from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log_by_citizen
from mikrolaan.people.models import Citizen
from mikrolaan.selfservice import session
from mikrolaan.selfservice.eligibility import citizen_by_cpr

logger = logging.getLogger(__name__)

# NemLog-in's name for the CPR number (OIOSAML 3 / the OIDC broker's claim).
DEFAULT_CPR_CLAIM = "https://data.gov.dk/model/core/eid/cprNumber"


class CitizenProvider(ProviderMixin):
    provider_name = "citizen"
    backend_path = "mikrolaan.selfservice.signin.CitizenOIDCBackend"
    login_url_name = "oidc_citizen_login"
    callback_url_name = "oidc_citizen_callback"


class CitizenOIDCBackend(CitizenProvider, ProviderBackend):
    """Finds the citizen the MitID claims name; returns a ``Citizen``, not a user."""

    def user_from_claims(self, claims: dict) -> Citizen:
        claim = self.config.cpr_claim or DEFAULT_CPR_CLAIM
        citizen = citizen_by_cpr(claims.get(claim))
        if citizen is None:
            raise SignInRefused(
                _("We cannot find you among the citizens in the microloan programme.")
            )
        return citizen


class CitizenOIDCLoginView(CitizenProvider, ProviderLoginView):
    """Sends the browser to MitID; an unreachable provider is a message on the citizen's page."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not self.config.enabled:
            raise Http404
        try:
            return OIDCAuthenticationRequestView.get(self, request)
        except (requests.RequestException, ValueError, KeyError) as exc:
            logger.warning("the citizen provider cannot be reached: %s", exc)
            messages.error(request, _("MitID cannot be reached right now. Try again later."))
            return redirect("selfservice:home")


class CitizenOIDCCallbackView(CitizenProvider, ProviderCallbackView):
    """MitID sends the browser back here; success keeps the citizen in a fresh session."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not self.config.enabled:
            raise Http404
        try:
            citizen = self._authenticate(request)
        except SuspiciousOperation as exc:
            logger.warning("citizen sign-in callback refused: %s", exc)
            citizen = None
        if citizen is None:
            return self.login_failure()
        session.start(request, citizen)
        log_by_citizen(citizen, Action.LOGIN, what="signed in with MitID")
        return redirect("selfservice:home")

    def _authenticate(self, request: HttpRequest) -> Citizen | None:
        """The library's callback steps (state, nonce, PKCE verifier), then our backend only."""
        if request.GET.get("error") or "code" not in request.GET or "state" not in request.GET:
            return None
        states = request.session.get("oidc_states") or {}
        state = request.GET["state"]
        if state not in states:
            raise SuspiciousOperation("state not started by this browser")
        started = states.pop(state)
        request.session["oidc_states"] = states
        request.session.save()
        return CitizenOIDCBackend().authenticate(
            request, nonce=started["nonce"], code_verifier=started.get("code_verifier")
        )

    def login_failure(self) -> HttpResponse:
        request = self.request
        session.end(request)
        refusal = getattr(request, "oidc_refusal", None)
        if refusal is not None:
            return render(
                request, "selfservice/sign_in_refused.html", {"refusal": refusal}, status=403
            )
        messages.error(request, _("Signing in with MitID failed. Try again."))
        return redirect("selfservice:home")
