"""Content-Security-Policy and Permissions-Policy on every response, and pages
that need nothing the policy refuses (every inline <script>/<style> carries the
response's nonce; no style attribute). The browser side, with real violations
reported by Chromium, is tests/e2e/test_csp.py."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import path

from backoffice.customers.demo import demo_customers_create

ROOT = Path(__file__).resolve().parents[3]

EXPECTED_DIRECTIVES = {
    "default-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}


def _policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives


def _nonce(policy) -> str:
    match = re.search(r"'nonce-([^']+)'", policy["script-src"])
    assert match, policy["script-src"]
    return match.group(1)


def _assert_the_policy(response):
    policy = _policy(response)
    for name, value in EXPECTED_DIRECTIVES.items():
        assert policy.get(name) == value, (name, policy)
    script_src = policy["script-src"].split()
    style_src = policy["style-src"].split()
    assert "'self'" in script_src and "'self'" in style_src
    assert "'unsafe-inline'" not in script_src + style_src
    assert policy["style-src-attr"] == (
        "'unsafe-hashes' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    )
    assert "camera=()" in response.headers["Permissions-Policy"]
    for feature in ("microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in response.headers["Permissions-Policy"]
    return policy


def _assert_nothing_inline_without_the_nonce(response):
    """What the browser would refuse: an inline script or <style> without the
    response's nonce, any style attribute, any on* handler attribute."""
    html = response.content.decode()
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", html):
        if tag.startswith("<script") and " src=" in tag:
            continue
        if 'type="application/json"' in tag:
            continue  # data, never run (json_script)
        assert f'nonce="{_nonce(_policy(response))}"' in tag, tag
    assert not re.search(r"<[a-z][^>]*\sstyle=", html), re.search(
        r"<[a-z][^>]*\sstyle=[^>]*>", html
    ).group(0)
    assert not re.search(r"<[a-z][^>]*\son[a-z]+=", html)


@pytest.fixture
def leads(manager, alice, bob):
    alice.monthly_target = 5
    alice.save()
    demo_customers_create(count=30, counsellors=[alice, bob], by=manager)


def test_the_policy_is_on_a_normal_page(manager_client):
    response = manager_client.get("/customers/customer/")
    assert response.status_code == 200
    _assert_the_policy(response)


def test_the_policy_is_on_the_login_page(client):
    response = client.get("/login/")
    assert response.status_code == 200
    _assert_the_policy(response)
    _assert_nothing_inline_without_the_nonce(response)


def test_the_policy_is_on_the_not_found_page(alice_client):
    response = alice_client.get("/no-such-page/")
    assert response.status_code == 404
    _assert_the_policy(response)
    _assert_nothing_inline_without_the_nonce(response)


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom)]


def test_the_policy_is_on_the_server_error_page(settings):
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    _assert_the_policy(response)
    _assert_nothing_inline_without_the_nonce(response)


def test_the_policy_is_on_the_health_endpoint(client):
    response = client.get("/health/", HTTP_ACCEPT="application/json")
    _assert_the_policy(response)


def test_the_policy_is_on_a_refused_address(client, settings):
    settings.ADMIN_IP_ALLOWLIST = ["203.0.113.7"]
    response = client.get("/login/")
    assert response.status_code == 403
    _assert_the_policy(response)


def test_each_response_has_its_own_nonce_and_the_theme_style_carries_it(client):
    first, second = client.get("/login/"), client.get("/login/")
    nonce = _nonce(_policy(first))
    assert nonce != _nonce(_policy(second))
    assert f'<style id="unfold-theme-colors" nonce="{nonce}">' in first.content.decode()


@pytest.mark.parametrize("url", ["/", "/customers/customer/", "/reports/",
                                 "/reports/status_distribution/"])
def test_manager_pages_need_nothing_the_policy_refuses(manager_client, leads, url):
    response = manager_client.get(url)
    assert response.status_code == 200, url
    _assert_nothing_inline_without_the_nonce(response)


@pytest.mark.parametrize("url", ["/", "/customers/customer/"])
def test_counsellor_pages_need_nothing_the_policy_refuses(alice_client, leads, url):
    response = alice_client.get(url)
    assert response.status_code == 200, url
    _assert_nothing_inline_without_the_nonce(response)


def test_the_password_reset_page_needs_nothing_the_policy_refuses(client):
    response = client.get("/password-reset/")
    assert response.status_code == 200
    _assert_the_policy(response)
    _assert_nothing_inline_without_the_nonce(response)


def _settings_with(env: dict) -> str:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings';"
        "from django.conf import settings;"
        "print(getattr(settings, 'CONTENT_SECURITY_POLICY', None));"
        "print(getattr(settings, 'CONTENT_SECURITY_POLICY_REPORT_ONLY', None))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60,
                            env={**os.environ, **env})
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_csp_report_only_and_report_uri_come_from_the_environment():
    enforced, report_only = _settings_with({"CSP_REPORT_ONLY": "True",
                                            "CSP_REPORT_URI": "/csp-reports/"}).splitlines()
    assert enforced == "None"
    assert "'report-uri': ['/csp-reports/']" in report_only
