"""
The API's request limits, by the client's address as the rest of the site takes it (``core.http.client_ip``:
the trusted proxies' X-Forwarded-For entry). DRF's own would read the whole header, which a client writes
itself, so each made-up header would be a fresh allowance.
"""

from rest_framework import throttling

from core.http import client_ip


class _ByClientIp:
    def get_ident(self, request):
        return client_ip(request) or "unknown"


class AnonRateThrottle(_ByClientIp, throttling.AnonRateThrottle):
    """Without signing in: API_THROTTLE_ANON per address."""


class UserRateThrottle(_ByClientIp, throttling.UserRateThrottle):
    """Signed in: API_THROTTLE_USER per person."""


class AddressRateThrottle(_ByClientIp, throttling.SimpleRateThrottle):
    """Everyone, signed in or not: API_THROTTLE_IP per address (many tokens from one place share it)."""

    scope = "ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
