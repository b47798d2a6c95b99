"""Lock-out after repeated failed log-ins (django-axes), per user name and per IP address.

The log-in page and ``/admin/`` share one log-in view, so both are covered. The limit and the
cool-off come from ``MIKROLAAN_LOGIN_FAILURE_LIMIT`` and ``MIKROLAAN_LOGIN_COOLOFF_MINUTES``.
"""

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone


class LockoutBackend(AxesStandaloneBackend):
    """Axes' backend; it refuses a locked user name or address before any password check.

    Axes insists on the request. Tests that switch axes off (``AXES_ENABLED = False``) may
    still use ``client.login()``, which passes none; with axes on, it is required.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None and not settings.AXES_ENABLED:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def locked_out(request, original_response=None, credentials=None):
    """The lock-out page: in the design-system layout, saying when to try again.

    A failed attempt during a lock-out starts the cool-off again (axes' default), and this
    page only answers an attempt, so the lock ends one cool-off from now.
    """
    cool_off = get_cool_off(request)
    until = timezone.localtime(timezone.now() + cool_off) if cool_off else None
    return render(
        request,
        "accounts/locked_out.html",
        {"until": until, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


def client_ip(request) -> str:
    """The address axes counts failures for (``REMOTE_ADDR`` unless axes is told otherwise)."""
    if request is None:
        return "-"
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR") or "-"
