"""Where the portal may connect to when it posts to a partner's system.

With the setting ILL_ISO18626_REQUIRE_PUBLIC_ENDPOINTS on (always, when debug is off) an endpoint must
be https, and every address its host name resolves to must be a public one: no loopback, private,
link-local, shared, multicast, reserved or unspecified address, in IPv4 or IPv6, nor one of these
wrapped in IPv6 (::ffff:127.0.0.1, 6to4, NAT64, Teredo). The networks in ILL_ISO18626_ALLOWED_NETWORKS
are allowed all the same (a partner on the library's own network). A host written as a number
(http://2130706433/, http://0x7f.1/) is read as the resolver reads it, so it is checked as what it is.

`resolve` gives the addresses that passed; a connection is opened to one of them and to nothing else,
so a name that resolves elsewhere a moment later is never connected to.
"""

import ipaddress
import socket
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")


class EndpointRefused(ValueError):
    """The endpoint may not be connected to. `reason` is one of the constants below; the text names no address."""

    NOT_HTTP = "not-http"
    NOT_HTTPS = "not-https"
    NO_HOST = "no-host"
    NOT_ALLOWED = "not-allowed"

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(text)
        self.reason = reason


@dataclass(frozen=True)
class Target:
    """One address an endpoint may be connected to, as getaddrinfo gave it."""

    family: int
    sockaddr: tuple[str, int] | tuple[str, int, int, int] | tuple[int, bytes]
    address: Address


@dataclass(frozen=True)
class Policy:
    require_public: bool
    allowed_networks: tuple[Network, ...] = ()

    @classmethod
    def from_settings(cls) -> "Policy":
        return cls(
            require_public=bool(getattr(settings, "ILL_ISO18626_REQUIRE_PUBLIC_ENDPOINTS", True)),
            allowed_networks=parse_networks(getattr(settings, "ILL_ISO18626_ALLOWED_NETWORKS", ())),
        )

    def allows(self, address: Address) -> bool:
        """Whether the portal may connect to `address`."""
        if not self.require_public:
            return True
        inner = embedded_addresses(address)
        if any(each in network for each in inner for network in self.allowed_networks
               if each.version == network.version):
            return True
        return all(is_public(each) for each in inner)

    def check_url(self, url: str) -> urllib.parse.SplitResult:
        """The URL split, if its scheme is one the policy allows; raise EndpointRefused if not."""
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise EndpointRefused(EndpointRefused.NOT_HTTP, f"{url!r} is not an http or https URL.")
        if not parts.hostname:
            raise EndpointRefused(EndpointRefused.NO_HOST, f"{url!r} names no host.")
        if self.require_public and parts.scheme != "https":
            raise EndpointRefused(EndpointRefused.NOT_HTTPS, f"{url!r} is not an https URL.")
        return parts

    def resolve(self, url: str) -> list[Target]:
        """The addresses to connect to for `url`, each one allowed.

        Raises EndpointRefused when the URL or any address its host resolves to is not allowed
        (one forbidden address is enough: the resolver could give it next time), OSError when
        the host name cannot be resolved or gives no address.
        """
        parts = self.check_url(url)
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise EndpointRefused(EndpointRefused.NO_HOST, f"{url!r} has no valid port.") from None
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        targets: list[Target] = []
        for family, _type, _proto, _name, sockaddr in found:
            if family not in (socket.AF_INET, socket.AF_INET6):
                continue
            address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
            if not self.allows(address):
                raise EndpointRefused(
                    EndpointRefused.NOT_ALLOWED, f"The address of {parts.hostname} is not allowed for a peer."
                )
            targets.append(Target(family=family, sockaddr=sockaddr, address=address))
        if not targets:
            raise OSError(f"{parts.hostname} has no address.")
        return targets


def parse_networks(values: str | Iterable[str]) -> tuple[Network, ...]:
    """CIDRs (a list, or one comma-separated string) as networks; raise ValueError on one that is none."""
    if isinstance(values, str):
        values = values.split(",")
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip())


def embedded_addresses(address: Address) -> list[Address]:
    """The address, and the IPv4 addresses an IPv6 one carries (mapped, 6to4, NAT64, Teredo)."""
    found = [address]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            found.append(address.ipv4_mapped)
        if address.sixtofour is not None:
            found.append(address.sixtofour)
        if address.teredo is not None:
            found.extend(address.teredo)
        if address in NAT64 or address in NAT64_LOCAL:
            found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def is_public(address: Address) -> bool:
    """Whether `address` is a public unicast address (ipaddress's own view, with nothing special)."""
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)
    )
