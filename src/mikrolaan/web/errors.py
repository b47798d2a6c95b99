"""Error pages in the design system's layout, with header and menu, in the user's language.

Django's defaults are bare English pages ("Not Found") without the site around them, which
leave a caseworker with no way back.
"""

import logging

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _page(request, status, heading, text, alert="warning"):
    context = {"heading": heading, "text": text, "alert": alert}
    return render(request, "errors/error.html", context, status=status)


def bad_request(request, exception=None):
    return _page(
        request, 400, _("The request could not be read"), _("Go back and try again."), "error"
    )


def permission_denied(request, exception=None):
    return _page(
        request,
        403,
        _("You do not have access to this page"),
        _(
            "Your role does not give access to this page or this citizen's data. "
            "Ask your project leader if you need it for your work."
        ),
    )


def page_not_found(request, exception=None):
    return _page(
        request,
        404,
        _("The page does not exist"),
        _("The address may be mistyped, or the page may have been moved or closed."),
    )


def server_error(request):
    try:
        return _page(
            request,
            500,
            _("Something went wrong"),
            _(
                "The error has been logged. Try again in a moment; if it happens again, "
                "contact the system's administrator."
            ),
            "error",
        )
    except Exception:  # the layout itself may be what fails (e.g. the database is down)
        logger.exception("the error page could not be rendered")
        return HttpResponseServerError(
            "<!DOCTYPE html><html lang='da'><title>Fejl · Mikrolån</title>"
            "<h1>Der opstod en fejl</h1><p>Prøv igen om lidt.</p></html>"
        )


def csrf_failure(request, reason=""):
    return _page(
        request,
        403,
        _("The form had expired"),
        _(
            "The page was open too long or in another window. Go back, reload the page and "
            "send the form again."
        ),
    )
