"""A real HTTP receiver on 127.0.0.1 for delivery tests (allowed by the test
settings' WEBHOOKS_ALLOW_PRIVATE_ADDRESSES), answering what each test says."""

import http.server
import threading
from dataclasses import dataclass, field

import pytest

from tests.factories import EndpointFactory


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    # what the next requests get: (status, headers, body); the last one repeats
    answers: list[tuple[int, dict, bytes]] = field(
        default_factory=lambda: [(200, {}, b'{"ok": true}')])

    def answer(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        self.answers = [(status, headers or {}, body)]


@pytest.fixture
def receiver():
    box: dict = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            recv = box["receiver"]
            recv.requests.append(Received(self.path, dict(self.headers.items()),
                                          self.rfile.read(length)))
            status, headers, body = (recv.answers.pop(0) if len(recv.answers) > 1
                                     else recv.answers[0])
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST  # noqa: N815 (a redirect followed would arrive as a GET)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box["receiver"] = Receiver(url=f"http://127.0.0.1:{server.server_port}/hook")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box["receiver"]
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _webhook_settings(settings, jobs_in_process):
    settings.WEBHOOKS_ALLOW_HTTP = True  # the test receiver speaks plain HTTP
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOKS_MAX_FAILURES = 10


@pytest.fixture
def endpoint(receiver, manager):
    return EndpointFactory(url=receiver.url, created_by=manager)
