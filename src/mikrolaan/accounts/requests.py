"""The request a signed-in staff user's view gets, for type checking.

``LoginRequiredMiddleware`` lets no anonymous request through to the app views, so their
``request.user`` is a ``User`` (django-stubs types it as ``User | AnonymousUser``).
"""

from django.http import HttpRequest

from mikrolaan.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User
