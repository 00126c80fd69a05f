"""Who is asking: the client's address, and whether an allowlist admits it."""

import functools
import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def client_ip(request) -> str:
    """The client's address: the peer's (REMOTE_ADDR), unless BEHIND_PROXY is
    on and the peer is one of TRUSTED_PROXY_IPS. Then X-Forwarded-For is read
    from the right, past our own proxies: the first address that is not one of
    them is the client (entries further left are whatever the client sent). A
    client reaching the server directly is its own peer, whatever it forwards."""
    peer = request.META.get("REMOTE_ADDR", "")
    if not settings.BEHIND_PROXY:
        return peer
    trusted = trusted_proxy_networks(tuple(settings.TRUSTED_PROXY_IPS))
    if not ip_allowed(peer, trusted):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    nearest = peer
    for hop in reversed(hops):
        if not _ip_or_none(hop):
            return nearest  # not written by a proxy of ours: the last one we trust
        if not ip_allowed(hop, trusted):
            return hop
        nearest = hop
    return nearest  # every hop is one of ours: the leftmost is the client


def from_trusted_proxy(request) -> bool:
    """The request came through one of our proxies (BEHIND_PROXY and the peer
    is one of TRUSTED_PROXY_IPS): what it adds to the request may be believed."""
    if not settings.BEHIND_PROXY:
        return False
    trusted = trusted_proxy_networks(tuple(settings.TRUSTED_PROXY_IPS))
    return ip_allowed(request.META.get("REMOTE_ADDR", ""), trusted)


@functools.lru_cache(maxsize=8)
def trusted_proxy_networks(entries: tuple[str, ...]) -> list:
    return networks_parse(entries, setting="TRUSTED_PROXY_IPS")


def health_path(path: str) -> bool:
    """The health endpoints, exactly (open past the allowlist)."""
    return path in ("/health", "/health/", "/health/live/")


def capture_path(path: str) -> bool:
    """A website's enquiry form posting a lead (backoffice/capture): answered
    for anyone, past the allowlist, like health."""
    return path.startswith("/capture/")


def _ip_or_none(address: str):
    try:
        return ipaddress.ip_address(address)
    except ValueError:
        return None


def networks_parse(entries: Iterable[str], *, setting: str) -> list:
    """Addresses and networks (``10.0.0.0/8``, ``203.0.113.7``) from a setting."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(f"{setting}: “{entry}” is not an IP address or network."
                                       ) from exc
    return networks


def ip_allowed(address: str, networks: list) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped  # ::ffff:203.0.113.7 is 203.0.113.7
    return any(ip in network for network in networks)
