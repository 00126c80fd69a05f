"""The Docker image's checks against a running web container (scripts/test-docker.sh).

    python scripts/docker_smoke.py BASE_URL DATABASE_URL USERNAME PASSWORD

Over HTTP, as a person would, through the proxy headers a TLS-terminating load
balancer adds: /health/ answers 200 (over plain HTTP: it is exempt from the
HTTPS redirect); the login page renders and links its CSS; the CSS answers 200
with a far-future cache header and compressed; a manager signs in, uploads a
small CSV, confirms it, and the import is run to the end by the worker
container (read back from the database). Exit status 1 on the first failure."""

import http.cookiejar
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

CSV = ("name,phone,area\n"
       "Anu Thomas,+91 98765 43210,Kochi\n"
       "Rahul Nair,+91 98765 43211,Thrissur\n"
       "<script>alert(1)</script>,+91 98765 43212,Kollam\n"
       "No Number,,Kochi\n").encode()
PROXY = {"X-Forwarded-Proto": "https"}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def fail(message: str) -> None:
    print(f"✗ {message}")
    sys.exit(1)


def ok(message: str) -> None:
    print(f"✓ {message}")


class ThroughProxy(http.cookiejar.DefaultCookiePolicy):
    """The site's cookies are Secure (it is served over HTTPS by the proxy in front):
    this client stands for that proxy and sends them over the loopback's plain HTTP."""

    def return_ok_secure(self, cookie, request):
        return True


class Session:
    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar(ThroughProxy())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  NoRedirect())
        self.host = urllib.parse.urlsplit(self.base).hostname

    def request(self, path, *, data=None, headers=None, proxy=True):
        headers = {**(PROXY if proxy else {}), **(headers or {})}
        if data is not None:
            headers.setdefault("Referer", f"https://{self.host}{path}")
            headers.setdefault("Origin", f"https://{self.host}")
        req = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def csrf(self, page: bytes) -> str:
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not match:
            fail("no CSRF token on the form")
        return match.group(1).decode()


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    for name, (filename, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                     + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def main(base: str, database_url: str, username: str, password: str) -> None:
    import psycopg

    s = Session(base)
    status, _, body = s.request("/health/", headers={"Accept": "application/json"}, proxy=False)
    if status != 200:
        fail(f"/health/ over plain HTTP answered {status}: {body[:300]!r}")
    ok(f"/health/ answers 200: {json.loads(body)}")
    status, _, body = s.request("/health/live/", proxy=False)
    if status != 200:
        fail(f"/health/live/ over plain HTTP answered {status}")
    ok("/health/live/ (the load balancer's probe) answers 200")

    status, headers, _ = s.request("/login/", proxy=False)
    if status != 301 or not headers.get("Location", "").startswith("https://"):
        fail(f"a page over plain HTTP should redirect to HTTPS, got {status}")
    ok("pages over plain HTTP redirect to HTTPS")

    status, headers, page = s.request("/login/")
    if status != 200 or b'id="login-form"' not in page:
        fail(f"the login page answered {status}")
    request_id = headers.get("X-Request-ID") or headers.get("X-Request-Id")
    if not request_id or not re.fullmatch(r"[0-9a-f]{32}", request_id):
        fail(f"the login page has no request id header: {request_id!r}")
    ok(f"the login page renders (request id {request_id})")
    css = re.findall(rb'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
    if not css:
        fail("the login page links no hashed CSS file")
    status, headers, body = s.request(css[0].decode(), headers={"Accept-Encoding": "gzip, br"})
    cache = headers.get("Cache-Control", "")
    age = int(re.search(r"max-age=(\d+)", cache).group(1)) if "max-age" in cache else 0
    if status != 200 or age < 365 * 24 * 3600 or "immutable" not in cache:
        fail(f"{css[0].decode()} answered {status} with Cache-Control {cache!r}")
    if headers.get("Content-Encoding") not in ("gzip", "br"):
        fail(f"{css[0].decode()} was not served compressed: {headers.get('Content-Encoding')!r}")
    ok(f"{css[0].decode()}: 200, {cache}, {headers['Content-Encoding']}")

    token = s.csrf(page)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username,
                                   "password": password, "next": "/"}).encode()
    status, headers, _ = s.request("/login/", data=body,
                                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    if status != 302:
        fail(f"signing in answered {status}")
    ok(f"{username} signs in")

    status, _, page = s.request("/imports/importrun/add/")
    if status != 200:
        fail(f"the upload page answered {status}")
    data, content_type = multipart({"csrfmiddlewaretoken": s.csrf(page)},
                                   {"file": ("docker-smoke.csv", CSV)})
    status, headers, body = s.request("/imports/importrun/add/", data=data,
                                      headers={"Content-Type": content_type})
    preview = headers.get("Location", "")
    if status != 302 or "/preview/" not in preview:
        fail(f"the upload answered {status} {preview!r}: {body[:500]!r}")
    run_id = int(re.search(r"/(\d+)/preview/", preview).group(1))
    ok(f"the file is uploaded (import run {run_id})")

    status, _, page = s.request(urllib.parse.urlsplit(preview).path)
    if status != 200:
        fail(f"the preview answered {status}")
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": s.csrf(page), "confirm": "1",
                                   "policy": "skip", "assignment": "none",
                                   "default_status": "new"}).encode()
    status, headers, _ = s.request(urllib.parse.urlsplit(preview).path, data=body,
                                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    if status != 302:
        fail(f"confirming the import answered {status}")
    ok("the import is confirmed (queued for the worker)")

    deadline = time.monotonic() + 120
    with psycopg.connect(database_url.replace("postgres://", "postgresql://"),
                         autocommit=True) as db:
        while True:
            state, created, invalid, warnings = db.execute(
                "select state, created, invalid, warnings from imports_importrun where id = %s",
                [run_id]).fetchone()
            if state in ("completed", "failed") or time.monotonic() > deadline:
                break
            time.sleep(1)
        if state != "completed":
            fail(f"the import did not complete within 120 s: {state}")
        names = [row[0] for row in db.execute(
            "select name from customers_customer where import_run_id = %s order by name",
            [run_id])]
    if created != 3 or "<script>alert(1)</script>" not in names:
        fail(f"the worker imported {created} customers ({names}), expected 3")
    ok(f"the worker ran the import to the end: {created} created, {invalid} refused, "
       f"{warnings} warnings")

    status, _, page = s.request(f"/customers/customer/?import_run={run_id}")
    if status != 200 or b"<script>alert(1)</script>" in page or b"Anu Thomas" not in page:
        fail(f"the imported customers' list answered {status} or rendered a name unescaped")
    ok("the imported customers are listed, names escaped")

    status, _, page = s.request("/customers/customer/?" + urllib.parse.urlencode(
        {"q": "+91 98765 43211"}))
    if status != 200 or b"Rahul Nair" not in page:
        fail(f"a search by phone number answered {status} without the customer")
    ok("a search by phone number finds the customer (the logs must not hold the number)")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
