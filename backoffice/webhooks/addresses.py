"""Where a webhook may go: https (http only when WEBHOOKS_ALLOW_HTTP), no
credentials in the URL, and only to public addresses — never loopback,
private, link-local (the cloud metadata service at 169.254.169.254),
carrier-grade NAT, multicast or reserved ones (SSRF), unless
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES. Checked when an endpoint is saved and again
at every delivery, which then connects to the very address it checked (a name
that resolves elsewhere a second later is not followed)."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

URL_MAX = 500


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written in the URL (the Host header and the TLS name)
    port: int
    path: str  # path and query, as written
    address: str  # the checked IP address to connect to


# the cloud metadata services: refused even where private addresses are allowed
METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"),
            ipaddress.ip_address("100.100.100.200")}


def _is_metadata(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip in METADATA


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def url_parse(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of a URL an endpoint may have, or a
    ValidationError saying what is wrong with it."""
    url = str(url or "").strip()
    if not url:
        raise ValidationError(_("Enter the URL."))
    if len(url) > URL_MAX:
        raise ValidationError(_("The URL is longer than %(max)d characters.") % {"max": URL_MAX})
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise ValidationError(_("The URL may not contain spaces or control characters."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValidationError(_("This is not a valid URL.")) from exc
    scheme = parts.scheme.lower()
    allowed = ("https", "http") if settings.WEBHOOKS_ALLOW_HTTP else ("https",)
    if scheme not in allowed:
        raise ValidationError(_("The URL must start with https://."))
    if parts.username is not None or parts.password is not None:
        raise ValidationError(_("Leave user names and passwords out of the URL; the "
                                "signature proves the sender."))
    host = parts.hostname or ""
    if not host:
        raise ValidationError(_("The URL has no host name."))
    if parts.fragment:
        raise ValidationError(_("The URL may not have a #fragment."))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, host, port or (443 if scheme == "https" else 80), path


def url_target(url: str) -> Target:
    """The URL parsed and its host resolved to an address it may be sent to
    (every address the name resolves to must be allowed: a name with one
    public and one private address is refused)."""
    scheme, host, port, path = url_parse(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise ValidationError(_("The host name “%(host)s” could not be found.")
                              % {"host": host[:100]}) from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise ValidationError(_("The host name “%(host)s” could not be found.")
                              % {"host": host[:100]})
    for address in addresses:
        if _is_metadata(address):
            raise ValidationError(_("The URL leads to a cloud metadata service (%(address)s); "
                                    "webhooks never go there.") % {"address": address})
    if not settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
        for address in addresses:
            if not _is_public(address):
                raise ValidationError(
                    _("The URL leads to a private, local or reserved address (%(address)s); "
                      "webhooks go to public addresses only.") % {"address": address})
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])
