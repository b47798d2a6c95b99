"""Middleware that protects logged-in pages: an idle timeout and headers for the browser."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

LAST_ACTIVITY_KEY = "mikrolaan_last_activity"
# Writing the session on every request would cost a database write per page; a minute's
# precision is plenty for a 30-minute timeout.
ACTIVITY_RESOLUTION_SECONDS = 60


class IdleTimeoutMiddleware:
    """Log out a user who has made no request for ``SESSION_IDLE_SECONDS``.

    ``SESSION_COOKIE_AGE`` caps the whole session however active the user is; this ends it
    early when a caseworker walks away from an open screen full of CPR numbers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - last > settings.SESSION_IDLE_SECONDS:
                return self._expired(request)
            if last is None or now - last >= ACTIVITY_RESOLUTION_SECONDS:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)

    def _expired(self, request):
        logout(request)
        messages.warning(
            request, _("You were logged out because you had not used the system for a while.")
        )
        login = f"{reverse(settings.LOGIN_URL)}?next={request.path}"
        if request.headers.get("HX-Request"):
            # An htmx request would swap the login page into a fragment of the old page.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login
            return response
        return redirect(login)


class SecurityHeadersMiddleware:
    """Headers Django has no setting for: Permissions-Policy on every response, and no
    caching of any page shown to a logged-in user (they show citizens' personal data)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
            response["Pragma"] = "no-cache"
        return response
