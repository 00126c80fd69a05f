"""The image's HEALTHCHECK: GET /health/live/ on this container's own web process
(its database, cache and storage; the queue and workers are /health/'s, for alerts).

Asks with a host name the site accepts (the first of ALLOWED_HOSTS, "localhost"
for "*") and no redirects followed: the health paths are exempt from the HTTPS
redirect, so anything but 200 is unhealthy. A container of the same image that runs
something else (the rq worker, a one-off command) has no web process to ask: healthy.
Exit status 0 when healthy, 1 otherwise."""

import http.client
import os
import sys
from pathlib import Path


def serves_http() -> bool:
    try:
        command = Path("/proc/1/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True
    return any(Path(part.decode(errors="replace")).name == "gunicorn" for part in command[:2])


def main() -> int:
    if not serves_http():
        return 0
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
    port = int(os.environ.get("PORT", "8000") or 8000)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/health/live/", headers={"Host": host, "Accept": "application/json"})
        status = connection.getresponse().status
    except OSError as exc:
        print(f"/health/live/ unreachable: {exc}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"/health/live/ answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
