"""The client's address: X-Forwarded-For is read only as far as the proxies in front of Quartier are trusted.

Every proxy appends the address it received the request from to X-Forwarded-For, so only the right-most hops are
written by machines we trust; everything further left is whatever the client sent. With no setting the header is
ignored and the connection's own address counts. `QUARTIER_TRUSTED_PROXIES` (addresses or networks, `unix` for a
UNIX socket) walks the header from the right while the hop that wrote it is trusted; `QUARTIER_TRUSTED_PROXY_COUNT`
takes the hop that many places from the right (for proxies whose addresses are not known). A hop that is not a
plain IP address ends the walk: the last trustworthy address counts, never the client's claim.
docs/client-addresses.md explains the settings and the proxy configuration.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# "unix" in the trusted list: a connection without an IP address (a proxy on the same host over a UNIX socket).
UNIX_SOCKET = "unix"
# The longest textual IP address (an IPv6 address written with an embedded IPv4 address) is 45 characters.
MAX_ADDRESS_LENGTH = 45
# More hops than any real chain of proxies; the rest of a longer header is never split or parsed.
MAX_HOPS = 20
# IPv6 rate limits count per /64: one connection usually owns a whole /64 and can pick any address in it.
IPV6_LIMIT_PREFIX = 64


def parse_address(raw: str) -> Address | None:
    """A plain IP address as a proxy writes it, normalised; None for anything else.

    Refused: host names, ports (`1.2.3.4:80`), brackets (`[2001:db8::1]`), zone ids (`fe80::1%eth0`), empty
    and oversized values. IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) become the IPv4 address."""
    text = raw.strip(" \t")  # HTTP optional white space only
    if not text or len(text) > MAX_ADDRESS_LENGTH:
        return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id is not None:
            return None
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
    return address


@lru_cache(maxsize=16)
def _trusted(entries: tuple[str, ...]) -> tuple[bool, tuple[Network, ...]]:
    """(UNIX socket trusted, trusted networks) from the setting; the setting is validated at start-up."""
    networks = tuple(ipaddress.ip_network(entry, strict=False) for entry in entries if entry != UNIX_SOCKET)
    return UNIX_SOCKET in entries, networks


def _is_trusted(address: Address | None, entries: tuple[str, ...]) -> bool:
    unix, networks = _trusted(entries)
    if address is None:
        return unix
    return any(address in network for network in networks)


def _hops(request) -> list[str]:
    """X-Forwarded-For from the right: the nearest proxy's entry first, at most MAX_HOPS + 1 of them."""
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not header:
        return []
    return list(reversed(header.rsplit(",", MAX_HOPS)))


def client_address(request) -> str:
    """The address of the client that sent this request, normalised (see the module docstring)."""
    remote_raw = request.META.get("REMOTE_ADDR", "") or ""
    remote = parse_address(remote_raw)
    entries = tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ())
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    fallback = str(remote) if remote is not None else remote_raw.strip()[:MAX_ADDRESS_LENGTH]
    if count <= 0 and not entries:
        return fallback
    if entries and not _is_trusted(remote, entries):
        return fallback
    current = fallback
    for place, raw in enumerate(_hops(request), start=1):
        hop = parse_address(raw)
        if hop is None:
            break  # a hop no proxy of ours would write: keep the last trustworthy address
        current = str(hop)
        if count > 0:
            if place >= count:
                break
        elif not _is_trusted(hop, entries):
            break
    return current


def limit_identity(address: str) -> str:
    """The identity rate limits count an address under: IPv4 addresses as they are, IPv6 by their /64."""
    parsed = parse_address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, IPV6_LIMIT_PREFIX), strict=False))
    return address


def client_limit_identity(request) -> str:
    """The rate-limit identity of the client that sent this request."""
    return limit_identity(client_address(request))
