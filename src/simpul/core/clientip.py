"""The client's IP address, the one every limit counts by (tracking PINs, questionnaire, login lockout, API).

Behind a reverse proxy every request arrives from the proxy's address, so counting by `REMOTE_ADDR` lets one
attacker lock out every citizen at once. `X-Forwarded-For` is believed only when the request comes from a proxy
listed in `settings.SIMPUL_TRUSTED_PROXIES` (IP addresses or CIDR networks, env `SIMPUL_TRUSTED_PROXIES`); the
client is then the right-most address of the header that is not itself a trusted proxy (nginx's
`$proxy_add_x_forwarded_for` appends the address it saw, so everything left of it is the client's own claim).
A request that does not come from a trusted proxy is counted by `REMOTE_ADDR`, whatever header it sends.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def trusted_proxies() -> tuple[IPNetwork, ...]:
    """The configured proxies as networks (a bad entry fails loudly: `simpul check` reports it)."""
    return _networks(tuple(settings.SIMPUL_TRUSTED_PROXIES))


def _address(text: str) -> IPAddress | None:
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.7:5123
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_ip(request: Any) -> str:
    """The address of the client this request counts against (see the module docstring)."""
    meta = request.META
    remote = _address(str(meta.get("REMOTE_ADDR") or ""))
    if remote is None:
        return "unknown"
    networks = trusted_proxies()
    if not networks or not _trusted(remote, networks):
        return str(remote)
    for hop in reversed(str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",")):
        address = _address(hop)
        if address is None:
            break  # not an address: the header was not written by a proxy we trust
        if not _trusted(address, networks):
            return str(address)
    return str(remote)


def axes_client_ip(request: Any) -> str | None:
    """`client_ip` for the login lockout's records, which keep an IP address column: None when the request has no
    address at all (a log-in made in code, e.g. a test client's `force_login`), which PostgreSQL would refuse."""
    address = client_ip(request)
    return None if address == "unknown" else address
