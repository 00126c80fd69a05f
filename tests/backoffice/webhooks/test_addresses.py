"""SSRF: webhooks go to public https addresses only, checked when an endpoint
is saved and again at delivery (DNS may have changed meanwhile)."""

import socket
import threading
import time
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from backoffice.webhooks import services
from backoffice.webhooks.addresses import url_target
from backoffice.webhooks.models import Delivery
from tests.factories import CustomerFactory, EndpointFactory

pytestmark = pytest.mark.django_db


def _resolving_to(*addresses):
    def fake(host, port, *args, **kwargs):
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                 (a, port)) for a in addresses]
    return mock.patch("backoffice.webhooks.addresses.socket.getaddrinfo", side_effect=fake)


@pytest.fixture
def strict(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    settings.WEBHOOKS_ALLOW_HTTP = False


@pytest.mark.parametrize("url", [
    "https://127.0.0.1/hook", "https://127.1.2.3:8443/hook", "https://10.0.0.5/hook",
    "https://192.168.1.1/", "https://172.16.0.1/",
    "https://[::1]/hook", "https://[::ffff:127.0.0.1]/",
    "https://0.0.0.0/", "https://100.64.0.1/", "https://224.0.0.1/",
])
def test_private_loopback_and_metadata_addresses_are_refused(strict, url):
    with pytest.raises(ValidationError, match="public addresses only"):
        url_target(url)


@pytest.mark.parametrize("url", [
    "https://169.254.169.254/latest/meta-data/", "http://169.254.169.254/",
    "https://[fd00:ec2::254]/", "https://[::ffff:169.254.169.254]/",
    "https://169.254.170.2/v2/credentials/x",  # ECS task credentials
    "https://169.254.170.23/", "https://169.254.0.23/", "https://100.100.100.200/",
    "https://192.0.0.192/", "https://[fd00:ec2::23]/",
])
@pytest.mark.parametrize("private_allowed", [False, True])
def test_the_cloud_metadata_service_is_refused_always(settings, url, private_allowed):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = private_allowed
    settings.WEBHOOKS_ALLOW_HTTP = True
    with pytest.raises(ValidationError, match="metadata"):
        url_target(url)


@pytest.mark.parametrize("address", [
    "64:ff9b::7f00:1", "64:ff9b:1::a00:1",  # NAT64 of 127.0.0.1, 10.0.0.1
    "2002:7f00:1::1", "2002:c0a8:101::1",  # 6to4 of 127.0.0.1, 192.168.1.1
    "::7f00:1", "::ffff:0:7f00:1",  # IPv4-compatible, IPv4-translated
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo
    "fec0::1",  # site-local
])
def test_ipv6_addresses_carrying_a_private_ipv4_address_are_refused(strict, address):
    with _resolving_to(address), pytest.raises(ValidationError, match="public addresses only"):
        url_target("https://six.example.com/hook")


@pytest.mark.parametrize("address", ["64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::1", "::a9fe:a9fe"])
@pytest.mark.parametrize("private_allowed", [False, True])
def test_the_metadata_service_behind_nat64_or_6to4_is_refused_always(settings, address,
                                                                     private_allowed):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = private_allowed
    with _resolving_to(address), pytest.raises(ValidationError, match="metadata"):
        url_target("https://six.example.com/hook")


def test_a_nat64_address_of_a_public_ipv4_address_is_accepted(strict):
    with _resolving_to("64:ff9b::5db8:d822"):
        assert url_target("https://six.example.com/hook").address == "64:ff9b::5db8:d822"


def test_a_host_name_resolving_to_a_private_address_is_refused(strict):
    with _resolving_to("10.1.2.3"), pytest.raises(ValidationError, match="10.1.2.3"):
        url_target("https://intranet.example.com/hook")


def test_a_name_with_one_public_and_one_private_address_is_refused(strict):
    with _resolving_to("93.184.216.34", "127.0.0.1"), pytest.raises(ValidationError):
        url_target("https://mixed.example.com/hook")


def test_a_public_https_url_is_accepted_and_pinned_to_the_checked_address(strict):
    with _resolving_to("93.184.216.34"):
        target = url_target("https://hooks.example.com:8443/in?x=1")
    assert (target.host, target.port, target.path, target.address) == (
        "hooks.example.com", 8443, "/in?x=1", "93.184.216.34")


@pytest.mark.parametrize(("url", "reason"), [
    ("http://hooks.example.com/", "https://"),
    ("ftp://hooks.example.com/", "https://"),
    ("javascript:alert(1)", "https://"),
    ("https://user:pw@hooks.example.com/", "passwords"),
    ("https:///nohost", "host"),
    ("https://hooks.example.com/a b", "spaces"),
    ("https://hooks.example.com/\x00", "control"),
    ("https://hooks.example.com/" + "a" * 600, "longer"),
    ("https://hooks.example.com:99999/", "valid"),
    ("", "Enter"),
])
def test_bad_urls_are_refused_with_a_reason(strict, url, reason):
    with _resolving_to("93.184.216.34"), pytest.raises(ValidationError, match=reason):
        url_target(url)


def test_http_is_allowed_only_by_its_setting(strict, settings):
    settings.WEBHOOKS_ALLOW_HTTP = True
    with _resolving_to("93.184.216.34"):
        assert url_target("http://hooks.example.com/").scheme == "http"


def test_a_host_that_does_not_resolve_is_refused(strict):
    with mock.patch("backoffice.webhooks.addresses.socket.getaddrinfo",
                    side_effect=socket.gaierror("no such name")), \
            pytest.raises(ValidationError, match="could not be found"):
        url_target("https://nowhere.invalid/")


def test_a_name_that_turns_private_after_saving_is_not_sent_to(strict, manager, receiver,
                                                              django_capture_on_commit_callbacks):
    """DNS rebinding: saved while public, private at delivery: refused, recorded."""
    endpoint = EndpointFactory(url="https://hooks.example.com/hook")
    customer = CustomerFactory()
    with _resolving_to("127.0.0.1"), django_capture_on_commit_callbacks(execute=True):
        services.event_emit("customer.created", customer_ids=[customer.pk], by=manager)
    delivery = Delivery.objects.get(endpoint=endpoint)
    assert delivery.state == Delivery.State.RETRYING
    assert "public addresses only" in delivery.error
    assert delivery.response_status is None
    assert receiver.requests == []


def test_a_name_server_that_does_not_answer_is_given_up_in_time(strict, monkeypatch):
    from backoffice.webhooks import addresses

    monkeypatch.setattr(addresses, "DNS_TIMEOUT_SECONDS", 0.2)
    release = threading.Event()

    def hangs(*args, **kwargs):
        release.wait(10)
        raise socket.gaierror("too late")

    started = time.monotonic()
    try:
        with mock.patch("backoffice.webhooks.addresses.socket.getaddrinfo", side_effect=hangs), \
                pytest.raises(ValidationError, match="was not found within"):
            url_target("https://slow.example.com/hook")
    finally:
        release.set()
    assert time.monotonic() - started < 3
