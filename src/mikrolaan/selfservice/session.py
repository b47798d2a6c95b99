"""The citizen's session: who is signed in on the citizen's pages, kept apart from staff.

A citizen is never a staff ``User``: Django's authentication knows nothing of them, so no
staff page (they all need ``request.user``) ever opens for a citizen. The citizen's identity
is one key in the session, set only by the MitID callback (``signin``); a session with a
staff user is never a citizen's (``citizen_of`` refuses it), and signing in either way starts
a fresh session, which drops the other.
"""

from __future__ import annotations

import functools
import time

from django.conf import settings
from django.contrib import auth
from django.http import HttpRequest
from django.shortcuts import redirect, render

from mikrolaan.accounts.oidc import provider_config
from mikrolaan.people.models import Citizen
from mikrolaan.selfservice.eligibility import in_programme

CITIZEN_KEY = "selfservice_citizen"
SIGNED_IN_AT_KEY = "selfservice_signed_in_at"
LAST_SEEN_KEY = "selfservice_last_seen"


def start(request: HttpRequest, citizen: Citizen) -> None:
    """A fresh session for this citizen; any staff log-in in the browser ends here."""
    if request.user.is_authenticated:
        auth.logout(request)
    request.session.flush()
    now = int(time.time())
    request.session[CITIZEN_KEY] = citizen.pk
    request.session[SIGNED_IN_AT_KEY] = now
    request.session[LAST_SEEN_KEY] = now


def end(request: HttpRequest) -> None:
    request.session.flush()


def citizen_of(request: HttpRequest) -> Citizen | None:
    """The signed-in citizen, or None: no citizen key, a staff session, an idle or too old
    session (``SESSION_IDLE_SECONDS``, ``SESSION_COOKIE_AGE``), or a citizen no longer in
    the programme."""
    pk = request.session.get(CITIZEN_KEY)
    if pk is None or request.user.is_authenticated:
        return None
    now = int(time.time())
    last = request.session.get(LAST_SEEN_KEY, 0)
    signed_in = request.session.get(SIGNED_IN_AT_KEY, 0)
    if now - last > settings.SESSION_IDLE_SECONDS or now - signed_in > settings.SESSION_COOKIE_AGE:
        end(request)
        return None
    citizen = in_programme().filter(pk=pk).first()
    if citizen is None:
        end(request)
        return None
    request.session[LAST_SEEN_KEY] = now
    return citizen


def citizen_required(view):
    """A citizen's page: the signed-in citizen is passed as ``citizen``; anyone else gets the
    MitID sign-in page (a staff member is told that staff log-ins do not open these pages)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        citizen = citizen_of(request)
        if citizen is None:
            status = 403 if request.user.is_authenticated else 200
            return render(
                request,
                "selfservice/sign_in.html",
                {
                    "staff_user": request.user.is_authenticated,
                    "enabled": provider_config("citizen").enabled,
                },
                status=status,
            )
        return view(request, *args, citizen=citizen, **kwargs)

    return wrapped


def home_redirect():
    return redirect("selfservice:home")
