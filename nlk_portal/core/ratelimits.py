"""Counting a client's requests to a public endpoint in the shared cache, one atomic step each.

A fixed window per client address: the count of the window is one key in the shared cache
that expires with it. Once the key exists (every request but the window's first) counting
is one atomic increment, a single round trip to Redis, where django-ratelimit's
decorator makes two (add, then increment) on every request.
"""

import time

from django.core.cache import cache
from django.http import HttpRequest
from django_ratelimit.core import _get_ip, _split_rate

# The key outlives its window by a few seconds, so a late increment never finds it gone.
EXPIRY_MARGIN = 5


def client_address(request: HttpRequest) -> str:
    """The client's address (or IPv6 network) as django-ratelimit takes it, RATELIMIT_IP_META_KEY included."""
    return _get_ip(request)


def over_limit(request: HttpRequest, group: str, rate: str) -> bool:
    """Count this request against `rate` ("60/m") for its client; True once the window's count is exceeded."""
    return over_limit_for(group, client_address(request), rate)


def over_limit_for(group: str, who: str, rate: str) -> bool:
    """Count one more for `who` (a client address, a digest of an email address) against `rate`;
    True once the window's count is exceeded."""
    limit, period = _split_rate(rate)
    window = int(time.time()) // period
    key = f"rl:{group}:{period}:{window}:{who}"
    try:
        count = cache.incr(key)
    except ValueError:  # the window's first request, or its key expired
        if cache.add(key, 1, period + EXPIRY_MARGIN):
            count = 1
        else:
            count = cache.incr(key)
    return count > limit
