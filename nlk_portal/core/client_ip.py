"""The address a request came from, as the rate limits and the login lockout count it.

Settings name this function (RATELIMIT_IP_META_KEY, AXES_CLIENT_IP_CALLABLE), so both
count the same client. Behind a trusted proxy (DJANGO_TRUSTED_PROXY) the proxy's header
(CLIENT_IP_META_KEY) carries the address; anywhere else a client could write that header
itself, so only the connection's address counts.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's IP address: from the trusted proxy's header when there is one, else the connection's."""
    meta_key = settings.CLIENT_IP_META_KEY
    if meta_key:
        # A list (X-Forwarded-For) ends with the address our proxy saw; those before it the client wrote.
        candidate = request.META.get(meta_key, "").rsplit(",", 1)[-1].strip()
        try:
            address = ipaddress.ip_address(candidate)
        except ValueError:
            address = None
        # An IPv6 zone ("%eth0…") names a network interface, never a client, and may hold any text.
        if address is not None and not getattr(address, "scope_id", None):
            return str(address)
        # No usable header: the proxy's own address, so such requests share one count.
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"
