"""Who is asking: the client's address, and whether an allowlist admits it."""

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def client_ip(request) -> str:
    """The client's address. Behind TRUSTED_PROXIES proxies (BEHIND_PROXY) it
    is the address the outermost of them appended to X-Forwarded-For, counted
    from the right: entries further left are whatever the client sent."""
    if settings.BEHIND_PROXY and settings.TRUSTED_PROXIES:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= settings.TRUSTED_PROXIES:
            return hops[-settings.TRUSTED_PROXIES]
    return request.META.get("REMOTE_ADDR", "")


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
