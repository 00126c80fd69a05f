"""Where a webhook may go: https (http only when WEBHOOKS_ALLOW_HTTP), no
credentials in the URL, and only to public addresses — never loopback,
private, link-local (the cloud metadata service at 169.254.169.254),
carrier-grade NAT, multicast or reserved ones (SSRF), nor IPv6 forms of
these (NAT64, 6to4, Teredo, IPv4-compatible), unless
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES. Checked when an endpoint is saved and again
at every delivery, which then connects to the very address it checked (a name
that resolves elsewhere a second later is not followed)."""

import ipaddress
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as LookupTimeout
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

URL_MAX = 500
# A name server that does not answer holds no request nor worker for long: the
# lookup runs on a small pool of its own and is given up after this long (the
# pool's threads finish it in the background; more lookups than threads wait
# their turn within the same time).
DNS_TIMEOUT_SECONDS = 5
DNS_THREADS = 4
_lookups: ThreadPoolExecutor | None = None
_lookups_lock = threading.Lock()
# what the request line keeps as written: every printable ASCII character
ASCII_PRINTABLE = "".join(chr(code) for code in range(33, 127))


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written in the URL (the Host header and the TLS name)
    port: int
    path: str  # path and query, as written (non-ASCII characters %-escaped)
    address: str  # the checked IP address to connect to


# the cloud metadata and credentials services: refused even where private addresses are
# allowed. All of IPv4 link-local (AWS's 169.254.169.254 and ECS/EKS credentials at
# 169.254.170.2 and .23, GCP, Azure, Tencent's 169.254.0.23), Alibaba's, Oracle's old one,
# AWS's IPv6 ones.
METADATA_NETWORKS = [ipaddress.ip_network(net) for net in (
    "169.254.0.0/16", "100.100.100.200/32", "192.0.0.192/32", "fd00:ec2::/64")]


# IPv6 prefixes that carry an IPv4 address in their last 32 bits: NAT64 (well-known
# and local-use), IPv4-compatible and IPv4-translated. 64:ff9b::a9fe:a9fe is the
# metadata service through a NAT64 gateway.
EMBEDDING_IPV4 = [ipaddress.ip_network(net) for net in (
    "64:ff9b::/96", "64:ff9b:1::/48", "::/96", "::ffff:0:0/96", "::ffff:0:0:0/96")]


def _addresses(address: str) -> list:
    """The address and every IPv4 address it carries (IPv4-mapped, NAT64, 6to4,
    Teredo, IPv4-compatible): each must be allowed."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    found = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            found.append(ip.ipv4_mapped)
        if ip.sixtofour is not None:
            found.append(ip.sixtofour)
        if ip.teredo is not None:
            found.extend(ip.teredo)
        if any(ip in net for net in EMBEDDING_IPV4):
            found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _is_metadata(address: str) -> bool:
    return any(ip in net for ip in _addresses(address) for net in METADATA_NETWORKS
               if ip.version == net.version)


def _is_public(address: str) -> bool:
    found = _addresses(address)
    # a NAT64 address (in the reserved ::/8) is as public as the IPv4 address it carries
    nat64 = any(found[0] in net for net in EMBEDDING_IPV4[:2])
    return all(ip.is_global and not ip.is_multicast and not (ip.is_reserved and not nat64)
               and not getattr(ip, "is_site_local", False) for ip in found)


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
    # a request line is ASCII: other characters go as UTF-8 %-escapes, as a browser sends them
    path = quote(path, safe=ASCII_PRINTABLE)
    return scheme, host, port or (443 if scheme == "https" else 80), path


def url_target(url: str) -> Target:
    """The URL parsed and its host resolved to an address it may be sent to
    (every address the name resolves to must be allowed: a name with one
    public and one private address is refused)."""
    scheme, host, port, path = url_parse(url)
    try:
        infos = _resolve(host, port)
    except LookupTimeout as exc:
        raise ValidationError(_("The host name “%(host)s” was not found within %(seconds)s "
                                "seconds; try again later.")
                              % {"host": host[:100], "seconds": DNS_TIMEOUT_SECONDS}) from exc
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


def _resolve(host: str, port: int) -> list:
    """getaddrinfo, given up after DNS_TIMEOUT_SECONDS (raises LookupTimeout)."""
    global _lookups
    with _lookups_lock:
        if _lookups is None:  # made on first use: a forked web worker makes its own
            _lookups = ThreadPoolExecutor(max_workers=DNS_THREADS,
                                          thread_name_prefix="webhook-dns")
    lookup = _lookups.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        return lookup.result(timeout=DNS_TIMEOUT_SECONDS)
    finally:
        lookup.cancel()  # still waiting for a thread: it never starts
