"""The image's HEALTHCHECK: GET /health/ on this container's own web process.

Asks with a host name the site accepts (the first of ALLOWED_HOSTS, "localhost"
for "*") and no redirects followed: /health/ is exempt from the HTTPS redirect,
so anything but 200 is unhealthy. Exit status 0 when healthy, 1 otherwise."""

import http.client
import os
import sys


def main() -> int:
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
    port = int(os.environ.get("PORT", "8000") or 8000)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/health/", headers={"Host": host, "Accept": "application/json"})
        status = connection.getresponse().status
    except OSError as exc:
        print(f"/health/ unreachable: {exc}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"/health/ answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
