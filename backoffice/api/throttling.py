"""Requests per token (or per person, for the browser's session), at the rate
of API_THROTTLE_RATE: a script in a loop slows down, nobody else does."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from backoffice.api.models import ApiToken
from backoffice.ops.network import client_ip


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self):
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            # the proxies' header only from the proxies (BEHIND_PROXY), not DRF's guess
            ident = f"address-{client_ip(request._request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
