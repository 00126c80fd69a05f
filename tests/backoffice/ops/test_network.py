"""Forwarded addresses are believed only from our own proxies
(TRUSTED_PROXY_IPS); the health endpoint's allowlist exemption is its exact path."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client, RequestFactory, override_settings

from backoffice.ops.network import client_ip

pytestmark = pytest.mark.django_db


def _ip(remote, forwarded=None) -> str:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


@override_settings(BEHIND_PROXY=True, TRUSTED_PROXY_IPS=["10.0.0.1"])
def test_a_client_reaching_the_server_directly_cannot_forward_an_address():
    assert _ip("198.51.100.9", "203.0.113.7") == "198.51.100.9"


@override_settings(BEHIND_PROXY=True, TRUSTED_PROXY_IPS=["10.0.0.1"])
def test_through_our_proxy_the_address_it_appended_is_the_client():
    assert _ip("10.0.0.1", "198.51.100.9") == "198.51.100.9"
    # what the client forged sits further left and is not read
    assert _ip("10.0.0.1", "203.0.113.7, 198.51.100.9") == "198.51.100.9"


@override_settings(BEHIND_PROXY=True, TRUSTED_PROXY_IPS=["10.0.0.0/24", "192.0.2.5"])
def test_a_chain_of_our_proxies_is_walked_from_the_right():
    # client -> load balancer 192.0.2.5 -> nginx 10.0.0.1 -> gunicorn
    assert _ip("10.0.0.1", "203.0.113.7, 198.51.100.9, 192.0.2.5") == "198.51.100.9"
    assert _ip("10.0.0.1", "10.0.0.7, 192.0.2.5") == "10.0.0.7"  # all ours: the leftmost
    assert _ip("10.0.0.1", "garbage, 192.0.2.5") == "192.0.2.5"
    assert _ip("10.0.0.1", "") == "10.0.0.1"


@override_settings(BEHIND_PROXY=True, TRUSTED_PROXY_IPS=[])
def test_without_trusted_proxies_nothing_forwarded_is_believed():
    assert _ip("10.0.0.1", "198.51.100.9") == "10.0.0.1"


@override_settings(BEHIND_PROXY=False, TRUSTED_PROXY_IPS=["10.0.0.1"])
def test_not_behind_a_proxy_the_peer_is_the_client():
    assert _ip("10.0.0.1", "198.51.100.9") == "10.0.0.1"


@override_settings(ADMIN_IP_ALLOWLIST=["203.0.113.7"], BEHIND_PROXY=True,
                   TRUSTED_PROXY_IPS=["10.0.0.1"])
def test_a_forged_forwarded_address_does_not_pass_the_allowlist():
    direct = Client(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert direct.get("/login/").status_code == 403
    proxied = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert proxied.get("/login/").status_code == 200


@override_settings(BEHIND_PROXY=True, TRUSTED_PROXY_IPS=["10.0.0.1"], AXES_FAILURE_LIMIT=2)
def test_a_forged_forwarded_address_does_not_escape_the_login_lockout(manager):
    from axes.models import AccessAttempt

    for number in range(3):
        forger = Client(REMOTE_ADDR="198.51.100.9",
                        HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
        forger.post("/login/", {"username": "maya", "password": "wrong"})
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.9"}


@override_settings(ADMIN_IP_ALLOWLIST=["203.0.113.7"])
@pytest.mark.parametrize("path", ["/healthXYZ", "/health-admin/", "/health/../login/",
                                  "/healthz", "/health/extra"])
def test_only_the_health_endpoint_itself_is_exempt_from_the_allowlist(path):
    assert Client(REMOTE_ADDR="198.51.100.9").get(path).status_code == 403


@override_settings(ADMIN_IP_ALLOWLIST=["203.0.113.7"])
@pytest.mark.parametrize("path", ["/health", "/health/"])
def test_the_health_endpoint_is_open_past_the_allowlist(path):
    assert Client(REMOTE_ADDR="198.51.100.9").get(path).status_code != 403


def test_behind_a_proxy_without_trusted_proxy_ips_the_check_warns(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_IPS = []
    with pytest.raises(SystemCheckError, match="backoffice.W004"):
        call_command("check", "--fail-level", "WARNING")


def test_a_malformed_trusted_proxy_is_an_error(settings):
    settings.TRUSTED_PROXY_IPS = ["10.0.0.300"]
    with pytest.raises(SystemCheckError, match="TRUSTED_PROXY_IPS"):
        call_command("check")
