"""TLS to the pinned address: the certificate is verified, and against the
URL's host name (not the address connected to)."""

import http.server
import shutil
import socket
import ssl
import subprocess
import threading
from unittest import mock

import pytest

from backoffice.webhooks import services
from backoffice.webhooks.models import Delivery
from tests.factories import CustomerFactory, EndpointFactory

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not shutil.which("openssl"), reason="needs openssl")]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=hooks.example.com", "-addext", "subjectAltName=DNS:hooks.example.com",
         "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
        check=True, capture_output=True)
    return folder / "cert.pem", folder / "key.pem"


@pytest.fixture
def tls_receiver(certificate):
    cert, key = certificate

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    server.server_close()


def _resolving_to_loopback():
    def fake(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
    return mock.patch("backoffice.webhooks.addresses.socket.getaddrinfo", side_effect=fake)


def _trusting(cert):
    made = ssl.create_default_context

    def context():
        trusted = made()
        trusted.load_verify_locations(cafile=str(cert))
        return trusted
    return mock.patch.object(services.ssl, "create_default_context", side_effect=context)


def _deliver(host, port, manager, capture):
    EndpointFactory(url=f"https://{host}:{port}/hook", created_by=manager)
    with capture(execute=True):
        services.event_emit("customer.created", customer_ids=[CustomerFactory().pk], by=manager)
    return Delivery.objects.get()


def test_a_certificate_for_the_urls_host_is_accepted_at_the_pinned_address(
        tls_receiver, certificate, manager, django_capture_on_commit_callbacks):
    with _resolving_to_loopback(), _trusting(certificate[0]):
        delivery = _deliver("hooks.example.com", tls_receiver, manager,
                            django_capture_on_commit_callbacks)
    assert delivery.state == Delivery.State.SUCCEEDED, delivery.error


def test_a_certificate_for_another_host_is_a_tls_error(
        tls_receiver, certificate, manager, django_capture_on_commit_callbacks):
    with _resolving_to_loopback(), _trusting(certificate[0]):
        delivery = _deliver("other.example.com", tls_receiver, manager,
                            django_capture_on_commit_callbacks)
    assert delivery.state == Delivery.State.RETRYING and "TLS" in delivery.error


def test_an_untrusted_certificate_is_a_tls_error(tls_receiver, manager,
                                                django_capture_on_commit_callbacks):
    with _resolving_to_loopback():
        delivery = _deliver("hooks.example.com", tls_receiver, manager,
                            django_capture_on_commit_callbacks)
    assert delivery.state == Delivery.State.RETRYING and "TLS" in delivery.error
