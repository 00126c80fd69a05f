"""The signature of a webhook request: HMAC-SHA256, with the endpoint's
secret, over "<unix time>." followed by the exact bytes of the body, sent as
``X-ALIMS-Signature: t=<unix time>,v1=<hex digest>``. The time stops a
captured request being replayed later (receivers refuse old ones)."""

import hashlib
import hmac
import time

HEADER = "X-ALIMS-Signature"
TOLERANCE_SECONDS = 300


def signature_header(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def signature_verify(secret: str, body: bytes, header: str, *,
                     tolerance: int = TOLERANCE_SECONDS, now: float | None = None) -> bool:
    """What a receiver does (README, "Webhooks"): the header's time is recent
    and one of its v1 digests matches."""
    parts: dict[str, list[str]] = {}
    for item in str(header or "").split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = signature_header(secret, body, timestamp).split("v1=", 1)[1]
    return any(hmac.compare_digest(expected, given) for given in parts.get("v1", []))
