from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

# /api/ authenticates each calling system itself (bearer tokens, mikrolaan.api). The citizens'
# pages (/borger/) are not staff pages: they check the citizen's own MitID session themselves
# (selfservice/session.py) and never accept a staff log-in.
PUBLIC_PREFIXES = (
    "/login/",
    "/static/",
    "/i18n/",
    "/admin/",
    "/healthz",
    "/oidc/",
    "/api/",
    "/borger/",
)


class LoginRequiredMiddleware:
    """Every page needs a logged-in user, except the log-in page and static files."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
        return self.get_response(request)


class DanishByDefaultMiddleware:
    """Danish for everyone, whatever the browser asks for; English only when chosen.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and a caseworker
    with an English browser would get a half-translated system.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", language)
            return response
