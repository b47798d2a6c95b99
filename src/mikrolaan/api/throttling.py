"""Rate limits per calling system (and, for the token endpoint, per address)."""

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle

from mikrolaan.api.models import AccessToken


class SystemRateThrottle(SimpleRateThrottle):
    """``API_RATE_LIMIT`` calls per system ("600/minute"); unauthenticated calls by address."""

    scope = "system"
    # Counted in the database (settings.CACHES): shared by every server process.
    cache = caches["rate_limits"]

    def get_rate(self) -> str:
        return getattr(settings, "API_RATE_LIMIT", "600/minute")

    def get_cache_key(self, request, view) -> str:
        token = request.auth
        if isinstance(token, AccessToken):
            return f"api_throttle_client_{token.client_id}"
        return f"api_throttle_address_{self.get_ident(request)}"
