"""The 500 page: the reference a user can quote, and no database needed."""

import re

import pytest
from django.test import Client

from backoffice.ops.request_log import request_id_var

URLS = "tests.backoffice.ops.urls_errors"
pytestmark = pytest.mark.urls(URLS)


def _error_client() -> Client:
    return Client(raise_request_exception=False)


@pytest.fixture
def our_proxy(settings):
    """Requests come through our proxy, whose request ids are kept."""
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_IPS = ["127.0.0.1"]


def _reference(response) -> str:
    match = re.search(r"Reference: <code>([^<]*)</code>", response.content.decode())
    assert match, response.content.decode()
    return match.group(1)


def test_the_500_page_shows_the_reference_of_the_header():
    # no database fixture: any database access here would fail the test
    response = _error_client().get("/test-boom/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert _reference(response) == response["X-Request-ID"]


def test_the_500_page_keeps_a_safe_id_from_our_proxy(our_proxy):
    response = _error_client().get("/test-boom/", HTTP_X_REQUEST_ID="lb-77.a_b")
    assert _reference(response) == "lb-77.a_b" == response["X-Request-ID"]


@pytest.mark.parametrize("forged", ['"><script>alert(1)</script>', "x" * 500, "a\nb"])
def test_the_500_page_never_shows_a_forged_id(forged, our_proxy):
    response = _error_client().get("/test-boom/", HTTP_X_REQUEST_ID=forged)
    content = response.content.decode()
    assert "<script>" not in content and forged not in content
    assert _reference(response) == response["X-Request-ID"]


def test_the_500_page_escapes_the_id_it_is_given(rf):
    from backoffice.ops.views import server_error

    request = rf.get("/")
    request.request_id = "<b>bold</b>"  # never validated: the view validates again
    response = server_error(request)
    assert "<b>bold</b>" not in response.content.decode()
    assert "Reference" not in response.content.decode()


def test_the_500_page_without_a_request_id_still_renders(rf):
    from backoffice.ops.views import server_error

    assert request_id_var.get() is None
    response = server_error(rf.get("/"))
    assert response.status_code == 500 and "Something went wrong" in response.content.decode()


def test_the_500_template_escapes_the_reference():
    from django.template.loader import render_to_string

    html = render_to_string("500.html", {"request_id": "<b>x</b>"})
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
